"""Plain lyric lines laid over the song's vocal stretches, in order, each as long as its text."""

from __future__ import annotations

from mv.analysis.lrc import Line

MIN_LINE_SECONDS = 0.5


def place(lines: list[str], stretches: list[tuple[float, float]], duration: float) -> list[Line]:
    """Give each line a window inside the stretches (the whole song when no voice was found), sized by its length."""
    spans = [(a, b) for a, b in stretches if b - a >= MIN_LINE_SECONDS] or [(0.0, duration)]
    if not lines or duration <= 0:
        return []
    weights = [len(text) + 4 for text in lines]
    lengths = [b - a for a, b in spans]
    total = sum(lengths)
    shares = [round(len(lines) * length / total) for length in lengths]
    _fix_counts(shares, len(lines), lengths)
    placed: list[Line] = []
    index = 0
    for (a, b), count in zip(spans, shares, strict=True):
        chunk = lines[index : index + count]
        index += count
        if not chunk:
            continue
        chunk_weights = weights[len(placed) : len(placed) + len(chunk)]
        scale = (b - a) / sum(chunk_weights)
        at = a
        for text, weight in zip(chunk, chunk_weights, strict=True):
            end = at + weight * scale
            placed.append(Line(round(at, 3), round(end, 3), text))
            at = end
    return placed


def _fix_counts(shares: list[int], wanted: int, lengths: list[float]) -> None:
    """Adjust rounded line counts so they add up, adding to the longest spans first and taking from the shortest."""
    order = sorted(range(len(lengths)), key=lambda i: -lengths[i])
    i = 0
    while sum(shares) < wanted:
        shares[order[i % len(order)]] += 1
        i += 1
    i = 0
    while sum(shares) > wanted:
        j = order[-1 - (i % len(order))]
        if shares[j] > 0:
            shares[j] -= 1
        i += 1

"""Sections: boundaries where the bar-by-bar texture changes, labels A/B/C… by similarity, intro and outro."""

from __future__ import annotations

import string
from dataclasses import dataclass

import numpy as np

KERNEL_BARS = 4
MIN_SIDE_BARS = 2
MIN_SECTION_BARS = 4
MIN_END_BARS = 3
NOVELTY_FLOOR = 0.12
SAME_LABEL = 0.75
SILENT_DB = 35.0


@dataclass(frozen=True)
class Section:
    """A stretch of bars with one label."""

    start: float
    end: float
    label: str
    first_bar: int
    last_bar: int


def bar_features(edges: np.ndarray, mfcc: np.ndarray, chroma: np.ndarray, rms_db: np.ndarray) -> np.ndarray:
    """One standardised row per bar: timbre, harmony and loudness averaged over the bar's frames."""
    rows = []
    for a, b in zip(edges[:-1], edges[1:]):
        b = max(b, a + 1)
        rows.append(np.concatenate([mfcc[:, a:b].mean(axis=1), chroma[:, a:b].mean(axis=1) * 4, [rms_db[a:b].mean() / 6]]))
    data = np.array(rows)
    spread = data.std(axis=0)
    spread[spread < 1e-6] = 1.0
    timbre = slice(0, mfcc.shape[0])
    data[:, timbre] = (data[:, timbre] - data[:, timbre].mean(axis=0)) / spread[timbre]
    return data


def similarity(rows: np.ndarray) -> np.ndarray:
    """Gaussian similarity between every pair of bars, scaled by the median distance."""
    distance = np.sqrt(((rows[:, None, :] - rows[None, :, :]) ** 2).sum(axis=2))
    scale = np.median(distance[np.triu_indices(len(rows), 1)]) if len(rows) > 1 else 1.0
    return np.exp(-((distance / (scale or 1.0)) ** 2))


def novelty(ssm: np.ndarray, k: int = KERNEL_BARS) -> np.ndarray:
    """Checkerboard novelty at each bar edge: similarity within the two sides minus across them, nearer bars weighing more."""
    n = len(ssm)
    out = np.zeros(n + 1)
    for b in range(MIN_SIDE_BARS, n - MIN_SIDE_BARS + 1):
        left, right = np.arange(max(0, b - k), b), np.arange(b, min(n, b + k))
        wl, wr = _taper(b - left - 0.5, k), _taper(right - b + 0.5, k)

        def mean(rows: np.ndarray, cols: np.ndarray, wr_: np.ndarray, wc: np.ndarray) -> float:
            weights = np.outer(wr_, wc)
            return float((ssm[np.ix_(rows, cols)] * weights).sum() / weights.sum())

        within = (mean(left, left, wl, wl) + mean(right, right, wr, wr)) / 2
        out[b] = within - mean(left, right, wl, wr)
    return out


def _taper(distance: np.ndarray, k: int) -> np.ndarray:
    return np.exp(-0.5 * (distance / (k / 2)) ** 2)


def boundaries(curve: np.ndarray, min_gap: int = MIN_SECTION_BARS) -> list[int]:
    """Bar edges at clear novelty peaks, strongest first, at least `min_gap` bars apart."""
    inner = curve[1:-1]
    if inner.size == 0 or inner.max() <= 0:
        return []
    threshold = max(NOVELTY_FLOOR, float(np.median(inner[inner > 0])) * 1.5 if np.any(inner > 0) else NOVELTY_FLOOR)
    chosen: list[int] = []
    for b in np.argsort(curve)[::-1]:
        if curve[b] < threshold:
            break
        if b == 0 or b == len(curve) - 1:
            continue
        if curve[b] < curve[max(0, b - 1)] or curve[b] < curve[min(len(curve) - 1, b + 1)]:
            continue
        if b >= MIN_END_BARS and len(curve) - 1 - b >= MIN_END_BARS and all(abs(int(b) - c) >= min_gap for c in chosen):
            chosen.append(int(b))
    return sorted(chosen)


def _labels(ssm: np.ndarray, spans: list[tuple[int, int]]) -> list[str]:
    """Letters by first appearance; a span joins the earlier group it resembles as much as itself."""
    def block(a: tuple[int, int], b: tuple[int, int]) -> float:
        return float(ssm[a[0] : a[1], b[0] : b[1]].mean())

    groups: list[list[int]] = []
    labels: list[str] = []
    for i, span in enumerate(spans):
        own = block(span, span)
        best, best_score = None, 0.0
        for g, members in enumerate(groups):
            score = np.mean([block(span, spans[m]) for m in members]) / max(own, np.mean([block(spans[m], spans[m]) for m in members]))
            if score > best_score:
                best, best_score = g, score
        if best is not None and best_score >= SAME_LABEL:
            groups[best].append(i)
        else:
            groups.append([i])
            best = len(groups) - 1
        labels.append(string.ascii_uppercase[best % 26])
    return labels


def segment(edges_s: np.ndarray, rows: np.ndarray, loudness_db: np.ndarray) -> list[Section]:
    """Sections over bars with edges `edges_s` (seconds); near-silent bars at either end join their neighbour."""
    n = len(rows)
    if n == 0:
        return []
    sounding = np.flatnonzero(loudness_db > loudness_db.max() - SILENT_DB)
    first, last = (int(sounding[0]), int(sounding[-1]) + 1) if sounding.size else (0, n)
    ssm = similarity(rows[first:last])
    cuts = [first + b for b in boundaries(novelty(ssm))]
    spans = list(zip([0, *cuts], [*cuts, n]))
    labels = _intro_outro(_labels(similarity(rows), spans), spans)
    return [Section(float(edges_s[a]), float(edges_s[b]), label, a, b - 1) for (a, b), label in zip(spans, labels)]


def _intro_outro(labels: list[str], spans: list[tuple[int, int]]) -> list[str]:
    """Call an unrepeated first (last) section that is short next to the song the intro (outro); re-letter the rest."""
    if len(spans) < 3:
        return labels
    total = spans[-1][1]
    out = list(labels)
    for index, name in ((0, "intro"), (len(spans) - 1, "outro")):
        a, b = spans[index]
        if labels.count(labels[index]) == 1 and (b - a) <= max(2, total // 4):
            out[index] = name
    letters: dict[str, str] = {}
    for i, label in enumerate(out):
        if label not in ("intro", "outro"):
            letters.setdefault(label, string.ascii_uppercase[len(letters) % 26])
            out[i] = letters[label]
    return out

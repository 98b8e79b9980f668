"""Lyrics text: LRC with timestamps, or plain lines; bad LRC lines are named by number."""

from __future__ import annotations

import re
from dataclasses import dataclass

from mv.core.errors import EncoreError

MAX_LINES = 2000
MAX_LINE_CHARS = 300
LAST_LINE_SECONDS = 6.0
LONGEST_LINE_SECONDS = 12.0

_STAMP = re.compile(r"\[(\d{1,3}):(\d{1,2})(?:[.:](\d{1,3}))?\]")
_TAG = re.compile(r"\[([A-Za-z#][A-Za-z0-9_ #-]*):([^\]]*)\]\s*$")
_WORD_STAMP = re.compile(r"<\d{1,3}:\d{1,2}(?:[.:]\d{1,3})?>")
_LOOKS_TIMED = re.compile(r"^\s*\[\d{1,3}:\d")


class InvalidLyrics(EncoreError):
    """Lyrics text that cannot be read; the detail names the line."""

    status_code = 422


@dataclass(frozen=True)
class Line:
    """One lyric line and its window in seconds."""

    start: float
    end: float
    text: str


def is_lrc(text: str) -> bool:
    """Whether any line starts with an LRC timestamp."""
    return any(_LOOKS_TIMED.match(line) for line in text.splitlines())


def _seconds(match: re.Match[str]) -> float:
    minutes, seconds, fraction = match.groups()
    if int(seconds) >= 60:
        raise ValueError("seconds past 59")
    return int(minutes) * 60 + int(seconds) + (int(fraction) / 10 ** len(fraction) if fraction else 0.0)


def _clean(text: str, number: int) -> str:
    text = _WORD_STAMP.sub("", text)
    text = "".join(ch for ch in text if ch.isprintable())
    text = re.sub(r"\s+", " ", text).strip()
    if len(text) > MAX_LINE_CHARS:
        raise InvalidLyrics(f"Line {number} is longer than {MAX_LINE_CHARS} characters.")
    return text


def _check_size(lines: list[str]) -> None:
    if len(lines) > MAX_LINES:
        raise InvalidLyrics(f"The lyrics have more than {MAX_LINES} lines.")


def parse_lrc(text: str, duration: float) -> list[Line]:
    """Timed lines from LRC text: `[mm:ss.xx]` stamps (several per line allowed), tags, `[offset:±ms]`."""
    raw = text.splitlines()
    _check_size(raw)
    stamped: list[tuple[float, str]] = []
    offset = 0.0
    for number, line in enumerate(raw, start=1):
        body = line.strip()
        if not body:
            continue
        tag = _TAG.match(body)
        if tag and not _STAMP.match(body):
            if tag.group(1).strip().lower() == "offset":
                try:
                    offset = int(tag.group(2).strip()) / 1000.0
                except ValueError:
                    raise InvalidLyrics(f"Line {number} has an offset that is not a whole number of milliseconds.") from None
            continue
        times: list[float] = []
        while (match := _STAMP.match(body)) is not None:
            try:
                times.append(_seconds(match))
            except ValueError:
                raise InvalidLyrics(f"Line {number} has a timestamp with seconds past 59: {match.group(0)}.") from None
            body = body[match.end():].lstrip()
        if not times:
            raise InvalidLyrics(f"Line {number} does not start with a [mm:ss.xx] timestamp: {_preview(line)}.")
        if body.startswith("["):
            raise InvalidLyrics(f"Line {number} has a malformed timestamp: {_preview(body)}.")
        words = _clean(body, number)
        stamped.extend((t, words) for t in times)
        for t in times:
            if t - offset > duration:
                raise InvalidLyrics(f"Line {number} is timed at {_clock(t)}, after the song ends ({_clock(duration)}).")
    return _windows(sorted((max(0.0, t - offset), words) for t, words in stamped), duration)


def _windows(stamped: list[tuple[float, str]], duration: float) -> list[Line]:
    """Each line lasts until the next stamp (12 s at most); an empty stamp only ends the line before it."""
    lines: list[Line] = []
    for i, (start, words) in enumerate(stamped):
        if not words:
            continue
        end = min(stamped[i + 1][0], start + LONGEST_LINE_SECONDS) if i + 1 < len(stamped) else start + LAST_LINE_SECONDS
        if end > start:
            lines.append(Line(round(start, 3), round(min(end, duration), 3), words))
    return lines


def parse_plain(text: str) -> list[str]:
    """The non-empty lines of plain lyrics."""
    raw = text.splitlines()
    _check_size(raw)
    return [words for number, line in enumerate(raw, start=1) if (words := _clean(line, number))]


def _preview(text: str) -> str:
    text = "".join(ch for ch in text.strip() if ch.isprintable())
    return f'"{text[:40]}…"' if len(text) > 40 else f'"{text}"'


def _clock(seconds: float) -> str:
    return f"{int(seconds // 60)}:{seconds % 60:05.2f}"

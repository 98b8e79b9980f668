"""Timed lyric lines as SubRip, WebVTT and styled ASS text."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from mv.analysis.schemas import LyricLine

SAFE_PATH = re.compile(r"^[A-Za-z0-9_./-]+$")


def within(lines: Sequence[LyricLine], length: float | None) -> list[LyricLine]:
    """Lines with text that start before `length`, ending by it."""
    kept = []
    for line in lines:
        if not line.text.strip() or line.end <= line.start or (length is not None and line.start >= length):
            continue
        kept.append(LyricLine(start=line.start, end=min(line.end, length) if length is not None else line.end, text=line.text.strip()))
    return kept


def _stamp(seconds: float, separator: str) -> str:
    millis = max(0, round(seconds * 1000))
    hours, rest = divmod(millis, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    secs, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}{separator}{millis:03d}"


def srt(lines: Sequence[LyricLine]) -> str:
    """SubRip: numbered cues, `00:00:01,500 --> 00:00:03,000`."""
    cues = [f"{n}\n{_stamp(l.start, ',')} --> {_stamp(l.end, ',')}\n{l.text}\n" for n, l in enumerate(lines, 1)]
    return "\n".join(cues)


def vtt(lines: Sequence[LyricLine]) -> str:
    """WebVTT for the browser's `<track>`."""
    cues = [f"{_stamp(l.start, '.')} --> {_stamp(l.end, '.')}\n{l.text.replace('-->', '→')}\n" for l in lines]
    return "WEBVTT\n\n" + "\n".join(cues)


def _ass_time(seconds: float) -> str:
    centis = max(0, round(seconds * 100))
    hours, rest = divmod(centis, 360_000)
    minutes, rest = divmod(rest, 6000)
    secs, centis = divmod(rest, 100)
    return f"{hours}:{minutes:02d}:{secs:02d}.{centis:02d}"


def ass(lines: Sequence[LyricLine], width: int, height: int) -> str:
    """Styled lyrics for burning in: bold white text with a dark outline, centred in the upper third."""
    size = max(18, height // 16)
    header = (
        "[Script Info]\nScriptType: v4.00+\n"
        f"PlayResX: {width}\nPlayResY: {height}\nWrapStyle: 0\n\n"
        "[V4+ Styles]\nFormat: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, BackColour, Bold, Italic, "
        "Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, Outline, Shadow, Alignment, MarginL, MarginR, MarginV, Encoding\n"
        f"Style: Lyrics,DejaVu Sans,{size},&H00FFFFFF,&H00FFFFFF,&H00101010,&H80000000,1,0,0,0,100,100,0,0,1,{max(2, size // 12)},1,8,"
        f"{width // 12},{width // 12},{height // 8},1\n\n"
        "[Events]\nFormat: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text\n"
    )
    events = [
        f"Dialogue: 0,{_ass_time(l.start)},{_ass_time(l.end)},Lyrics,,0,0,0,,{l.text.replace(chr(123), '(').replace(chr(125), ')')}"
        for l in lines
    ]
    return header + "\n".join(events) + "\n"


def burn_filter(path: Path) -> str:
    """The `ass` filter for a server-written subtitle file (its path is checked to need no escaping)."""
    text = str(path.resolve())
    if not SAFE_PATH.match(text):
        raise ValueError("subtitle path needs escaping")
    return f"ass=filename={text}"

"""Timed lyric lines from a Whisper-like model's output: segments with start, end and text."""

from __future__ import annotations

from typing import Any

from mv.analysis.schemas import LyricLine
from mv.core.errors import UpstreamError


def speech_lines(output: Any, duration: float) -> list[LyricLine]:
    """The non-empty segments inside the song, in time order; an answer without segments is an upstream error."""
    segments = output.get("segments") if isinstance(output, dict) else None
    if not isinstance(segments, list):
        raise UpstreamError("The speech-to-text model answered without timed segments.")
    lines: list[LyricLine] = []
    for segment in segments:
        try:
            start, end, text = float(segment["start"]), float(segment["end"]), str(segment["text"]).strip()
        except (KeyError, TypeError, ValueError):
            continue
        start, end = max(0.0, start), min(end, duration) if duration > 0 else end
        if text and end > start:
            lines.append(LyricLine(start=round(start, 3), end=round(end, 3), text=text[:500]))
    return sorted(lines, key=lambda line: line.start)

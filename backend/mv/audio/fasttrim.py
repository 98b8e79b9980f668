"""Trimming the canonical mp3 from a start time to its end, sample-accurately."""

from __future__ import annotations

from pathlib import Path

from mv.audio.media import render_segment


async def trim_mp3(source: Path, target: Path, start: float) -> str:
    """Write `source` from `start` to its end into `target`; returns the method used."""
    await render_segment(source, target, start=start, length=None, fmt="mp3")
    return "reencode"

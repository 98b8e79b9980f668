"""Song files and their analyses through the same decode path as the service."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import numpy as np

from analysis.music import Part

CLICK_TEMPOS = (70.0, 96.0, 120.0, 140.0, 174.0)
SONG_PARTS = [
    Part("intro", 4, drums=False, bass=False, chords=0),
    Part("A", 8, drums=True, bass=True, chords=0),
    Part("B", 8, drums=True, bass=True, chords=30, progression=(3, 4, 0, 5), crash=True),
    Part("A", 8, drums=True, bass=True, chords=0),
    Part("outro", 4, drums=False, bass=True, chords=48),
]


def to_mp3(source: Path) -> Path:
    """The song as an mp3, like every stored song."""
    target = source.with_suffix(".mp3")
    subprocess.run(["ffmpeg", "-nostdin", "-loglevel", "error", "-y", "-i", str(source), "-c:a", "libmp3lame", "-b:a", "192k", str(target)], check=True)
    return target


def decode(path: Path, rate: int = 22050) -> np.ndarray:
    """Mono float samples at the analysis rate, decoded by ffmpeg as the service does."""
    pcm = subprocess.run(
        ["ffmpeg", "-nostdin", "-loglevel", "error", "-i", str(path), "-ac", "1", "-ar", str(rate), "-f", "s16le", "-"],
        check=True, capture_output=True,
    ).stdout
    return np.frombuffer(pcm, dtype="<i2").astype(np.float32) / 32768.0


def analysed(path: Path) -> dict[str, Any]:
    """The analysis of a song file."""
    from mv.analysis import song

    return song.analyse(decode(path))

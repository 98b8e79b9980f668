"""Songs with known truth, made once per session, and their analyses through the real decode path."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from analysis.helpers import CLICK_TEMPOS, SONG_PARTS, to_mp3, analysed
from analysis.music import Truth, click_track, render_song


@pytest.fixture(scope="session")
def music_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where this session's songs live."""
    return tmp_path_factory.mktemp("music")


@pytest.fixture(scope="session")
def clicks(music_dir: Path) -> dict[str, tuple[Truth, Path]]:
    """Metronome tracks at fixed tempos with offsets that are not zero, and one that speeds up."""
    made = {}
    for i, bpm in enumerate(CLICK_TEMPOS):
        path = music_dir / f"click_{bpm:g}.wav"
        made[f"{bpm:g}"] = (click_track(path, [(bpm, 40.0)], offset=0.23 + 0.31 * i, seconds=24.0, seed=i), to_mp3(path))
    path = music_dir / "click_change.wav"
    made["change"] = (click_track(path, [(100.0, 14.0), (132.0, 40.0)], offset=0.61, seconds=30.0, seed=9), to_mp3(path))
    return made


@pytest.fixture(scope="session")
def band_song(music_dir: Path) -> tuple[Truth, Path]:
    """Drums, bass and chords at 124 BPM: intro, verse, chorus (other instrument and chords), verse, outro."""
    path = music_dir / "band.wav"
    truth = render_song(path, SONG_PARTS, 124.0, lead_in=0.4)
    return truth, to_mp3(path)


@pytest.fixture(scope="session")
def band_analysis(band_song: tuple[Truth, Path]) -> dict[str, Any]:
    """The band song's analysis."""
    return analysed(band_song[1])

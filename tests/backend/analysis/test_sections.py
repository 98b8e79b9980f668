"""Sections of a rendered band whose arrangement changes at known bars, and vocal stretches over it."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from analysis.helpers import analysed, decode, to_mp3
from analysis.music import RATE, Truth, write_wav

SPEECH = (
    "Hold on to the night, we are running through the city lights, and nobody can stop us now. "
    "Every heart is beating like a drum tonight, so sing it louder, sing it loud."
)


def test_boundaries_are_within_one_bar_of_the_arrangement_changes(band_song: tuple[Truth, Path], band_analysis: dict[str, Any]) -> None:
    truth, _ = band_song
    bar = float(np.median(np.diff(truth.downbeats)))
    found = np.array([s["start"] for s in band_analysis["sections"][1:]])
    assert len(found) == len(truth.boundaries)
    assert np.all(np.abs(found - truth.boundaries) <= bar)


def test_sections_cover_the_song_and_repeat_their_labels(band_analysis: dict[str, Any]) -> None:
    sections = band_analysis["sections"]
    assert sections[0]["start"] == 0.0 and sections[-1]["end"] == band_analysis["duration"]
    assert all(a["end"] == b["start"] for a, b in zip(sections, sections[1:]))
    assert [s["label"] for s in sections] == ["intro", "A", "B", "A", "outro"]
    assert sections[0]["energy"] < sections[2]["energy"]


@pytest.fixture(scope="session")
def sung_song(band_song: tuple[Truth, Path], music_dir: Path) -> tuple[list[tuple[float, float]], dict[str, Any]]:
    """The band with a spoken voice (espeak-ng) laid over part of the first verse and of the chorus."""
    _, mp3 = band_song
    speech = music_dir / "speech.wav"
    subprocess.run(["espeak-ng", "-s", "150", "-p", "60", "-w", str(speech), SPEECH], check=True, capture_output=True)
    band, voice = decode(mp3, RATE), decode(speech, RATE)
    spans = []
    for start in (9.5, 26.0):
        at = int(start * RATE)
        band[at : at + voice.size] += voice * 0.5 * np.abs(band).max() / np.abs(voice).max()
        spans.append((start, start + voice.size / RATE))
    mixed = to_mp3(write_wav(music_dir / "sung.wav", band / max(1.0, np.abs(band).max())))
    return spans, analysed(mixed)


def _overlap(a: list[tuple[float, float]], b: list[tuple[float, float]]) -> float:
    return sum(max(0.0, min(x1, y1) - max(x0, y0)) for x0, x1 in a for y0, y1 in b)


def test_vocal_stretches_cover_the_voice_and_little_else(sung_song: tuple[list[tuple[float, float]], dict[str, Any]], band_analysis: dict[str, Any]) -> None:
    truth, result = sung_song
    found = [(v["start"], v["end"]) for v in result["vocals"]]
    hit = _overlap(found, truth)
    assert hit >= 0.7 * sum(b - a for a, b in truth)
    assert hit >= 0.7 * sum(b - a for a, b in found)
    assert _overlap([(v["start"], v["end"]) for v in band_analysis["vocals"]], truth) == 0

"""Tempo and beats of click tracks and a rendered band, scored with mir_eval against the truth."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import mir_eval
import numpy as np
import pytest

from analysis.helpers import CLICK_TEMPOS, analysed
from analysis.music import Truth

WINDOW = 0.07


@pytest.mark.parametrize("name", [f"{bpm:g}" for bpm in CLICK_TEMPOS] + ["change"])
def test_click_track_beats_and_tempo(clicks: dict[str, tuple[Truth, Path]], name: str) -> None:
    truth, path = clicks[name]
    result = analysed(path)
    beats = np.array(result["beats"])
    assert mir_eval.beat.f_measure(truth.beats, beats, f_measure_threshold=WINDOW) >= 0.9
    assert abs(result["tempo"] - truth.tempo) <= 0.02 * truth.tempo


def test_click_track_downbeats_follow_the_accent(clicks: dict[str, tuple[Truth, Path]]) -> None:
    truth, path = clicks["96"]
    result = analysed(path)
    assert result["beats_per_bar"] == 4
    assert len(result["downbeats"]) >= len(truth.downbeats) - 1
    assert set(result["downbeats"]) <= set(result["beats"])


def test_band_beats_and_downbeats(band_song: tuple[Truth, Path], band_analysis: dict[str, Any]) -> None:
    truth, _ = band_song
    assert mir_eval.beat.f_measure(truth.beats, np.array(band_analysis["beats"]), f_measure_threshold=WINDOW) >= 0.8
    assert mir_eval.beat.f_measure(truth.downbeats, np.array(band_analysis["downbeats"]), f_measure_threshold=WINDOW) >= 0.8
    assert abs(band_analysis["tempo"] - 124.0) <= 0.02 * 124.0


def test_energy_is_one_value_per_beat_and_follows_the_arrangement(band_song: tuple[Truth, Path], band_analysis: dict[str, Any]) -> None:
    truth, _ = band_song
    beats, energy = np.array(band_analysis["beats"]), np.array(band_analysis["energy"])
    assert energy.shape == beats.shape and energy.min() >= 0 and energy.max() <= 1
    intro = energy[beats < truth.boundaries[0]]
    chorus = energy[(beats >= truth.boundaries[1]) & (beats < truth.boundaries[2])]
    assert chorus.mean() > intro.mean() + 0.2


@pytest.mark.parametrize(
    "make",
    [
        lambda: np.zeros(22050 * 5, dtype=np.float32),
        lambda: np.zeros(2000, dtype=np.float32),
        lambda: np.random.default_rng(1).normal(0, 0.1, 22050 * 2).astype(np.float32),
        lambda: (0.3 * np.sin(2 * np.pi * 440 * np.arange(22050 * 6) / 22050)).astype(np.float32),
    ],
    ids=["silence", "a-tenth-of-a-second", "two-seconds-of-noise", "a-steady-tone"],
)
def test_songs_without_a_beat_still_get_a_whole_analysis(make: Any) -> None:
    from mv.analysis import song

    samples = make()
    result = song.analyse(samples)
    assert result["sections"][0]["start"] == 0.0 and result["sections"][-1]["end"] == round(samples.size / 22050, 3)
    assert len(result["energy"]) == len(result["beats"]) and result["tempo"] >= 0

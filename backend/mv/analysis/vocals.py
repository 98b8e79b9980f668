"""An estimate of where a voice sounds: harmonic energy in the voice band whose spectrum keeps moving.

Held notes and chords are steady between their onsets, drums are short or noisy; a voice glides in
pitch and changes its formants through every syllable. This is a heuristic, not a trained detector.
"""

from __future__ import annotations

import librosa
import numpy as np
from scipy.ndimage import median_filter

LOW_HZ = 250.0
HIGH_HZ = 3500.0
ACTIVE_DB = 30.0
SMOOTH_SECONDS = 0.5
THRESHOLD = 0.5
MIN_STRETCH = 1.5
MAX_GAP = 1.5


def activity(magnitude: np.ndarray, rate: int, n_fft: int, frame_rate: float) -> np.ndarray:
    """A per-frame voice-likeness score (0 and up; about 1 where a voice is clearly present)."""
    freqs = librosa.fft_frequencies(sr=rate, n_fft=n_fft)
    band = magnitude[(freqs >= LOW_HZ) & (freqs <= HIGH_HZ)]
    db = librosa.amplitude_to_db(band, ref=np.max, top_db=80.0)
    active = db > (db.max(axis=0, keepdims=True) - ACTIVE_DB)
    moving = np.abs(np.diff(db, axis=1, prepend=db[:, :1]))
    flux = (moving * active).sum(axis=0) / np.maximum(active.sum(axis=0), 1)
    tonal = 1.0 - librosa.feature.spectral_flatness(S=band, power=1.0)[0]
    loud = np.clip((db.max(axis=0) + 50.0) / 20.0, 0.0, 1.0)
    size = max(3, int(round(SMOOTH_SECONDS * frame_rate)) | 1)
    return median_filter(flux, size=size, mode="nearest") / 6.0 * tonal * loud


def stretches(score: np.ndarray, frame_seconds: float) -> list[tuple[float, float, float]]:
    """(start, end, confidence) runs where the score stays above the threshold, gaps bridged, short runs dropped."""
    above = score >= THRESHOLD
    runs: list[list[float]] = []
    start = None
    for i, on in enumerate(np.append(above, False)):
        if on and start is None:
            start = i
        elif not on and start is not None:
            runs.append([start * frame_seconds, i * frame_seconds, float(np.mean(score[start:i]))])
            start = None
    merged: list[list[float]] = []
    for run in runs:
        if merged and run[0] - merged[-1][1] <= MAX_GAP:
            merged[-1][2] = max(merged[-1][2], run[2])
            merged[-1][1] = run[1]
        else:
            merged.append(run)
    return [(a, b, min(1.0, c / (2 * THRESHOLD))) for a, b, c in merged if b - a >= MIN_STRETCH]

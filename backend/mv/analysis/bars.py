"""Downbeats under an assumed 4/4: the beat phase where bass hits and harmony changes line up."""

from __future__ import annotations

import numpy as np

BEATS_PER_BAR = 4


def _at(envelope: np.ndarray, frames: np.ndarray, reach: int = 1) -> np.ndarray:
    return np.array([envelope[max(0, f - reach) : f + reach + 1].max() for f in frames])


def _normalised(values: np.ndarray) -> np.ndarray:
    mean = values.mean() if values.size else 0.0
    return values / mean if mean > 0 else np.zeros_like(values)


def harmonic_change(chroma: np.ndarray, frames: np.ndarray) -> np.ndarray:
    """Cosine distance between the chroma of each beat and the beat before it."""
    edges = np.append(frames, chroma.shape[1])
    means = np.stack([chroma[:, a:max(b, a + 1)].mean(axis=1) for a, b in zip(edges[:-1], edges[1:])], axis=1)
    norms = np.linalg.norm(means, axis=0) + 1e-9
    unit = means / norms
    similarity = np.sum(unit[:, 1:] * unit[:, :-1], axis=0)
    return np.concatenate([[0.0], 1.0 - similarity])


def downbeat_phase(beat_frames: np.ndarray, bass_onset: np.ndarray, chroma: np.ndarray) -> int:
    """Which beat (0-3) of the first bar is a downbeat."""
    if beat_frames.size < 2 * BEATS_PER_BAR:
        return 0
    salience = _normalised(_at(bass_onset, beat_frames)) + _normalised(harmonic_change(chroma, beat_frames))
    scores = [salience[p::BEATS_PER_BAR].mean() for p in range(BEATS_PER_BAR)]
    return int(np.argmax(scores))

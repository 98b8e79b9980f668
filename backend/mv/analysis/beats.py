"""Beat tracking by dynamic programming over the onset envelope, with a period that may change over time."""

from __future__ import annotations

import numpy as np

TIGHTNESS = 100.0
TRIM_FRACTION = 0.2
"""Leading and trailing beats weaker than this share of the typical beat are where nothing plays yet."""


def track(onset: np.ndarray, periods: np.ndarray) -> np.ndarray:
    """Beat frames: the chain of onsets that best keeps the local period (Ellis's method, time-varying)."""
    n = onset.size
    strength = onset / (onset.std() or 1.0)
    score = np.zeros(n)
    back = np.full(n, -1)
    for t in range(n):
        period = periods[t]
        hi = t - int(round(period / 2))
        if hi < 0:
            score[t] = strength[t]
            continue
        lo = max(0, t - int(round(2 * period)))
        gaps = t - np.arange(lo, hi + 1)
        candidates = score[lo : hi + 1] - TIGHTNESS * np.log(gaps / period) ** 2
        best = int(np.argmax(candidates))
        score[t] = strength[t] + candidates[best]
        back[t] = lo + best
    return _backtrack(score, back, strength)


def _backtrack(score: np.ndarray, back: np.ndarray, strength: np.ndarray) -> np.ndarray:
    peaks = np.flatnonzero((score[1:-1] >= score[:-2]) & (score[1:-1] > score[2:])) + 1
    if peaks.size == 0:
        return np.array([], dtype=int)
    good = peaks[score[peaks] >= 0.5 * np.median(score[peaks])]
    beats = [int(good[-1])]
    while back[beats[-1]] >= 0:
        beats.append(int(back[beats[-1]]))
    return _trim(np.array(beats[::-1]), strength)


def _trim(beats: np.ndarray, strength: np.ndarray) -> np.ndarray:
    """Drop leading and trailing beats that fall where nothing is played."""
    if beats.size == 0:
        return beats
    width = max(3, int(np.median(np.diff(beats))) if beats.size > 1 else 3)
    window = np.hanning(width + 2)[1:-1]
    local = np.convolve(strength, window / window.sum(), mode="same")[beats]
    threshold = TRIM_FRACTION * np.sqrt(np.mean(local**2))
    keep = np.flatnonzero(local >= threshold)
    return beats[keep[0] : keep[-1] + 1] if keep.size else beats[:0]


def refine(beats: np.ndarray, onset: np.ndarray, reach: int = 2) -> np.ndarray:
    """Move each beat to the strongest onset frame within `reach` frames."""
    out = beats.copy()
    for i, b in enumerate(beats):
        lo, hi = max(0, b - reach), min(onset.size, b + reach + 1)
        out[i] = lo + int(np.argmax(onset[lo:hi]))
    return np.unique(out)


def tempo_from_beats(times: np.ndarray, span: int = 8) -> float:
    """BPM from the median slope of beat time against beat index over short runs of beats."""
    if times.size < 2:
        return 0.0
    if times.size <= span:
        return float(60.0 / np.median(np.diff(times)))
    index = np.arange(span)
    slopes = [np.polyfit(index, times[i : i + span], 1)[0] for i in range(times.size - span + 1)]
    return float(60.0 / np.median(slopes))

"""Tempo from the onset envelope: a comb over its autocorrelation, with octave checks, globally and per frame."""

from __future__ import annotations

import librosa
import numpy as np
from scipy.ndimage import median_filter

MIN_BPM = 50.0
MAX_BPM = 210.0
PRIOR_BPM = 120.0
PRIOR_OCTAVES = 1.0
COMB = (1.0, 0.5, 0.33, 0.25)
DOUBLE_RATIO = 0.8
WINDOW_SECONDS = 8.0
LOCAL_OCTAVES = 0.35
LOCAL_HOP = 8

CANDIDATES = np.geomspace(MIN_BPM, MAX_BPM, 400)


def _interp(ac: np.ndarray, lags: np.ndarray) -> np.ndarray:
    """Autocorrelation (lag on axis 0) read at fractional lags, zero beyond its end."""
    lo = np.floor(lags).astype(int)
    frac = lags - lo
    valid = lo + 1 < ac.shape[0]
    lo = np.where(valid, lo, 0)
    out = (ac[lo].T * (1 - frac) + ac[lo + 1].T * frac).T
    return np.where(valid.reshape((-1,) + (1,) * (ac.ndim - 1)), out, 0.0)


def _prior(bpm: np.ndarray, centre: float, octaves: float) -> np.ndarray:
    return np.exp(-0.5 * (np.log2(bpm / centre) / octaves) ** 2)


def _comb(ac: np.ndarray, periods: np.ndarray) -> np.ndarray:
    """Weighted sum of the autocorrelation at the first multiples of each period."""
    return sum(w * _interp(ac, periods * (k + 1)) for k, w in enumerate(COMB))


def _periods(bpm: np.ndarray, frame_rate: float) -> np.ndarray:
    return 60.0 * frame_rate / bpm


def global_tempo(onset: np.ndarray, frame_rate: float) -> float:
    """The song's dominant tempo in BPM; the faster octave wins when its beats are as strong as the slower's."""
    centred = onset - onset.mean()
    ac = librosa.autocorrelate(centred)
    ac = ac / (ac[0] or 1.0)
    periods = _periods(CANDIDATES, frame_rate)
    score = _comb(ac, periods) * _prior(CANDIDATES, PRIOR_BPM, PRIOR_OCTAVES)
    best = float(CANDIDATES[int(np.argmax(score))])
    return _prefer_faster(ac, best, frame_rate)


def _prefer_faster(ac: np.ndarray, bpm: float, frame_rate: float) -> float:
    """Double the tempo while the half period repeats as strongly as the period itself."""
    while bpm * 2 <= MAX_BPM:
        period = 60.0 * frame_rate / bpm
        at_period = float(_interp(ac, np.array([period]))[0])
        at_half = float(_interp(ac, np.array([period / 2]))[0])
        if at_period <= 0 or at_half < DOUBLE_RATIO * at_period:
            break
        bpm *= 2
    return bpm


def local_periods(onset: np.ndarray, frame_rate: float, tempo: float) -> np.ndarray:
    """The beat period in frames at every frame, following tempo changes near the global tempo."""
    window = int(round(WINDOW_SECONDS * frame_rate))
    padded = np.pad(onset, (window // 2, window - window // 2), mode="reflect" if onset.size > window else "constant")
    frames = librosa.util.frame(padded, frame_length=window, hop_length=LOCAL_HOP, axis=-1) * np.hanning(window)[:, None]
    tempogram = librosa.autocorrelate(frames - frames.mean(axis=0), axis=0)
    tempogram = tempogram / np.maximum(tempogram[:1], 1e-9)
    bpm = CANDIDATES[(CANDIDATES > tempo / 1.6) & (CANDIDATES < tempo * 1.6)]
    score = _comb(tempogram, _periods(bpm, frame_rate)) * _prior(bpm, tempo, LOCAL_OCTAVES)[:, None]
    local = bpm[np.argmax(score, axis=0)]
    local = median_filter(local, size=max(3, int(round(4.0 * frame_rate / LOCAL_HOP)) | 1), mode="nearest")
    at = np.arange(local.size) * LOCAL_HOP
    return 60.0 * frame_rate / np.interp(np.arange(onset.size), at, local)

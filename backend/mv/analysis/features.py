"""The spectral features every analysis step shares, computed once per song."""

from __future__ import annotations

from dataclasses import dataclass

import librosa
import numpy as np

RATE = 22050
HOP = 512
N_FFT = 2048
N_MELS = 96
N_MFCC = 13
EDGE_FRAMES = 3
"""Frames at the very start whose onsets are only the jump from the padding into the music."""


@dataclass(frozen=True)
class Features:
    """A song's spectra and envelopes on one frame grid (HOP samples per frame)."""

    rate: int
    hop: int
    duration: float
    magnitude: np.ndarray
    mel_db: np.ndarray
    onset: np.ndarray
    bass_onset: np.ndarray
    rms: np.ndarray
    chroma: np.ndarray
    mfcc: np.ndarray

    @property
    def frame_seconds(self) -> float:
        """Seconds per frame."""
        return self.hop / self.rate

    def times(self, frames: np.ndarray) -> np.ndarray:
        """Frame indices as seconds."""
        return np.asarray(frames, dtype=float) * self.frame_seconds

    def frames(self, times: np.ndarray) -> np.ndarray:
        """Seconds as the nearest frame indices."""
        return np.clip(np.round(np.asarray(times, dtype=float) / self.frame_seconds).astype(int), 0, self.onset.size - 1)


def extract(samples: np.ndarray, rate: int = RATE) -> Features:
    """Compute the shared features of mono float samples."""
    samples = np.ascontiguousarray(samples, dtype=np.float32)
    magnitude = np.abs(librosa.stft(samples, n_fft=N_FFT, hop_length=HOP)).astype(np.float32)
    mel = librosa.feature.melspectrogram(S=magnitude**2, sr=rate, n_mels=N_MELS, fmax=rate / 2)
    mel_db = librosa.power_to_db(mel, ref=np.max, top_db=80.0)
    onset = librosa.onset.onset_strength(S=mel_db, sr=rate, hop_length=HOP, lag=1, max_size=3)
    onset[:EDGE_FRAMES] = 0.0
    bass_bands = librosa.mel_frequencies(n_mels=N_MELS, fmax=rate / 2) < 200.0
    bass_onset = librosa.onset.onset_strength(S=mel_db[bass_bands], sr=rate, hop_length=HOP)
    bass_onset[:EDGE_FRAMES] = 0.0
    rms = librosa.feature.rms(S=magnitude, frame_length=N_FFT, hop_length=HOP)[0]
    chroma = librosa.feature.chroma_stft(S=magnitude**2, sr=rate, n_fft=N_FFT, hop_length=HOP, tuning=0.0)
    mfcc = librosa.feature.mfcc(S=mel_db, n_mfcc=N_MFCC)
    n = min(magnitude.shape[1], onset.size, bass_onset.size, rms.size)
    return Features(
        rate=rate,
        hop=HOP,
        duration=samples.size / rate,
        magnitude=magnitude[:, :n],
        mel_db=mel_db[:, :n],
        onset=onset[:n],
        bass_onset=bass_onset[:n],
        rms=rms[:n],
        chroma=chroma[:, :n],
        mfcc=mfcc[:, :n],
    )

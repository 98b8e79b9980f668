"""Helpers for audio tests: decoding, alignment, assets made through the service."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import numpy as np

from mv.audio import service


def decode(path: Path, rate: int = 44100) -> np.ndarray:
    """Mono float samples of any media file."""
    out = subprocess.run(
        ["ffmpeg", "-nostdin", "-loglevel", "error", "-i", str(path), "-ac", "1", "-ar", str(rate), "-f", "s16le", "-"],
        check=True, capture_output=True,
    ).stdout
    return np.frombuffer(out, dtype="<i2").astype(np.float64) / 32768.0


def lag_of(reference: np.ndarray, probe: np.ndarray) -> int:
    """Offset (in samples) of `probe` inside `reference` by cross-correlation."""
    n = len(reference) + len(probe)
    size = 1 << (n - 1).bit_length()
    corr = np.fft.irfft(np.fft.rfft(reference, size) * np.conj(np.fft.rfft(probe, size)), size)
    return int(np.argmax(corr[: len(reference)]))


def onset(samples: np.ndarray, threshold: float = 0.45) -> int:
    """Index of the first sample louder than `threshold` (a click's leading edge)."""
    return int(np.argmax(np.abs(samples) > threshold))


async def ingest(services: Any, source: Path, filename: str | None = None) -> str:
    """Create an audio asset from a local file through the service; returns its id."""
    with services.storage.workspace() as workdir:
        scratch = workdir / "upload"
        shutil.copyfile(source, scratch)
        asset = await service.ingest_file(services, scratch, filename=filename or source.name, workdir=workdir)
    return asset.audio_id

"""Audio trim benchmark: Encore's trim of a 5-minute song vs a naive full re-encode; prints JSON.

Usage: .venv/bin/python bench/trim_bench.py [--runs 5]
Encore's time is the whole service call (frame copy, probe, publish, asset row). The baseline is the
common `ffmpeg -i song.mp3 -ss START -c:a libmp3lame` re-encode. Accuracy compares decoded samples of
each result with the original's samples from START on (a click marks a known instant).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "backend"))

SONG_SECONDS = 300
RATE = 44100
STARTS = (7, 30, 95, 181, 263)
CLICK_EVERY = 10


def ffmpeg(*args: str) -> None:
    subprocess.run(["ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-y", *args], check=True)


def decode(path: Path) -> np.ndarray:
    out = subprocess.run(["ffmpeg", "-nostdin", "-loglevel", "error", "-i", str(path), "-ac", "1", "-f", "s16le", "-"],
                         check=True, capture_output=True).stdout
    return np.frombuffer(out, dtype="<i2").astype(np.float64) / 32768.0


def make_song(path: Path) -> None:
    clicks = "+".join(f"between(t,{t},{t + 0.005})" for t in range(3, SONG_SECONDS, CLICK_EVERY))
    expr = f"if({clicks},0.9,0.25*sin(2*PI*220*t)+0.15*sin(2*PI*331*t*(1+0.05*sin(t))))"
    ffmpeg("-f", "lavfi", "-i", f"aevalsrc='{expr}|{expr}':s={RATE}:d={SONG_SECONDS}", "-c:a", "pcm_s16le", str(path))


def accuracy(original: np.ndarray, trimmed: np.ndarray, start: int) -> dict[str, Any]:
    reference = original[start * RATE:]
    onset_ref = int(np.argmax(np.abs(reference) > 0.6))
    onset_out = int(np.argmax(np.abs(trimmed) > 0.6))
    n = min(len(reference), len(trimmed))
    return {
        "length_error_s": round((len(trimmed) - len(reference)) / RATE, 6),
        "click_offset_samples": onset_out - onset_ref,
        "max_sample_error": round(float(np.abs(trimmed[:n] - reference[:n]).max()), 6),
    }


async def run(runs: int) -> dict[str, Any]:
    from mv.app import build_services
    from mv.audio import service
    from mv.core.logging import configure_logging
    from mv.core.settings import Settings

    configure_logging(json=False, level="WARNING")
    work = Path(tempfile.mkdtemp(prefix="encore-trim-bench-"))
    try:
        settings = Settings(_env_file=None, mv_data_dir=work / "data", mv_media_root=work / "media", mv_provider="local")  # type: ignore[call-arg]
        services = build_services(settings)
        song = work / "song.wav"
        make_song(song)
        with services.storage.workspace() as scratch:
            upload = scratch / "upload"
            shutil.copyfile(song, upload)
            audio_id = (await service.ingest_file(services, upload, filename="song.wav", workdir=scratch)).audio_id
        canonical = await service.audio_path(services, audio_id)
        original = decode(canonical)

        encore_times, baseline_times, encore_acc, baseline_acc = [], [], [], []
        for i in range(runs):
            start = STARTS[i % len(STARTS)]
            began = time.perf_counter()
            result = await service.trim(services, audio_id, start)
            encore_times.append(time.perf_counter() - began)
            encore_acc.append(accuracy(original, decode(services.storage.path(f"audio/{result.audio_id}.mp3")), start))
            naive = work / f"naive-{i}.mp3"
            began = time.perf_counter()
            ffmpeg("-i", str(canonical), "-ss", str(start), "-c:a", "libmp3lame", "-b:a", "192k", str(naive))
            baseline_times.append(time.perf_counter() - began)
            baseline_acc.append(accuracy(original, decode(naive), start))
        await services.store.close()

        def worst(rows: list[dict[str, Any]]) -> dict[str, Any]:
            return {key: max((row[key] for row in rows), key=abs) for key in rows[0]}

        encore = statistics.median(encore_times)
        baseline = statistics.median(baseline_times)
        return {
            "benchmark": "audio_trim",
            "song_seconds": SONG_SECONDS,
            "runs": runs,
            "encore_median_s": round(encore, 4),
            "baseline_reencode_median_s": round(baseline, 4),
            "speedup": round(baseline / encore, 1) if encore else None,
            "encore_accuracy_worst": worst(encore_acc),
            "baseline_accuracy_worst": worst(baseline_acc),
            "encore_under_2s": encore < 2.0,
            "machine": {"python": platform.python_version(), "cpu": platform.processor() or platform.machine()},
        }
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    print(json.dumps(asyncio.run(run(max(1, args.runs))), indent=2))


if __name__ == "__main__":
    main()

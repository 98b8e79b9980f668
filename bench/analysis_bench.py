"""Song analysis benchmark: a 5-minute rendered band song through Encore's analysis job, cold and warm,
beside librosa's stock beat tracker on the same samples; prints JSON.

Usage: .venv/bin/python bench/analysis_bench.py [--runs 3]
Encore's time is the whole job (ffmpeg decode of the stored mp3, PCM to the worker process, analysis,
result stored). "Cold" includes starting the worker (imports and a warm-up analysis); "warm" is every
later song. The baseline is `librosa.beat.beat_track` alone (tempo and beats only) in-process on the
already decoded samples. Accuracy is mir_eval's beat F-measure (±70 ms) against the rendered truth.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "backend"), str(ROOT / "tests" / "backend")]

BPM = 118.0
SONG_BARS = 148


def make_song(work: Path) -> tuple[Any, Path]:
    """A ~5-minute song: intro, verse, chorus, verse, chorus, bridge, chorus, outro."""
    from analysis.music import Part, render_song

    verse = Part("A", 24, drums=True, bass=True, chords=0)
    chorus = Part("B", 24, drums=True, bass=True, chords=30, progression=(3, 4, 0, 5), crash=True)
    bridge = Part("C", 16, drums=False, bass=True, chords=48, progression=(5, 3))
    parts = [Part("intro", 4, drums=False, bass=False, chords=0), verse, chorus, verse, chorus, bridge, chorus, Part("outro", 8, drums=False, bass=True, chords=48)]
    assert sum(p.bars for p in parts) == SONG_BARS
    truth = render_song(work / "song.wav", parts, BPM, lead_in=0.7)
    return truth, work / "song.wav"


def worker_cpu_seconds(pid: int) -> float:
    """User plus system CPU time the worker has used."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def worker_memory_mb(pid: int) -> float:
    """Peak resident memory of the analysis worker."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024, 1)
    return 0.0


async def encore(work: Path, song: Path, runs: int) -> dict[str, Any]:
    from mv.analysis import service
    from mv.app import build_services
    from mv.audio import service as audio
    from mv.core.logging import configure_logging
    from mv.core.settings import Settings

    configure_logging(json=False, level="WARNING")
    settings = Settings(_env_file=None, mv_data_dir=work / "data", mv_media_root=work / "media", mv_provider="local")  # type: ignore[call-arg]
    services = build_services(settings)
    with services.storage.workspace() as scratch:
        upload = scratch / "upload"
        shutil.copyfile(song, upload)
        began = time.perf_counter()
        audio_id = (await audio.ingest_file(services, upload, filename="song.wav", workdir=scratch)).audio_id
    asset = await services.assets.get(audio_id)
    await services.runner.wait(asset.info["analysis_job"], 600)
    cold = time.perf_counter() - began
    pool = service.pool(services)
    pid = pool._idle[0].process.pid
    warm, cpu = [], []
    for _ in range(runs):
        began, used = time.perf_counter(), worker_cpu_seconds(pid)
        job = await service.request_analysis(services, audio_id, force=True)
        finished = await services.runner.wait(job.id, 600)
        assert finished is not None and finished.status == "succeeded", finished
        warm.append(time.perf_counter() - began)
        cpu.append(worker_cpu_seconds(pid) - used)
    result = (await service.analysis(services, audio_id)).model_dump()
    memory = worker_memory_mb(pid)
    pool.close()
    await services.store.close()
    return {"cold_s": round(cold, 2), "warm_median_s": round(statistics.median(warm), 2), "warm_s": [round(w, 2) for w in warm],
            "worker_cpu_median_s": round(statistics.median(cpu), 2), "worker_peak_rss_mb": memory, "result": result}


def baseline(song: Path) -> dict[str, Any]:
    """librosa's stock beat tracker on the decoded samples (second call, so imports and JIT are excluded)."""
    import librosa
    import numpy as np

    from analysis.helpers import decode

    samples = decode(song)
    librosa.beat.beat_track(y=samples[: 22050 * 10], sr=22050)
    began = time.perf_counter()
    tempo, frames = librosa.beat.beat_track(y=samples, sr=22050, units="frames")
    seconds = time.perf_counter() - began
    return {"seconds": round(seconds, 2), "tempo": round(float(np.atleast_1d(tempo)[0]), 2), "beats": librosa.frames_to_time(frames, sr=22050).tolist()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    import mir_eval
    import numpy as np

    load = round(os.getloadavg()[0], 1)
    work = Path(tempfile.mkdtemp(prefix="encore-analysis-bench-"))
    try:
        truth, song = make_song(work)
        duration = float(subprocess.run(["ffprobe", "-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", str(song)],
                                        capture_output=True, text=True, check=True).stdout)
        ours = asyncio.run(encore(work, song, max(1, args.runs)))
        stock = baseline(song)
        found = ours.pop("result")

        def f(beats: list[float]) -> float:
            return round(float(mir_eval.beat.f_measure(truth.beats, np.array(beats), f_measure_threshold=0.07)), 3)

        boundaries = np.array([s["start"] for s in found["sections"][1:]])
        bar = 240.0 / BPM
        hits = sum(bool(np.any(np.abs(boundaries - b) <= bar)) for b in truth.boundaries)
        report = {
            "benchmark": "song_analysis",
            "song_seconds": round(duration, 1),
            "cores": os.cpu_count(),
            "encore": {**ours, "tempo": found["tempo"], "beat_f": f(found["beats"]), "sections": [s["label"] for s in found["sections"]],
                       "boundaries_within_a_bar": f"{hits}/{len(truth.boundaries)}", "extra_boundaries": int(len(boundaries) - hits)},
            "librosa_beat_track": {"seconds": stock["seconds"], "tempo": stock["tempo"], "beat_f": f(stock["beats"])},
            "truth_tempo": BPM,
            "load_average_at_start": load,
        }
        report["target_warm_under_10s"] = ours["warm_median_s"] < 10.0
        report["target_worker_cpu_under_10s"] = ours["worker_cpu_median_s"] < 10.0
        report["target_cold_under_10s"] = ours["cold_s"] < 10.0
        report["warm_over_librosa_beat_track"] = round(ours["warm_median_s"] / stock["seconds"], 2) if stock["seconds"] else None
        print(json.dumps(report, indent=2))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

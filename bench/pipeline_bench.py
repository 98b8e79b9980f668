"""Pipeline benchmarks against a real Encore process on loopback; prints JSON.

- parallel: 16 clips against a fake Replicate API whose predictions take a fixed 3 s (followed over the
  job event stream), then a stitch; wall time vs one prediction's latency, and the request rate the
  fake saw vs Replicate's limits.
- responsiveness: /healthz latency (p50/p99) while four stitches and an audio import run, vs idle.
- draft: the whole offline pipeline for a 60 s song (upload, scenes, clips, stitch).

Usage: .venv/bin/python bench/pipeline_bench.py [--runs 3]
"""

from __future__ import annotations

import argparse
import functools
import http.server
import json
import multiprocessing
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "backend"))

from fake_replicate import FakeReplicate, install_standard_models  # noqa: E402
from live import live_server  # noqa: E402

PREDICTION_SECONDS = 3.0
CLIPS = 16


def ffmpeg(*args: str) -> None:
    subprocess.run(["ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-y", *args], check=True)


@contextmanager
def encore(work: Path, **env: str) -> Iterator[str]:
    """A real Encore process with room for many jobs; yields its base URL."""
    with live_server(work, MV_JOB_CONCURRENCY="32", **env) as url:
        yield url


def follow(client: httpx.Client, answer: httpx.Response, timeout: float = 600) -> dict[str, Any]:
    """The result of a 200, or of the job a 202 points at."""
    if answer.status_code == 200:
        return answer.json()
    answer.raise_for_status()
    status_url = answer.json()["status_url"]
    deadline = time.time() + timeout
    while time.time() < deadline:
        job = client.get(status_url).json()
        if job["status"] == "succeeded":
            return job["result"]
        if job["status"] in ("failed", "canceled"):
            raise RuntimeError(f"job failed: {job['error']}")
        time.sleep(0.05)
    raise TimeoutError(status_url)


def follow_events(client: httpx.Client, answers: list[httpx.Response], timeout: float = 600) -> list[dict[str, Any]]:
    """The results of many 202 answers, learned from one server-sent event stream (no polling load)."""
    ids = [a.raise_for_status().json()["job_id"] for a in answers]
    done: dict[str, dict[str, Any]] = {}
    with client.stream("GET", "/api/jobs/events", params={"ids": ",".join(ids)}, timeout=timeout) as stream:
        for line in stream.iter_lines():
            if not line.startswith("data: "):
                continue
            job = json.loads(line[6:])
            if job["status"] in ("failed", "canceled"):
                raise RuntimeError(f"job failed: {job['error']}")
            if job["status"] == "succeeded":
                done[job["id"]] = job["result"]
                if len(done) == len(ids):
                    break
    return [done[i] for i in ids]


def upload(client: httpx.Client, path: Path) -> str:
    with path.open("rb") as handle:
        answer = client.post("/api/audio/upload", files={"file": (path.name, handle, "audio/mpeg")})
    answer.raise_for_status()
    return answer.json()["audio_id"]


def peak_rate(stamps: list[float]) -> float:
    """The most requests seen in any 1-second window, per minute."""
    stamps = sorted(stamps)
    best, start = 0, 0
    for end, t in enumerate(stamps):
        while t - stamps[start] > 1.0:
            start += 1
        best = max(best, end - start + 1)
    return best * 60.0


def bench_parallel(work: Path, clip: Path, image: Path) -> dict[str, Any]:
    fake = FakeReplicate().start()
    install_standard_models(fake, image=image.read_bytes(), video=clip.read_bytes(), seconds=PREDICTION_SECONDS)
    try:
        with encore(work / "parallel", REPLICATE_API_TOKEN=fake.token, REPLICATE_BASE_URL=fake.base_url, MV_PROVIDER="replicate") as url, \
                httpx.Client(base_url=url, timeout=120) as client:
            started = time.perf_counter()
            # The web app sends every scene's request at once; so does the benchmark.
            with ThreadPoolExecutor(CLIPS) as pool:
                answers = list(pool.map(lambda i: client.post("/api/mv/generate_video?wait=0", json={"prompt": f"Scene {i}: the band plays on."}), range(CLIPS)))
            results = follow_events(client, answers)
            generated = time.perf_counter() - started
            stitch_started = time.perf_counter()
            follow(client, client.post("/api/mv/stitch_video?wait=0", json={"video_ids": [r["video_id"] for r in results]}))
            stitch = time.perf_counter() - stitch_started
            total = time.perf_counter() - started
    finally:
        fake.stop()
    creates = [r.at for r in fake.creates()]
    gets = [r.at for r in fake.gets()]
    return {
        "clips": CLIPS,
        "prediction_seconds": PREDICTION_SECONDS,
        "generation_wall_s": round(generated, 2),
        "stitch_s": round(stitch, 2),
        "total_s": round(total, 2),
        "ratio_vs_one_prediction": round(generated / PREDICTION_SECONDS, 2),
        "target_total_s": round(1.3 * PREDICTION_SECONDS + stitch, 2),
        "target_met": total <= 1.3 * PREDICTION_SECONDS + stitch,
        "creates": len(creates),
        "peak_create_per_min": peak_rate(creates),
        "peak_get_per_min": peak_rate(gets),
        "limits_per_min": {"create": 600, "other": 3000},
    }


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *_: Any) -> None:
        return


def _probe(url: str, ready: Any, stop: Any, out: Any) -> None:
    """Time /healthz every 20 ms until told to stop; runs in its own process so the load cannot slow the client."""
    samples = []
    with httpx.Client(base_url=url, timeout=10) as probe:
        probe.get("/healthz")
        ready.set()
        while not stop.is_set():
            t = time.perf_counter()
            probe.get("/healthz")
            samples.append((time.perf_counter() - t) * 1000)
            time.sleep(0.02)
    out.put(samples)


def probe_in_process(url: str, during: Callable[[], None]) -> list[float]:
    """/healthz latencies (ms) measured from a separate process while `during` runs."""
    ctx = multiprocessing.get_context("spawn")
    ready, stop, out = ctx.Event(), ctx.Event(), ctx.Queue()
    prober = ctx.Process(target=_probe, args=(url, ready, stop, out))
    prober.start()
    ready.wait(60)
    try:
        during()
    finally:
        stop.set()
    samples: list[float] = out.get(timeout=60)
    prober.join()
    return samples


def bench_responsiveness(work: Path, clips: list[Path], song: Path) -> dict[str, Any]:
    serve_dir = work / "serve"
    serve_dir.mkdir()
    (serve_dir / "song.mp3").write_bytes(song.read_bytes())
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(serve_dir)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    host = f"127.0.0.1:{server.server_address[1]}"
    try:
        with encore(work / "resp", MV_PROVIDER="local", MV_DOWNLOAD_HOSTS=host, MV_DOWNLOAD_ALLOW_PRIVATE="true") as url, httpx.Client(base_url=url, timeout=120) as client:
            audio_id = upload(client, song)
            video_ids = [follow(client, client.post("/api/mv/generate_video?wait=0", json={"prompt": f"shot {i}", "provider": "local"}))["video_id"] for i in range(8)]

            idle = probe_in_process(url, lambda: time.sleep(3))
            load_seconds = 0.0

            def load() -> None:
                nonlocal load_seconds
                started = time.perf_counter()
                jobs = [client.post("/api/mv/stitch_video?wait=0", json={"video_ids": video_ids, "audio_id": audio_id}) for _ in range(4)]
                jobs.append(client.post("/api/audio/download?wait=0", json={"url": f"http://{host}/song.mp3"}))
                for job in jobs:
                    follow(client, job)
                load_seconds = time.perf_counter() - started

            busy = probe_in_process(url, load)
    finally:
        server.shutdown()

    def pct(values: list[float], q: float) -> float:
        ordered = sorted(values)
        return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 1)

    return {
        "idle_p50_ms": pct(idle, 0.5),
        "idle_p99_ms": pct(idle, 0.99),
        "busy_p50_ms": pct(busy, 0.5),
        "busy_p99_ms": pct(busy, 0.99),
        "busy_samples": len(busy),
        "load_seconds": round(load_seconds, 2),
        "target_p99_ms": 50,
        "target_met": pct(busy, 0.99) <= 50,
    }


def bench_draft(work: Path, song: Path) -> dict[str, Any]:
    with encore(work / "draft", MV_PROVIDER="local") as url, httpx.Client(base_url=url, timeout=300) as client:
        started = time.perf_counter()
        audio_id = upload(client, song)
        scenes = follow(client, client.post("/api/mv/create_scenes?wait=0", json={
            "idea": "a band plays its last show", "character_description": "a singer with a red jacket",
            "number_of_scenes": 8, "config_flavor": "mv1", "provider": "local"}))["scenes"]
        answers = [client.post("/api/mv/generate_video?wait=0", json={
            "prompt": s["description"], "negative_prompt": s["negative_description"], "audio_id": audio_id,
            "start_time": i * 8, "end_time": i * 8 + 8, "config_flavor": "mv1", "provider": "local"}) for i, s in enumerate(scenes)]
        ids = [follow(client, a)["video_id"] for a in answers]
        clips_done = time.perf_counter() - started
        final = follow(client, client.post("/api/mv/stitch_video?wait=0", json={"video_ids": ids, "audio_id": audio_id, "suppress_video_audio": True}))
        total = time.perf_counter() - started
    return {"song_seconds": 60, "scenes": len(scenes), "clips_done_s": round(clips_done, 2), "total_s": round(total, 2),
            "realtime_factor": round(total / 60, 2), "final_duration": final["metadata"].get("duration")}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    (ROOT / "bench" / ".work").mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=ROOT / "bench" / ".work") as tmp:
        work = Path(tmp)
        clip, image, song = work / "clip.mp4", work / "character.png", work / "song.mp3"
        ffmpeg("-f", "lavfi", "-i", "testsrc2=size=1280x720:rate=24:duration=8", "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p", "-movflags", "+faststart", str(clip))
        ffmpeg("-f", "lavfi", "-i", "testsrc2=size=512x512:duration=1", "-frames:v", "1", str(image))
        ffmpeg("-f", "lavfi", "-i", "sine=frequency=330:duration=60", "-ac", "2", "-c:a", "libmp3lame", "-b:a", "192k", str(song))
        runs = []
        for index in range(max(1, args.runs)):
            run_dir = work / f"run{index}"
            run_dir.mkdir()
            runs.append({
                "parallel": bench_parallel(run_dir, clip, image),
                "responsiveness": bench_responsiveness(run_dir, [clip], song),
                "draft": bench_draft(run_dir, song),
            })

    def median(section: str, key: str) -> float:
        return round(statistics.median(r[section][key] for r in runs), 2)

    report = {
        "benchmark": "pipeline",
        "runs": len(runs),
        "parallel": {**runs[-1]["parallel"], "generation_wall_s": median("parallel", "generation_wall_s"),
                     "total_s": median("parallel", "total_s"), "stitch_s": median("parallel", "stitch_s")},
        "responsiveness": {**runs[-1]["responsiveness"], "busy_p50_ms": median("responsiveness", "busy_p50_ms"),
                           "busy_p99_ms": median("responsiveness", "busy_p99_ms"), "idle_p50_ms": median("responsiveness", "idle_p50_ms"),
                           "idle_p99_ms": median("responsiveness", "idle_p99_ms")},
        "draft": {**runs[-1]["draft"], "total_s": median("draft", "total_s"), "clips_done_s": median("draft", "clips_done_s")},
        "all_runs": runs,
    }
    report["parallel"]["target_met"] = report["parallel"]["total_s"] <= 1.3 * PREDICTION_SECONDS + report["parallel"]["stitch_s"]
    report["responsiveness"]["target_met"] = report["responsiveness"]["busy_p99_ms"] <= 50
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()

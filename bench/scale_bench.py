"""Scaled-out generation benchmark: 100 clips through 2 API + 2 worker processes against the fake Replicate; prints JSON.

PostgreSQL from the tests' helper (every process with `MV_JOB_CONCURRENCY` and `MV_MAX_PAID_JOBS` at 64, so
the two workers can wait on all 100 predictions at once), the `replicate` provider pointed at the loopback fake
Replicate API whose predictions take 3 s, webhooks on (`MV_PUBLIC_URL`: worker n's predictions report to API n;
`--polling` turns them off). Media: `local` (one machine, every process on one media root) or `s3` (a moto
S3 server, `MV_MEDIA_BACKEND=s3`, a private root per process). `generate_video` requests alternate between
the two APIs, all posted at once after a warm-up of four clips and once the cores are idle; wall time from the
first POST until the last job succeeded (job rows read from the database over one connection). The fake records
every request: peak creates and reads (every other request on its API) in any sliding 60 s window and in any
1 s window. CPU seconds per process group over the measured stretch say what the cores were spent on.

Usage: .venv/bin/python bench/scale_bench.py [--clips 100] [--media local|s3] [--polling]
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import psycopg

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "backend"))
sys.path.insert(0, str(ROOT / "bench"))

from cpu_meter import CpuMeter, machine_busy  # noqa: E402
from fake_replicate import FakeReplicate, install_standard_models  # noqa: E402
from fake_replicate_webhooks import WEBHOOK_SECRET  # noqa: E402
from live import free_port, start_server, start_worker, stop  # noqa: E402
from pg import PostgresServer  # noqa: E402
from worker_bench import _await_workers  # noqa: E402

PREDICTION_SECONDS = 3.0
TARGET_RATIO = 1.5
LIMITS_PER_MINUTE = {"create": 600, "read": 3000}
BUCKET = "encore-bench"
CREATE_PATHS = ("/v1/predictions",)


def ffmpeg(*args: str) -> None:
    subprocess.run(["ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-y", *args], check=True)


def peak_in_window(stamps: list[float], window: float) -> int:
    """The most requests in any `window`-second stretch."""
    stamps = sorted(stamps)
    best, start = 0, 0
    for end, t in enumerate(stamps):
        while t - stamps[start] > window:
            start += 1
        best = max(best, end - start + 1)
    return best


def start_s3() -> tuple[Any, str]:
    """moto's S3 server on loopback with an empty bucket; the server and its endpoint."""
    import boto3
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="testing",
                 aws_secret_access_key="testing").create_bucket(Bucket=BUCKET)
    return server, endpoint


def job_states(conn: psycopg.Connection[Any], ids: list[str]) -> tuple[int, int]:
    """(unfinished, failed) among `ids`."""
    rows = conn.execute("SELECT status FROM jobs WHERE id = ANY(%s)", (ids,)).fetchall()
    statuses = [r[0] for r in rows]
    unfinished = len(ids) - sum(s in ("succeeded", "failed", "canceled") for s in statuses)
    return unfinished, sum(s in ("failed", "canceled") for s in statuses)


def post_clips(urls: list[str], count: int, label: str) -> list[str]:
    """Post `count` clips at once, alternating between the APIs (16 in flight, keep-alive); their job ids."""
    with ThreadPoolExecutor(16) as pool, httpx.Client(timeout=60, limits=httpx.Limits(max_connections=16)) as client:
        answers = list(pool.map(lambda i: client.post(f"{urls[i % 2]}/api/mv/generate_video?wait=0",
                                                      json={"prompt": f"{label} {i}: the band plays on."}), range(count)))
    return [a.raise_for_status().json()["job_id"] for a in answers]


def warm_up(database: str, urls: list[str], timeout: float = 60) -> None:
    """A burst of 32 clips before measuring, so first-use costs (imports, clients, statement caches, pools grown to a burst's size) are paid as in a running service."""
    ids = post_clips(urls, 32, "Warm-up")
    deadline = time.time() + timeout
    with psycopg.connect(database, autocommit=True) as conn:
        while job_states(conn, ids)[0] and time.time() < deadline:
            time.sleep(0.1)


def settle(quiet: float = 0.2, timeout: float = 15.0) -> None:
    """Wait until the machine's cores are mostly idle (busy under `quiet` of the time over half a second)."""
    deadline = time.time() + timeout
    cores = os.cpu_count() or 1
    while time.time() < deadline:
        before = machine_busy()
        time.sleep(0.5)
        if (machine_busy() - before) / (0.5 * cores) < quiet:
            return


def run(work: Path, clips: int, media: str = "s3", webhooks: bool = True, timeout: float = 300) -> dict[str, Any]:
    """Post `clips` clips alternately to two APIs with two workers; wall time, the fake's request rates, CPU by process group."""
    clip, image = work / "clip.mp4", work / "character.png"
    ffmpeg("-f", "lavfi", "-i", "testsrc2=size=1280x720:rate=24:duration=8", "-c:v", "libx264", "-preset", "veryfast",
           "-pix_fmt", "yuv420p", "-movflags", "+faststart", str(clip))
    ffmpeg("-f", "lavfi", "-i", "testsrc2=size=512x512:duration=1", "-frames:v", "1", str(image))
    fake = FakeReplicate().start()
    install_standard_models(fake, image=image.read_bytes(), video=clip.read_bytes(), seconds=PREDICTION_SECONDS)
    server = PostgresServer().start()
    s3, endpoint = start_s3() if media == "s3" else (None, "")
    procs: list[subprocess.Popen[bytes]] = []
    try:
        database = server.create_database()
        env = {
            "MV_DATABASE_URL": database, "MV_PROVIDER": "replicate", "REPLICATE_API_TOKEN": fake.token, "REPLICATE_BASE_URL": fake.base_url,
            "MV_JOB_CONCURRENCY": "64", "MV_MAX_PAID_JOBS": "64", "MV_WORKER_POLL_SECONDS": "1", "MV_WORKER_SHUTDOWN_SECONDS": "2",
        }
        if media == "s3":
            env |= {"MV_MEDIA_BACKEND": "s3", "STORAGE_BUCKET": BUCKET, "S3_ENDPOINT_URL": endpoint,
                    "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_REGION": "us-east-1"}
        else:
            env |= {"MV_MEDIA_ROOT": str(work / "media")}
        if webhooks:
            env |= {"REPLICATE_WEBHOOK_SECRET": WEBHOOK_SECRET}
        apis = [start_server(work / f"api-{n}", work / f"api-{n}.log", **env) for n in (1, 2)]
        procs += [proc for proc, _ in apis]
        urls = [url for _, url in apis]
        workers = [start_worker(work / f"worker-{n}", work / f"worker-{n}.log", **env, **({"MV_PUBLIC_URL": urls[n - 1]} if webhooks else {}))
                   for n in (1, 2)]
        procs += workers
        _await_workers(database, 2)
        warm_up(database, urls)
        settle()
        load_before = os.getloadavg()[0]
        fake.requests.clear()
        meter = CpuMeter({"apis": [p.pid for p, _ in apis], "workers": [w.pid for w in workers]})
        meter.start()
        started = time.time()
        ids = post_clips(urls, clips, "Scene")
        posted = time.time() - started
        with psycopg.connect(database, autocommit=True) as conn:
            unfinished, failed = job_states(conn, ids)
            while unfinished and time.time() - started < timeout:
                time.sleep(0.05)
                unfinished, failed = job_states(conn, ids)
        seconds = time.time() - started
        cpu = meter.stop()
    finally:
        stop(*procs, timeout=60)
        if s3 is not None:
            s3.stop()
        server.close()
        fake.stop()
    api_requests = [r for r in fake.requests if r.host == "api" and r.path.startswith("/v1/")]
    creates = [r.at for r in api_requests if r.method == "POST" and (r.path in CREATE_PATHS or r.path.endswith("/predictions"))]
    reads = [r.at for r in api_requests if not (r.method == "POST" and (r.path in CREATE_PATHS or r.path.endswith("/predictions")))]
    first_create, last_create = (min(creates), max(creates)) if creates else (started, started)
    peaks = {
        "create_per_60s": peak_in_window(creates, 60.0), "read_per_60s": peak_in_window(reads, 60.0),
        "create_per_1s": peak_in_window(creates, 1.0), "read_per_1s": peak_in_window(reads, 1.0),
    }
    return {
        "clips": clips, "apis": 2, "workers": 2, "prediction_seconds": PREDICTION_SECONDS, "media_backend": media, "webhooks": webhooks,
        "webhooks_sent": len(fake.webhooks_sent), "cpu_seconds": cpu,
        "wall_s": round(seconds, 2), "post_s": round(posted, 2), "ratio_vs_one_prediction": round(seconds / PREDICTION_SECONDS, 2),
        "target_ratio": TARGET_RATIO, "target_met": seconds <= TARGET_RATIO * PREDICTION_SECONDS and not unfinished and not failed,
        "unfinished": unfinished, "failed": failed, "creates": len(creates), "reads": len(reads),
        "first_create_after_s": round(first_create - started, 2), "last_create_after_s": round(last_create - started, 2),
        "after_last_prediction_s": round(seconds - (last_create - started + PREDICTION_SECONDS), 2),
        "peaks": peaks, "limits_per_min": LIMITS_PER_MINUTE,
        "within_limits": peaks["create_per_60s"] <= LIMITS_PER_MINUTE["create"] and peaks["read_per_60s"] <= LIMITS_PER_MINUTE["read"],
        "load_average_before": round(load_before, 2), "cores": os.cpu_count(),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clips", type=int, default=100)
    parser.add_argument("--media", choices=("local", "s3"), default="s3")
    parser.add_argument("--polling", action="store_true", help="no webhooks: predictions are polled")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="encore-scale-bench-") as tmp:
        print(json.dumps(run(Path(tmp), args.clips, args.media, webhooks=not args.polling), indent=2))


if __name__ == "__main__":
    main()

"""Worker benchmarks on PostgreSQL: draft clip throughput with 1 vs 2 worker processes, and job pickup latency; prints JSON.

- throughput: one API process and N `python -m mv worker` processes on a fresh database; 64 draft clips
  (local provider, ffmpeg) posted at once; wall time from the first POST until the last job succeeded.
- pickup: with 2 idle workers, jobs posted one at a time (offline scene plans, which take milliseconds);
  the time from the POST's answer (the row and its task are committed) until the row says `running`,
  read every 2 ms.

Usage: .venv/bin/python bench/worker_bench.py [--clips 64] [--pickups 50]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
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

from live import start_server, start_worker, stop  # noqa: E402
from pg import PostgresServer  # noqa: E402

SCENES = {"idea": "a rooftop show", "character_description": "a singer in a green coat", "provider": "local"}


def _await_workers(database: str, count: int, timeout: float = 300) -> None:
    """Wait until `count` workers have registered with the queue (start-up is slow on a loaded machine)."""
    deadline = time.time() + timeout
    with psycopg.connect(database, autocommit=True) as conn:
        while conn.execute("SELECT count(*) FROM procrastinate_workers").fetchone()[0] < count:
            if time.time() > deadline:
                raise RuntimeError("the workers did not start")
            time.sleep(0.2)
    time.sleep(1.0)


def _pending(database: str, ids: list[str]) -> int:
    with psycopg.connect(database) as conn:
        return int(conn.execute("SELECT count(*) FROM jobs WHERE id = ANY(%s) AND status <> 'succeeded'", (ids,)).fetchone()[0])


def throughput(server: PostgresServer, work: Path, workers: int, clips: int, timeout: float = 900) -> dict[str, Any]:
    """Seconds for `clips` draft clips with `workers` worker processes."""
    database = server.create_database()
    env = {"MV_DATABASE_URL": database, "MV_JOB_CONCURRENCY": "32", "MV_WORKER_SHUTDOWN_SECONDS": "2"}
    api, url = start_server(work / f"w{workers}", **env)
    procs = [start_worker(work / f"w{workers}", **env) for _ in range(workers)]
    try:
        _await_workers(database, workers)
        load_before = os.getloadavg()[0]
        started = time.perf_counter()
        with httpx.Client(base_url=url, timeout=60) as client, ThreadPoolExecutor(8) as pool:
            answers = list(pool.map(lambda i: client.post("/api/mv/generate_video?wait=0", json={"prompt": f"shot {i}", "provider": "local"}), range(clips)))
        ids = [a.json()["job_id"] for a in answers]
        while _pending(database, ids) and time.perf_counter() - started < timeout:
            time.sleep(0.2)
        seconds = time.perf_counter() - started
        left = _pending(database, ids)
    finally:
        stop(api, *procs, timeout=60)
        server.drop_database(database)
    return {"workers": workers, "clips": clips, "seconds": round(seconds, 2), "clips_per_minute": round(clips / seconds * 60, 1),
            "unfinished": left, "load_average_before": round(load_before, 2)}


def pickup(server: PostgresServer, work: Path, samples: int) -> dict[str, Any]:
    """Queued → running latency with two idle workers."""
    database = server.create_database()
    env = {"MV_DATABASE_URL": database, "MV_WORKER_SHUTDOWN_SECONDS": "2"}
    api, url = start_server(work / "pickup", **env)
    procs = [start_worker(work / "pickup", **env) for _ in range(2)]
    latencies = []
    try:
        _await_workers(database, 2)
        with httpx.Client(base_url=url, timeout=60) as client, psycopg.connect(database, autocommit=True) as conn:
            for _ in range(samples):
                answer = client.post("/api/mv/create_scenes?wait=0", json=SCENES)
                answered = time.perf_counter()
                job_id = answer.json()["job_id"]
                while conn.execute("SELECT status FROM jobs WHERE id = %s", (job_id,)).fetchone()[0] == "queued":
                    time.sleep(0.002)
                latencies.append((time.perf_counter() - answered) * 1000)
                while conn.execute("SELECT status FROM jobs WHERE id = %s", (job_id,)).fetchone()[0] != "succeeded":
                    time.sleep(0.01)
                time.sleep(0.2)
    finally:
        stop(api, *procs, timeout=60)
        server.drop_database(database)
    ordered = sorted(latencies)
    return {"samples": len(ordered), "p50_ms": round(statistics.median(ordered), 1),
            "p99_ms": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))], 1), "max_ms": round(ordered[-1], 1)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clips", type=int, default=64)
    parser.add_argument("--pickups", type=int, default=50)
    args = parser.parse_args()
    server = PostgresServer().start()
    try:
        with tempfile.TemporaryDirectory(prefix="encore-worker-bench-") as tmp:
            work = Path(tmp)
            latency = pickup(server, work, args.pickups)
            print(json.dumps({"pickup": latency}), file=sys.stderr, flush=True)
            one = throughput(server, work, 1, args.clips)
            print(json.dumps({"one_worker": one}), file=sys.stderr, flush=True)
            two = throughput(server, work, 2, args.clips)
    finally:
        server.close()
    print(json.dumps({
        "one_worker": one, "two_workers": two, "speedup": round(one["seconds"] / two["seconds"], 2),
        "pickup": latency, "cores": os.cpu_count(),
    }))


if __name__ == "__main__":
    main()

"""Real API processes and a worker on loopback sharing one PostgreSQL store; events reach every API."""

from __future__ import annotations

import json
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

from live import start_server, start_worker
from pg import PostgresServer


def test_two_api_processes_share_one_postgresql_store(pg_server: PostgresServer, tmp_path: Path) -> None:
    url = pg_server.create_database()
    with ThreadPoolExecutor(2) as pool:
        started = list(pool.map(lambda name: start_server(tmp_path / name, MV_DATABASE_URL=url), ("api-a", "api-b")))
    (first, first_url), (second, second_url) = started
    worker = start_worker(tmp_path / "worker", MV_DATABASE_URL=url)
    try:
        body = {"idea": "a rooftop show", "character_description": "a singer in a green coat"}
        headers = {"Idempotency-Key": "shared-store-scenes-1"}
        accepted = httpx.post(f"{first_url}/api/mv/create_scenes?wait=0", json=body, headers=headers, timeout=30)
        assert accepted.status_code == 202, accepted.text
        job_id = accepted.json()["job_id"]
        deadline = time.time() + 60
        seen = httpx.get(f"{second_url}/api/jobs/{job_id}", timeout=10).json()
        while seen["status"] not in ("succeeded", "failed") and time.time() < deadline:
            time.sleep(0.1)
            seen = httpx.get(f"{second_url}/api/jobs/{job_id}", timeout=10).json()
        assert seen["status"] == "succeeded" and len(seen["result"]["scenes"]) == 4
        repeated = httpx.post(f"{second_url}/api/mv/create_scenes?wait=5", json=body, headers=headers, timeout=30)
        assert repeated.status_code == 200 and repeated.json() == seen["result"], "the other process found the first job by its key"
    finally:
        for proc in (first, second, worker):
            proc.terminate()
            proc.wait(timeout=30)
        pg_server.drop_database(url)


def _events(url: str, job_id: str, seen: list[dict], stop_when: str = "succeeded") -> None:
    with httpx.stream("GET", f"{url}/api/jobs/events", params={"ids": job_id}, timeout=60) as stream:
        for line in stream.iter_lines():
            if line.startswith("data: "):
                seen.append(json.loads(line[6:]))
                if seen[-1]["status"] == stop_when:
                    return


def test_the_event_stream_of_one_api_reports_a_job_created_on_another(pg_server: PostgresServer, tmp_path: Path) -> None:
    url = pg_server.create_database()
    with ThreadPoolExecutor(3) as pool:
        started = list(pool.map(lambda name: start_server(tmp_path / name, MV_DATABASE_URL=url), ("api-a", "api-b")))
        (first, first_url), (second, second_url) = started
        worker = None
        try:
            accepted = httpx.post(f"{second_url}/api/mv/generate_video?wait=0", json={"prompt": "a neon street", "provider": "local"}, timeout=30)
            assert accepted.status_code == 202, accepted.text
            job_id = accepted.json()["job_id"]
            seen: list[dict] = []
            following = pool.submit(_events, first_url, job_id, seen)
            deadline = time.time() + 30
            while not seen and time.time() < deadline:
                time.sleep(0.05)
            assert [event["status"] for event in seen] == ["queued"], "without a worker the job waits in the queue"
            worker = start_worker(tmp_path / "worker", MV_DATABASE_URL=url)
            following.result(timeout=90)
            statuses = [event["status"] for event in seen]
            assert statuses[-1] == "succeeded" and "running" in statuses, statuses
            assert any(0 < event["progress"] < 1 for event in seen), "progress did not reach the other API"
        finally:
            for proc in (first, second, worker):
                if proc is not None:
                    proc.terminate()
                    proc.wait(timeout=30)
            pg_server.drop_database(url)

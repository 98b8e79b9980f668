"""Real API processes on loopback sharing one PostgreSQL store."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

from live import start_server
from pg import PostgresServer


def test_two_api_processes_share_one_postgresql_store(pg_server: PostgresServer, tmp_path: Path) -> None:
    url = pg_server.create_database()
    with ThreadPoolExecutor(2) as pool:
        started = list(pool.map(lambda name: start_server(tmp_path / name, MV_DATABASE_URL=url), ("api-a", "api-b")))
    (first, first_url), (second, second_url) = started
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
        for proc in (first, second):
            proc.terminate()
            proc.wait(timeout=30)
        pg_server.drop_database(url)

"""Worker processes on loopback with PostgreSQL and the fake Replicate: a SIGKILLed worker, a restarted database.

Every job finishes, and Replicate sees exactly one create per clip: the prediction checkpoint holds across
processes, and a dead worker's tasks are queued again within MV_WORKER_STALLED_SECONDS (plus one heartbeat).
"""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import httpx
import psycopg

from fake_replicate import FakeReplicate, install_standard_models
from live import start_server, start_worker, stopped_at_exit
from pg import PostgresServer

CLIPS = 6
MODEL = "google/veo-3.1"
STALLED_SECONDS = 2.0


def _env(fake: FakeReplicate, database: str, **extra: str) -> dict[str, str]:
    return {
        "MV_DATABASE_URL": database,
        "MV_PROVIDER": "replicate",
        "REPLICATE_API_TOKEN": fake.token,
        "REPLICATE_BASE_URL": fake.base_url,
        "REPLICATE_POLL_INTERVAL": "0.3",
        "MV_WORKER_POLL_SECONDS": "1",
        **extra,
    }


def _post_clips(url: str) -> list[str]:
    answers = [httpx.post(f"{url}/api/mv/generate_video?wait=0", json={"prompt": f"Scene {i}"}, timeout=30) for i in range(CLIPS)]
    assert all(a.status_code == 202 for a in answers), [a.text for a in answers]
    return [a.json()["job_id"] for a in answers]


def _wait_for_creates(fake: FakeReplicate, count: int, seconds: float = 60) -> None:
    deadline = time.time() + seconds
    while len(fake.creates(MODEL)) < count and time.time() < deadline:
        time.sleep(0.05)
    assert len(fake.creates(MODEL)) == count


def _rows(database: str, query: str) -> list[tuple]:
    with psycopg.connect(database) as conn:
        return conn.execute(query).fetchall()


def _all_finished(url: str, job_ids: list[str], seconds: float = 120) -> dict[str, dict]:
    finished: dict[str, dict] = {}
    deadline = time.time() + seconds
    with httpx.Client(timeout=5) as client:
        while len(finished) < len(job_ids) and time.time() < deadline:
            for job_id in job_ids:
                if job_id in finished:
                    continue
                try:
                    job = client.get(f"{url}/api/jobs/{job_id}").json()
                except (httpx.HTTPError, ValueError):
                    continue
                if job.get("status") in ("succeeded", "failed", "canceled"):
                    finished[job_id] = job
            time.sleep(0.2)
    assert len(finished) == len(job_ids), f"{len(job_ids) - len(finished)} jobs did not finish"
    return finished


def test_a_sigkilled_workers_jobs_finish_on_the_other_with_one_create_each(pg_server: PostgresServer, tmp_path: Path, media) -> None:
    fake = FakeReplicate().start()
    install_standard_models(fake, image=media.image().read_bytes(), video=media.video(8.0).read_bytes(), seconds=10.0)
    database = pg_server.create_database()
    env = _env(fake, database, MV_WORKER_STALLED_SECONDS=str(STALLED_SECONDS))
    try:
        api, url = start_server(tmp_path, tmp_path / "api.log", **env)
        doomed = start_worker(tmp_path, tmp_path / "worker-a.log", **env)
        with stopped_at_exit(api, doomed) as running:
            job_ids = _post_clips(url)
            _wait_for_creates(fake, CLIPS)
            survivor = start_worker(tmp_path, tmp_path / "worker-b.log", **env)
            running.append(survivor)
            deadline = time.time() + 120
            while _rows(database, "SELECT count(*) FROM procrastinate_workers")[0][0] < 2 and time.time() < deadline:
                time.sleep(0.1)
            os.kill(doomed.pid, signal.SIGKILL)
            doomed.wait(timeout=10)
            killed_at = time.time()
            ids = "', '".join(job_ids)
            while time.time() - killed_at < 60:
                retried = _rows(database, f"SELECT count(*) FROM jobs WHERE id IN ('{ids}') AND attempts >= 2")[0][0]
                if retried == CLIPS:
                    break
                time.sleep(0.1)
            picked_up = time.time() - killed_at
            assert retried == CLIPS, "the dead worker's jobs were not taken over"
            assert picked_up < 4 * STALLED_SECONDS + 10, f"taking over took {picked_up:.1f} s"
            finished = _all_finished(url, job_ids)
            assert {job["status"] for job in finished.values()} == {"succeeded"}, finished
            assert len(fake.creates(MODEL)) == CLIPS, "a prediction was created twice"
            clip = httpx.get(f"{url}/api/mv/get_video/{job_ids[0]}", timeout=10)
            assert clip.status_code == 200 and clip.headers["content-type"] == "video/mp4"
    finally:
        fake.stop()
    assert _rows(database, "SELECT count(*) FROM assets WHERE kind = 'video'")[0][0] == CLIPS
    assert _rows(database, "SELECT count(*) FROM procrastinate_jobs")[0][0] == 0, "a task stayed in the queue"
    pg_server.drop_database(database)


def test_jobs_finish_once_when_postgresql_restarts_under_them(pg_server: PostgresServer, tmp_path: Path, media) -> None:
    fake = FakeReplicate().start()
    install_standard_models(fake, image=media.image().read_bytes(), video=media.video(8.0).read_bytes(), seconds=5.0)
    database = pg_server.create_database()
    env = _env(fake, database, MV_WORKER_STALLED_SECONDS="20", MV_WORKER_SHUTDOWN_SECONDS="60")
    try:
        api, url = start_server(tmp_path, tmp_path / "api.log", **env)
        workers = [start_worker(tmp_path, tmp_path / f"worker-{n}.log", **env) for n in ("a", "b")]
        with stopped_at_exit(api, *workers):
            job_ids = _post_clips(url)
            _wait_for_creates(fake, CLIPS)
            pg_server.restart()
            finished = _all_finished(url, job_ids)
            assert {job["status"] for job in finished.values()} == {"succeeded"}, finished
            assert len(fake.creates(MODEL)) == CLIPS, "a prediction was created twice"
            after = httpx.post(f"{url}/api/mv/generate_video?wait=0", json={"prompt": "after the restart"}, timeout=30)
            assert after.status_code == 202, after.text
            assert _all_finished(url, [after.json()["job_id"]])[after.json()["job_id"]]["status"] == "succeeded"
    finally:
        fake.stop()
    assert _rows(database, "SELECT count(*) FROM assets WHERE kind = 'video'")[0][0] == CLIPS + 1
    assert _rows(database, "SELECT count(*) FROM jobs WHERE status <> 'succeeded'")[0][0] == 0
    assert _rows(database, "SELECT count(*) FROM procrastinate_jobs")[0][0] == 0, "a task stayed in the queue"
    pg_server.drop_database(database)

"""SIGKILL the server while ten predictions are in flight, start it again: all finish, one prediction each."""

from __future__ import annotations

import os
import signal
import sqlite3
import time
from pathlib import Path

import httpx

from fake_replicate import FakeReplicate, install_standard_models
from live import start_server

CLIPS = 10
MODEL = "google/veo-3.1"


def test_ten_jobs_survive_a_sigkill_with_one_prediction_each(tmp_path: Path, media) -> None:
    fake = FakeReplicate().start()
    install_standard_models(fake, image=media.image().read_bytes(), video=media.video(8.0).read_bytes(), seconds=3.0)
    env = {
        "MV_PROVIDER": "replicate",
        "REPLICATE_API_TOKEN": fake.token,
        "REPLICATE_BASE_URL": fake.base_url,
        "REPLICATE_POLL_INTERVAL": "0.3",
        "MV_JOB_CONCURRENCY": "16",
    }
    try:
        first, url = start_server(tmp_path, **env)
        answers = [httpx.post(f"{url}/api/mv/generate_video?wait=0", json={"prompt": f"Scene {i}"}, timeout=30) for i in range(CLIPS)]
        assert all(a.status_code == 202 for a in answers), [a.text for a in answers]
        jobs = [a.json()["job_id"] for a in answers]
        deadline = time.time() + 30
        while len(fake.creates(MODEL)) < CLIPS and time.time() < deadline:
            time.sleep(0.05)
        assert len(fake.creates(MODEL)) == CLIPS
        os.kill(first.pid, signal.SIGKILL)
        first.wait(timeout=10)
        in_flight = httpx.Client(timeout=5)
        second, url = start_server(tmp_path, **env)
        try:
            finished = {}
            deadline = time.time() + 90
            while len(finished) < CLIPS and time.time() < deadline:
                for job_id in jobs:
                    if job_id not in finished:
                        job = in_flight.get(f"{url}/api/jobs/{job_id}").json()
                        if job["status"] in ("succeeded", "failed", "canceled"):
                            finished[job_id] = job
                time.sleep(0.2)
            assert len(finished) == CLIPS
            assert {job["status"] for job in finished.values()} == {"succeeded"}
            assert len(fake.creates(MODEL)) == CLIPS, "a prediction was created twice"
            video_ids = {job["result"]["video_id"] for job in finished.values()}
            assert len(video_ids) == CLIPS
            for video_id in video_ids:
                clip = in_flight.get(f"{url}/api/mv/get_video/{video_id}")
                assert clip.status_code == 200 and clip.headers["content-type"] == "video/mp4"
        finally:
            second.terminate()
            second.wait(timeout=30)
            in_flight.close()
    finally:
        fake.stop()
    with sqlite3.connect(tmp_path / "data" / "encore.db") as db:
        assert db.execute("SELECT COUNT(*) FROM assets WHERE kind = 'video'").fetchone()[0] == CLIPS
        assert db.execute("SELECT COUNT(*) FROM jobs WHERE status != 'succeeded' AND kind = 'generate_video'").fetchone()[0] == 0

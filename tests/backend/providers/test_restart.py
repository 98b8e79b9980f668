"""SIGKILL the server while predictions are in flight, start it again: all finish, one prediction each.

Ten clips whose creates were answered re-attach by their checkpointed ids; four identical character images
whose creates were received but never answered are found again in Replicate's list, one each.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import time
from pathlib import Path

import httpx

from fake_replicate import Fault, FakeReplicate, install_standard_models
from live import start_server

CLIPS = 10
MODEL = "google/veo-3.1"
IMAGES = 4
IMAGEN = "google/imagen-4"


def _env(fake: FakeReplicate) -> dict[str, str]:
    return {
        "MV_PROVIDER": "replicate",
        "REPLICATE_API_TOKEN": fake.token,
        "REPLICATE_BASE_URL": fake.base_url,
        "REPLICATE_POLL_INTERVAL": "0.3",
        "MV_JOB_CONCURRENCY": "16",
    }


def _finished(client: httpx.Client, url: str, job_id: str, seconds: float = 90) -> dict:
    deadline = time.time() + seconds
    while time.time() < deadline:
        job = client.get(f"{url}/api/jobs/{job_id}").json()
        if job["status"] in ("succeeded", "failed", "canceled"):
            return job
        time.sleep(0.2)
    raise AssertionError(f"job {job_id} did not finish")


def test_identical_creates_unanswered_at_a_sigkill_become_distinct_images(tmp_path: Path, media) -> None:
    fake = FakeReplicate().start()
    install_standard_models(fake, image=media.image().read_bytes(), video=media.video(2.0).read_bytes(), seconds=0.5)
    faces = iter(media.image(size=f"{520 + 20 * i}x{520 + 20 * i}", name=f"restart_face_{i}.png").read_bytes() for i in range(IMAGES))
    fake.models[IMAGEN].output = lambda _input, f: f.add_output(f"face_{len(f.outputs)}.png", next(faces), "image/png")
    fake.inject("POST", r"/v1/models/google/imagen-4/predictions", *[Fault(delay=300.0) for _ in range(IMAGES)])
    env = _env(fake)
    try:
        first, url = start_server(tmp_path, **env)
        answer = httpx.post(f"{url}/api/mv/generate_character_reference?wait=0",
                            json={"character_description": "a drummer in a kilt", "num_images": IMAGES}, timeout=30)
        assert answer.status_code == 202, answer.text
        deadline = time.time() + 30
        while len(fake.creates(IMAGEN)) < IMAGES and time.time() < deadline:
            time.sleep(0.05)
        assert len(fake.creates(IMAGEN)) == IMAGES, "every create reached Replicate; none was answered"
        os.kill(first.pid, signal.SIGKILL)
        first.wait(timeout=10)
        second, url = start_server(tmp_path, **env)
        try:
            with httpx.Client(timeout=10) as client:
                job = _finished(client, url, answer.json()["job_id"])
                assert job["status"] == "succeeded", job
                images = [client.get(f"{url}{image['url']}").content for image in job["result"]["images"]]
        finally:
            second.terminate()
            second.wait(timeout=30)
    finally:
        fake.stop()
    assert len(images) == IMAGES and len(set(images)) == IMAGES, "two steps were given one prediction"
    assert len(set(job["result"]["metadata"]["prediction_ids"])) == IMAGES
    assert len(fake.creates(IMAGEN)) <= IMAGES, "a prediction was created again"


def test_ten_jobs_survive_a_sigkill_with_one_prediction_each(tmp_path: Path, media) -> None:
    fake = FakeReplicate().start()
    install_standard_models(fake, image=media.image().read_bytes(), video=media.video(8.0).read_bytes(), seconds=3.0)
    env = _env(fake)
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

"""Real processes on PostgreSQL with `MV_MEDIA_BACKEND=s3`: two APIs and a worker, each with its own empty media root.

Media crosses processes only through the bucket; a Replicate webhook taken by an API wakes the worker
that waits on the prediction, with at most two Replicate requests for it.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import httpx

from fake_replicate import FakeReplicate, install_standard_models
from fake_replicate_webhooks import WEBHOOK_SECRET
from live import start_server, start_worker, stopped_at_exit
from media import MediaFactory
from s3_bucket import s3_object
from scaled import finished, media_files, s3_env


def test_upload_on_one_api_render_on_a_worker_serve_from_the_other(
    database: str, s3_settings: dict[str, Any], s3_server: str, media: MediaFactory, tmp_path: Path
) -> None:
    env = s3_env(s3_settings, database)
    api_a, url_a = start_server(tmp_path / "api-a", tmp_path / "api-a.log", **env)
    api_b, url_b = start_server(tmp_path / "api-b", tmp_path / "api-b.log", **env)
    worker = start_worker(tmp_path / "worker", tmp_path / "worker.log", **env)
    with stopped_at_exit(api_a, api_b, worker):
        song = httpx.post(f"{url_a}/api/audio/upload", files={"file": ("song.mp3", media.tone(20.0).read_bytes(), "audio/mpeg")}, timeout=60)
        assert song.status_code == 200, song.text
        audio_id = song.json()["audio_id"]
        image = httpx.post(f"{url_a}/api/mv/upload_character_reference", files={"file": ("me.png", media.image().read_bytes(), "image/png")}, timeout=60)
        assert image.status_code == 200, image.text
        image_id = image.json()["images"][0]["id"]

        clip = httpx.post(f"{url_b}/api/mv/generate_video?wait=0", json={
            "prompt": "the singer under one light", "character_reference_id": image_id, "audio_id": audio_id, "start_time": 2.0, "end_time": 10.0,
        }, timeout=30)
        assert clip.status_code == 202, clip.text
        assert finished(url_a, clip.json()["job_id"])["status"] == "succeeded"
        clip_id = clip.json()["job_id"]
        stitch = httpx.post(f"{url_b}/api/mv/stitch_video?wait=0", json={"video_ids": [clip_id, clip_id], "audio_id": audio_id}, timeout=30)
        assert stitch.status_code == 202, stitch.text
        job = finished(url_b, stitch.json()["job_id"])
        assert job["status"] == "succeeded", job
        video_id = job["result"]["video_id"]

        stored = s3_object(s3_server, f"mv/jobs/{video_id}/video.mp4")
        assert stored
        part = httpx.get(f"{url_a}/api/mv/get_video/{video_id}", headers={"Range": "bytes=0-4095"}, timeout=30)
        assert part.status_code == 206 and part.content == stored[:4096]
        whole = httpx.get(f"{url_b}/api/mv/get_video/{video_id}", timeout=30)
        assert whole.status_code == 200 and whole.content == stored
        for api in ("api-a", "api-b"):
            for path in media_files(tmp_path / api / "media"):
                key = path.relative_to(tmp_path / api / "media").as_posix()
                in_bucket = s3_object(s3_server, f"mv/{key}" if key.startswith("jobs/") else f"mv/outputs/{key}")
                assert in_bucket == path.read_bytes(), f"{api} holds {key}, which is not a copy of the bucket's"
            assert not (tmp_path / api / "media" / "jobs" / video_id).exists(), f"{api} stitched or copied the final video"
    assert (tmp_path / "worker" / "media" / "jobs" / video_id / "video.mp4").is_file(), "the worker did the stitch"


def test_a_webhook_to_an_api_wakes_the_worker_waiting_on_the_prediction(database: str, s3_settings: dict[str, Any], media: MediaFactory, tmp_path: Path) -> None:
    fake = FakeReplicate().start()
    try:
        install_standard_models(fake, image=media.image().read_bytes(), video=media.video(8.0).read_bytes(), seconds=1.0)
        env = s3_env(
            s3_settings, database, MV_PROVIDER="replicate", REPLICATE_API_TOKEN=fake.token, REPLICATE_BASE_URL=fake.base_url,
            REPLICATE_WEBHOOK_SECRET=WEBHOOK_SECRET, REPLICATE_WEBHOOK_POLL_INTERVAL="60",
        )
        api, url = start_server(tmp_path / "api", tmp_path / "api.log", **env)
        worker = start_worker(tmp_path / "worker", tmp_path / "worker.log", MV_PUBLIC_URL=url, **env)
        with stopped_at_exit(api, worker):
            started = time.time()
            clip = httpx.post(f"{url}/api/mv/generate_video?wait=0", json={"prompt": "a wide shot of the stage"}, timeout=30)
            assert clip.status_code == 202, clip.text
            job = finished(url, clip.json()["job_id"], seconds=50)
            assert job["status"] == "succeeded", job
            assert time.time() - started < 50, "woken by the webhook, not by the 60 s safety poll"
        (create,) = fake.creates("google/veo-3.1")
        assert create.body["webhook"] == f"{url}/api/webhooks/replicate"
        assert [status for _, status, _ in fake.webhooks_sent] == [200]
        prediction_id = fake.webhooks_sent[0][2]["id"]
        polls = [r for r in fake.gets() if r.path == f"/v1/predictions/{prediction_id}"]
        made = len(fake.creates("google/veo-3.1")) + len(polls)
        assert made <= 2, f"{made} Replicate requests for one prediction: the create and {len(polls)} polls"
    finally:
        fake.stop()

"""The whole flow through two API processes and two workers on PostgreSQL and S3, each with its own empty media root."""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

import httpx

from live import start_server, start_worker, stopped_at_exit
from media import MediaFactory
from s3_bucket import s3_object
from scaled import finished, media_files, s3_env


def post(url: str, path: str, body: dict[str, Any]) -> str:
    """Start a job without waiting; its id."""
    drafted = body if path.endswith("stitch_video") else {**body, "provider": "local"}
    answer = httpx.post(f"{url}{path}?wait=0", json=drafted, timeout=30)
    assert answer.status_code == 202, answer.text
    return str(answer.json()["job_id"])


def succeeded(url: str, job_id: str) -> dict[str, Any]:
    """The job's result once it succeeded (asked of `url`)."""
    job = finished(url, job_id, seconds=300)
    assert job["status"] == "succeeded", job
    return job["result"]  # type: ignore[no-any-return]


def watch(url: str, job_id: str, seen: list[dict[str, Any]]) -> threading.Thread:
    """Follow one job on `url`'s event stream in a thread, until it reports a final status."""

    def run() -> None:
        with httpx.stream("GET", f"{url}/api/jobs/events", params={"ids": job_id}, timeout=httpx.Timeout(30, read=300)) as stream:
            for line in stream.iter_lines():
                if line.startswith("data: "):
                    seen.append(json.loads(line[6:]))
                    if seen[-1]["status"] in ("succeeded", "failed", "canceled"):
                        return

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


def test_upload_to_stitch_alternating_between_two_apis_with_two_workers(
    database: str, s3_settings: dict[str, Any], s3_server: str, media: MediaFactory, tmp_path: Path
) -> None:
    env = s3_env(s3_settings, database)
    api_a, a = start_server(tmp_path / "api-a", tmp_path / "api-a.log", **env)
    api_b, b = start_server(tmp_path / "api-b", tmp_path / "api-b.log", **env)
    workers = [start_worker(tmp_path / f"worker-{n}", tmp_path / f"worker-{n}.log", **env) for n in (1, 2)]
    with stopped_at_exit(api_a, api_b, *workers):
        song = httpx.post(f"{a}/api/audio/upload", files={"file": ("song.mp3", media.tone(30.0).read_bytes(), "audio/mpeg")}, timeout=60)
        assert song.status_code == 200, song.text
        audio_id = song.json()["audio_id"]

        scenes_job = post(b, "/api/mv/create_scenes", {"idea": "a rooftop show", "character_description": "a singer in a green coat", "audio_id": audio_id})
        seen: list[dict[str, Any]] = []
        watching = watch(a, scenes_job, seen)
        scenes = succeeded(a, scenes_job)["scenes"]
        watching.join(timeout=120)
        assert seen and seen[-1]["id"] == scenes_job and seen[-1]["status"] == "succeeded", "API A's stream missed a job made on API B"
        assert seen[0]["status"] in ("queued", "running"), "the stream must have seen the job change, not only its end"

        image_id = succeeded(b, post(a, "/api/mv/generate_character_reference", {"character_description": "a singer in a green coat", "num_images": 1}))["images"][0]["id"]
        clip_jobs = [
            post((a, b)[i % 2], "/api/mv/generate_video", {
                "prompt": scene["description"], "character_reference_id": image_id, "audio_id": audio_id,
                "start_time": scene["start_time"], "end_time": scene["end_time"],
            })
            for i, scene in enumerate(scenes[:4])
        ]
        clips = [succeeded((b, a)[i % 2], job)["video_id"] for i, job in enumerate(clip_jobs)]
        synced = succeeded(b, post(a, "/api/mv/lipsync", {
            "video_id": clips[1], "audio_id": audio_id, "start_time": scenes[1]["start_time"], "end_time": scenes[1]["end_time"],
        }))["video_id"]
        final = succeeded(a, post(b, "/api/mv/stitch_video", {"video_ids": [clips[0], synced, clips[2], clips[3]], "audio_id": audio_id}))

        stored = s3_object(s3_server, f"mv/jobs/{final['video_id']}/video.mp4")
        assert stored, "the final video is not in the bucket"
        for url in (a, b):
            served = httpx.get(f"{url}/api/mv/get_video/{final['video_id']}", timeout=60)
            assert served.status_code == 200 and served.content == stored
    for api in ("api-a", "api-b"):
        for path in media_files(tmp_path / api / "media"):
            key = path.relative_to(tmp_path / api / "media").as_posix()
            in_bucket = s3_object(s3_server, f"mv/{key}" if key.startswith("jobs/") else f"mv/outputs/{key}")
            assert in_bucket == path.read_bytes(), f"{api} holds {key}, which is not a copy of the bucket's"

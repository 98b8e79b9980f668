"""An asset that failed or was canceled answers its error as JSON (409), never 202 with Retry-After forever."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import respx

from helpers_mv import finish
from media import MediaFactory
from mv.core.ids import new_id
from stitch.clipkit import add_audio, add_video, services_of

HOST = "media.example.test"


async def test_a_failed_lipsync_answers_409_with_its_error(app_client: Any, media: MediaFactory) -> None:
    client = await app_client(mv_download_hosts=HOST)
    services = services_of(client)
    audio_id = await add_audio(services, media.tone(5.0))
    with respx.mock() as router:
        router.get(f"https://{HOST}/clip.mp4").respond(200, content=b"<html>not a video</html>")
        response = await client.post("/api/mv/lipsync", params={"wait": 0}, json={"video_url": f"https://{HOST}/clip.mp4", "audio_id": audio_id})
        assert response.status_code == 202, response.text
        job = await finish(client, response.json()["job_id"])
    assert job["status"] == "failed"
    answer = await client.get(f"/api/mv/get_video/{job['id']}")
    assert answer.status_code == 409, answer.text
    assert "retry-after" not in answer.headers
    body = answer.json()
    assert body == {"error": "AssetFailed", "detail": f"The video {job['id']} failed: {job['error']['detail']}"}
    poster = await client.get(f"/api/mv/get_poster/{job['id']}")
    assert poster.status_code == 409 and poster.json()["error"] == "AssetFailed"
    again = await client.post("/api/mv/lipsync", json={"video_id": job["id"], "audio_id": audio_id})
    assert again.status_code == 409 and job["id"] in again.json()["detail"]


async def test_a_canceled_asset_says_so(client: httpx.AsyncClient, media: MediaFactory) -> None:
    services = services_of(client)
    video_id = await add_video(services, media.video(4.0), status="canceled")
    answer = await client.get(f"/api/mv/get_video/{video_id}")
    assert answer.status_code == 409
    assert answer.json() == {"error": "AssetFailed", "detail": f"The video {video_id} was canceled."}


async def test_an_asset_whose_job_failed_before_the_asset_was_marked_is_409(client: httpx.AsyncClient, tmp_path: Path) -> None:
    services = services_of(client)
    video_id = new_id()
    await services.assets.insert(asset_id=video_id, kind="video", status="queued", job_id=video_id)
    await services.jobs.insert(video_id, "generate_video", {"prompt": "x"}, None)
    await services.jobs.update(video_id, status="failed", error={"error": "InternalError", "detail": "The clip could not be made."})
    answer = await client.get(f"/api/mv/get_video/{video_id}")
    assert answer.status_code == 409
    assert answer.json() == {"error": "AssetFailed", "detail": f"The video {video_id} failed: The clip could not be made."}


async def test_a_clip_still_running_is_202_and_every_failed_input_is_named(client: httpx.AsyncClient, media: MediaFactory) -> None:
    services = services_of(client)
    running = await add_video(services, media.video(4.0), status="running")
    pending = await client.get(f"/api/mv/get_video/{running}")
    assert pending.status_code == 202 and pending.json() == {"video_id": running, "status": "running"}
    failed = [await add_video(services, media.video(4.0), status="failed") for _ in range(2)]
    done = await add_video(services, media.video(4.0))
    response = await client.post("/api/mv/stitch_video", json={"video_ids": [done, *failed, running]})
    assert response.status_code == 409 and response.json()["error"] == "AssetFailed"
    detail = response.json()["detail"]
    assert all(f in detail for f in failed) and running in detail and done not in detail

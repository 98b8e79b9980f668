"""Every stored video has a poster frame: made on its first request (once), kept and mirrored like the video, served as JPEG."""

from __future__ import annotations

import asyncio
import subprocess
from pathlib import Path
from typing import Any

import httpx

from s3_bucket import s3_object
from helpers_mv import ffprobe
from media import MediaFactory, run
import pytest

from mv.core.ids import new_id
from mv.media import posters
from stitch.clipkit import add_audio, add_video, flash_clip, services_of

JPEG_MAGIC = b"\xff\xd8\xff"


def dark_then_bright(root: Path, seconds: float = 4.0) -> Path:
    """A clip that is black for its first half second, then white."""
    path = root / f"dark_then_bright_{seconds}.mp4"
    if not path.exists():
        run("-f", "lavfi", "-i", f"color=c=white:s=640x360:r=24:d={seconds},drawbox=enable='lt(t,0.5)':color=black:t=fill",
            "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", str(path))
    return path


def brightness(jpeg: bytes) -> float:
    """Mean luma (0-255) of an image."""
    raw = subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-i", "pipe:0", "-vf", "scale=16:16,format=gray", "-f", "rawvideo", "-"],
                         input=jpeg, check=True, capture_output=True).stdout
    return sum(raw) / len(raw)


async def poster_of(client: httpx.AsyncClient, body: dict[str, Any], tmp_path: Path) -> tuple[bytes, dict[str, Any]]:
    """Fetch a result's poster (not made before this request) and check it is the stored JPEG."""
    assert body["poster_url"] == f"/api/mv/get_poster/{body['video_id']}"
    assert not services_of(client).storage.exists(f"jobs/{body['video_id']}/poster.jpg"), "the poster is made when first asked for"
    answer = await client.get(body["poster_url"])
    assert answer.status_code == 200 and answer.headers["content-type"] == "image/jpeg"
    assert answer.content.startswith(JPEG_MAGIC)
    stored = services_of(client).storage.path(f"jobs/{body['video_id']}/poster.jpg")
    assert stored.read_bytes() == answer.content
    path = tmp_path / f"{body['video_id']}.jpg"
    path.write_bytes(answer.content)
    return answer.content, ffprobe(path)["streams"][0]


async def test_a_generated_clip_has_a_poster(client: httpx.AsyncClient, tmp_path: Path) -> None:
    response = await client.post("/api/mv/generate_video?wait=30", json={"prompt": "a wide shot of the stage", "provider": "local"})
    assert response.status_code == 200, response.text
    _, stream = await poster_of(client, response.json(), tmp_path)
    assert (stream["codec_name"], stream["width"], stream["height"]) == ("mjpeg", 1280, 720)


async def test_a_stitched_video_has_a_poster_from_one_second_in(client: httpx.AsyncClient, media: MediaFactory, tmp_path: Path) -> None:
    services = services_of(client)
    ids = [await add_video(services, dark_then_bright(tmp_path)), await add_video(services, media.video(4.0, size="640x360"))]
    response = await client.post("/api/mv/stitch_video?wait=30", json={"video_ids": ids})
    assert response.status_code == 200, response.text
    jpeg, stream = await poster_of(client, response.json(), tmp_path)
    assert (stream["width"], stream["height"]) == (640, 360)
    assert brightness(jpeg) > 200, "the poster is not the black first frame"


async def test_a_video_shorter_than_a_second_still_gets_its_first_frame(client: httpx.AsyncClient, media: MediaFactory, tmp_path: Path) -> None:
    short = await add_video(services_of(client), media.video(0.5, size="640x360"))
    response = await client.post("/api/mv/stitch_video?wait=30", json={"video_ids": [short]})
    assert response.status_code == 200, response.text
    await poster_of(client, response.json(), tmp_path)


async def test_a_lipsync_result_has_a_poster(client: httpx.AsyncClient, media: MediaFactory, tmp_path: Path) -> None:
    services = services_of(client)
    video_id, audio_id = await add_video(services, flash_clip(tmp_path)), await add_audio(services, media.tone(10.0))
    response = await client.post("/api/mv/lipsync?wait=30", json={"video_id": video_id, "audio_id": audio_id, "start_time": 1.0})
    assert response.status_code == 200, response.text
    await poster_of(client, response.json(), tmp_path)


def counted(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Record every video a poster is made from (the real ffmpeg still runs)."""
    made: list[Path] = []
    real = posters.make_poster

    async def spy(video: Path, out: Path) -> bool:
        made.append(video)
        return await real(video, out)

    monkeypatch.setattr(posters, "make_poster", spy)
    return made


async def test_posters_are_mirrored_to_s3_beside_the_video(app_client: Any, s3_settings: dict[str, Any], media: MediaFactory) -> None:
    client = await app_client(**s3_settings)
    ids = [await add_video(services_of(client), media.video(4.0)) for _ in range(2)]
    body = (await client.post("/api/mv/stitch_video?wait=30", json={"video_ids": ids})).json()
    video_id, endpoint = body["video_id"], str(s3_settings["s3_endpoint_url"])
    assert s3_object(endpoint, f"mv/jobs/{video_id}/poster.jpg") is None and "poster" not in body["metadata"]["cloud_urls"]
    answer = await client.get(body["poster_url"])
    assert answer.status_code == 200 and answer.content.startswith(JPEG_MAGIC)
    stored = s3_object(endpoint, f"mv/jobs/{video_id}/poster.jpg")
    assert stored == answer.content == services_of(client).storage.path(f"jobs/{video_id}/poster.jpg").read_bytes()


async def test_many_requests_at_once_make_one_poster(client: httpx.AsyncClient, media: MediaFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    made = counted(monkeypatch)
    video_id = await add_video(services_of(client), media.video(4.0, size="640x360"))
    answers = await asyncio.gather(*(client.get(f"/api/mv/get_poster/{video_id}") for _ in range(6)))
    assert [a.status_code for a in answers] == [200] * 6 and len({a.content for a in answers}) == 1
    assert len(made) == 1
    asset = await services_of(client).assets.get(video_id)
    assert asset is not None and asset.info["poster_key"] == f"jobs/{video_id}/poster.jpg"


async def test_poster_route_errors(client: httpx.AsyncClient, media: MediaFactory) -> None:
    services = services_of(client)
    unknown = new_id()
    missing = await client.get(f"/api/mv/get_poster/{unknown}")
    assert missing.status_code == 404 and missing.json() == {"error": "NotFound", "detail": f"No video has the id {unknown}."}
    running = await add_video(services, media.video(4.0), status="running")
    pending = await client.get(f"/api/mv/get_poster/{running}")
    assert pending.status_code == 409 and pending.json()["error"] == "Conflict"
    assert not services.storage.exists(f"jobs/{running}/poster.jpg")
    assert (await client.get("/api/mv/get_poster/not-a-uuid")).status_code == 422


async def test_a_video_no_frame_can_be_read_from_answers_404_once_and_for_all(
    client: httpx.AsyncClient, media: MediaFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    made = counted(monkeypatch)
    video_id = await add_video(services_of(client), media.text("not a video", "unreadable.mp4"))
    for _ in range(2):
        answer = await client.get(f"/api/mv/get_poster/{video_id}")
        assert answer.status_code == 404
        assert answer.json()["detail"] == f"The video {video_id} has no poster: no frame of it could be read."
    assert len(made) == 1, "an unreadable video is not tried again on every request"
    assert not services_of(client).storage.exists(f"jobs/{video_id}/poster.jpg")

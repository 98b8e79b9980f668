"""`MV_MEDIA_BACKEND=s3`: the bucket is the only store; apps with their own empty media roots share nothing else."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from helpers_mv import ffprobe
from media import MediaFactory
from s3_bucket import s3_object


def files_under(root: Path, folder: str) -> list[str]:
    """Media files one process holds under a folder of its media root."""
    return sorted(str(p.relative_to(root)) for p in (root / folder).rglob("*") if p.is_file()) if (root / folder).exists() else []


@pytest.fixture
def s3_backend(s3_settings: dict[str, Any]) -> dict[str, Any]:
    return {**s3_settings, "mv_media_backend": "s3"}


async def upload_song(client: httpx.AsyncClient, song: Path) -> str:
    response = await client.post("/api/audio/upload", files={"file": ("song.mp3", song.read_bytes(), "audio/mpeg")})
    assert response.status_code == 200, response.text
    return str(response.json()["audio_id"])


async def upload_character(client: httpx.AsyncClient, image: Path) -> str:
    response = await client.post("/api/mv/upload_character_reference", files={"file": ("me.png", image.read_bytes(), "image/png")})
    assert response.status_code == 200, response.text
    return str(response.json()["images"][0]["id"])


async def test_two_apps_with_their_own_media_roots_share_only_the_bucket(
    app_client: Callable[..., Any], s3_backend: dict[str, Any], s3_server: str, media: MediaFactory, tmp_path: Path
) -> None:
    root_a, root_b, root_c = tmp_path / "media-a", tmp_path / "media-b", tmp_path / "media-c"
    a = await app_client(mv_media_root=root_a, **s3_backend)
    b = await app_client(mv_media_root=root_b, **s3_backend)

    audio_id = await upload_song(a, media.tone(20.0))
    image_id = await upload_character(a, media.image())
    assert s3_object(s3_server, f"mv/outputs/audio/{audio_id}.mp3")
    assert s3_object(s3_server, f"mv/outputs/character_reference/{image_id}.png")
    assert files_under(root_b, "audio") == [] and files_under(root_b, "character_reference") == []

    clip = await b.post("/api/mv/generate_video?wait=30", json={
        "prompt": "the singer under one light", "character_reference_id": image_id, "audio_id": audio_id,
        "start_time": 2.0, "end_time": 10.0, "provider": "local",
    })
    assert clip.status_code == 200, clip.text
    clip_id = clip.json()["video_id"]
    stitched = await b.post("/api/mv/stitch_video?wait=30", json={"video_ids": [clip_id, clip_id], "audio_id": audio_id})
    assert stitched.status_code == 200, stitched.text
    video_id = stitched.json()["video_id"]
    stored = s3_object(s3_server, f"mv/jobs/{video_id}/video.mp4")
    assert stored, "the stitched video is in the bucket"
    assert files_under(root_a, "jobs") == [], "the first app never saw the second one's files"

    whole = await a.get(f"/api/mv/get_video/{video_id}")
    assert whole.status_code == 200 and whole.content == stored
    assert whole.headers["content-type"] == "video/mp4" and whole.headers["accept-ranges"] == "bytes"
    part = await a.get(f"/api/mv/get_video/{video_id}", headers={"Range": "bytes=100-1099"})
    assert part.status_code == 206 and part.content == stored[100:1100]
    assert part.headers["content-range"] == f"bytes 100-1099/{len(stored)}"
    tail = await a.get(f"/api/mv/get_video/{video_id}", headers={"Range": "bytes=-500"})
    assert tail.status_code == 206 and tail.content == stored[-500:]
    beyond = await a.get(f"/api/mv/get_video/{video_id}", headers={"Range": f"bytes={len(stored) + 10}-"})
    assert beyond.status_code == 416 and beyond.json()["error"] == "RangeNotSatisfiable"
    assert files_under(root_a, "jobs") == [], "served by streaming from the bucket, not by copying to this disk"
    out = tmp_path / "served.mp4"
    out.write_bytes(whole.content)
    assert {s["codec_type"] for s in ffprobe(out)["streams"]} == {"video", "audio"}

    c = await app_client(mv_media_root=root_c, **s3_backend)
    song = s3_object(s3_server, f"mv/outputs/audio/{audio_id}.mp3")
    assert song
    audio = await c.get(f"/api/audio/get/{audio_id}", headers={"Range": "bytes=0-99"})
    assert audio.status_code == 206 and audio.content == song[:100] and audio.headers["content-type"] == "audio/mpeg"
    image = await c.get(f"/api/mv/get_character_reference/{image_id}")
    assert image.status_code == 200 and image.content == s3_object(s3_server, f"mv/outputs/character_reference/{image_id}.png")
    poster = await c.get(f"/api/mv/get_poster/{video_id}")
    assert poster.status_code == 200 and poster.content[:2] == b"\xff\xd8"
    assert files_under(root_c, "jobs") == []


async def test_a_file_missing_from_the_bucket_is_reported_not_served(
    app_client: Callable[..., Any], s3_backend: dict[str, Any], s3_server: str, media: MediaFactory, tmp_path: Path
) -> None:
    import boto3

    a = await app_client(mv_media_root=tmp_path / "a", **s3_backend)
    audio_id = await upload_song(a, media.tone(5.0))
    s3 = boto3.client("s3", endpoint_url=s3_server, region_name="us-east-1", aws_access_key_id="testing", aws_secret_access_key="testing")
    s3.delete_object(Bucket=s3_backend["storage_bucket"], Key=f"mv/outputs/audio/{audio_id}.mp3")
    b = await app_client(mv_media_root=tmp_path / "b", **s3_backend)
    response = await b.get(f"/api/audio/get/{audio_id}")
    assert response.status_code == 404 and set(response.json()) == {"error", "detail"}


def test_the_s3_backend_needs_a_bucket() -> None:
    from mv.core.settings import SettingsError, load_settings

    with pytest.raises(SettingsError, match="STORAGE_BUCKET"):
        load_settings(mv_media_backend="s3", storage_bucket=None, _env_file=None)

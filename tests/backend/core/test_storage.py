"""Media storage: local publish, S3 mirror on a real S3 server, S3-down fallback."""

from __future__ import annotations

import asyncio
import httpx
import pytest
from structlog.testing import capture_logs

from mv.core.ids import new_id
from mv.core.storage import MediaStorage, S3Mirror, s3_key_for, validate_key
from s3_bucket import BUCKET, s3_object


def mirror_for(settings: dict) -> S3Mirror:
    return S3Mirror(
        timeout=settings.get("mv_s3_timeout", 20.0),
        bucket=settings["storage_bucket"],
        region="us-east-1",
        endpoint_url=settings["s3_endpoint_url"],
        access_key="testing",
        secret_key="testing",
        expiry=600,
    )


def test_keys_are_server_shaped_only() -> None:
    ok = f"jobs/{new_id()}/video.mp4"
    assert validate_key(ok) == ok
    assert s3_key_for(ok) == f"mv/{ok}"
    audio = f"audio/{new_id()}.mp3"
    assert s3_key_for(audio) == f"mv/outputs/{audio}"
    for bad in ("../etc/passwd", "audio/../../x.mp3", "/abs/audio.mp3", "audio/name.mp3", f"audio/{new_id()}.mp3/../x"):
        with pytest.raises(ValueError):
            validate_key(bad)


async def test_publish_is_atomic_and_local(tmp_path) -> None:
    storage = MediaStorage(tmp_path / "media")
    key = f"audio/{new_id()}.mp3"
    with storage.workspace() as work:
        produced = work / "out.mp3"
        produced.write_bytes(b"ID3 data")
        storage.publish(produced, key)
        assert not produced.exists()
    assert storage.path(key).read_bytes() == b"ID3 data"
    assert list(storage.scratch.iterdir()) == []
    assert await storage.mirror(key) is None


async def test_mirror_uploads_and_presigns(tmp_path, s3_settings) -> None:
    storage = MediaStorage(tmp_path / "media", mirror_for(s3_settings))
    key = f"jobs/{new_id()}/video.mp4"
    storage.path(key).parent.mkdir(parents=True)
    storage.path(key).write_bytes(b"\x00\x00\x00\x18ftypmp42")
    s3_key = await storage.mirror(key)
    assert s3_key == f"mv/{key}"
    assert s3_object(s3_settings["s3_endpoint_url"], s3_key) == b"\x00\x00\x00\x18ftypmp42"
    url = await storage.presigned_url(s3_key)
    assert url and BUCKET in url and "Expires=" in url or "X-Amz-Expires" in url
    async with httpx.AsyncClient() as http:
        assert (await http.get(url)).content == b"\x00\x00\x00\x18ftypmp42"
    await storage.close()


async def test_s3_down_is_a_warning_and_local_copy_stays(tmp_path, s3_down_settings) -> None:
    storage = MediaStorage(tmp_path / "media", mirror_for(s3_down_settings))
    key = f"audio/{new_id()}.mp3"
    storage.path(key).parent.mkdir(parents=True)
    storage.path(key).write_bytes(b"ID3")
    with capture_logs() as logs:
        assert await storage.mirror(key) is None
    assert any(log["event"] == "s3_upload_failed" and log["log_level"] == "warning" for log in logs)
    assert storage.path(key).read_bytes() == b"ID3"
    await storage.close()


async def test_s3_latency_fires_the_timeout_and_the_loop_stays_free(tmp_path, s3_silent, s3_slow_settings) -> None:
    storage = MediaStorage(tmp_path / "media", mirror_for(s3_slow_settings))
    key = f"audio/{new_id()}.mp3"
    storage.path(key).parent.mkdir(parents=True)
    storage.path(key).write_bytes(b"ID3")
    ticks = 0

    async def tick() -> None:
        nonlocal ticks
        while True:
            await asyncio.sleep(0.02)
            ticks += 1

    ticker = asyncio.create_task(tick())
    with capture_logs() as logs:
        assert await asyncio.wait_for(storage.mirror(key), 20) is None
    ticker.cancel()
    failures = [log for log in logs if log["event"] == "s3_upload_failed"]
    assert failures and "Timeout" in failures[0]["error"]
    assert s3_silent.connections == 2, "one try and one retry, then the local copy"
    assert ticks >= 10, "the event loop kept running while S3 was silent"
    assert storage.path(key).read_bytes() == b"ID3"
    await storage.close()

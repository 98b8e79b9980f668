"""With `MV_MEDIA_BACKEND=s3` and the bucket out of reach, work fails with one clear error and the API keeps answering."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from helpers_mv import finish
from live import free_port
from media import MediaFactory
from s3_bucket import BUCKET

INTERNALS = ("127.0.0.1", "botocore", "Traceback", "Errno", "/tmp", "mv/outputs", "EndpointConnectionError")


@pytest.fixture
def own_s3() -> Iterator[tuple[Any, dict[str, Any]]]:
    """A moto server of this test's own, so the test can stop it."""
    import boto3
    from moto.server import ThreadedMotoServer

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="testing", aws_secret_access_key="testing").create_bucket(Bucket=BUCKET)
    settings = {
        "storage_bucket": BUCKET, "s3_endpoint_url": endpoint, "aws_access_key_id": "testing", "aws_secret_access_key": "testing",
        "aws_region": "us-east-1", "mv_media_backend": "s3", "mv_s3_timeout": 3.0,
    }
    stopped = [False]

    def stop() -> None:
        if not stopped[0]:
            server.stop()
            stopped[0] = True

    yield stop, settings
    stop()


def assert_clear(error: dict[str, Any]) -> None:
    assert set(error) == {"error", "detail"} and error["error"] == "StorageUnavailable", error
    assert "S3" in error["detail"] and not any(word in error["detail"] for word in INTERNALS), error["detail"]


async def healthy(client: httpx.AsyncClient) -> None:
    response = await client.get("/healthz")
    assert response.status_code == 200 and response.json()["status"] == "ok"


async def test_a_stopped_store_fails_jobs_clearly_and_the_api_keeps_answering(
    app_client: Callable[..., Any], own_s3: tuple[Any, dict[str, Any]], media: MediaFactory, tmp_path: Path
) -> None:
    stop, settings = own_s3
    a = await app_client(mv_media_root=tmp_path / "a", **settings)
    b = await app_client(mv_media_root=tmp_path / "b", **settings)
    image = await a.post("/api/mv/upload_character_reference", files={"file": ("me.png", media.image().read_bytes(), "image/png")})
    assert image.status_code == 200, image.text
    image_id = image.json()["images"][0]["id"]
    stop()

    # Writing: the clip renders (its input is in this process's cache) but cannot be stored.
    job = await a.post("/api/mv/generate_video?wait=0", json={"prompt": "a wide shot", "character_reference_id": image_id, "provider": "local"})
    assert job.status_code == 202, job.text
    failed = await finish(a, job.json()["job_id"], timeout=60)
    assert failed["status"] == "failed"
    assert_clear(failed["error"])
    await healthy(a)

    # Reading: another process has no copy to fall back on.
    job = await b.post("/api/mv/generate_video?wait=0", json={"prompt": "a wide shot", "character_reference_id": image_id, "provider": "local"})
    if job.status_code == 202:
        failed = await finish(b, job.json()["job_id"], timeout=60)
        assert failed["status"] == "failed"
        assert_clear(failed["error"])
    else:
        assert job.status_code == 503
        assert_clear(job.json())
    served = await b.get(f"/api/mv/get_character_reference/{image_id}")
    assert served.status_code == 503
    assert_clear(served.json())
    before = await b.app.state.services.assets.count()  # type: ignore[attr-defined]
    upload = await b.post("/api/audio/upload", files={"file": ("song.mp3", media.tone(5.0).read_bytes(), "audio/mpeg")})
    assert upload.status_code == 503
    assert_clear(upload.json())
    assert await b.app.state.services.assets.count() == before, "no asset row for a file the store never took"  # type: ignore[attr-defined]
    await healthy(b)


async def test_a_wrong_endpoint_is_the_same_clear_error(
    app_client: Callable[..., Any], s3_down_settings: dict[str, Any], media: MediaFactory, tmp_path: Path
) -> None:
    client = await app_client(mv_media_root=tmp_path / "a", mv_media_backend="s3", mv_s3_timeout=3.0, **s3_down_settings)
    await healthy(client)
    upload = await client.post("/api/mv/upload_character_reference", files={"file": ("me.png", media.image().read_bytes(), "image/png")})
    assert upload.status_code == 503
    assert_clear(upload.json())
    await healthy(client)

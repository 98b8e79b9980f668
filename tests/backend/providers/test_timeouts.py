"""Every request to Replicate is bounded by REPLICATE_TIMEOUT: a stalled transfer fails its attempt and is tried again."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from fake_replicate import Fault, FakeReplicate, replicate_settings
from helpers_mv import finish, standard_fake
from media import MediaFactory

VEO = "google/veo-3.1"
HANG_GUARD = 60.0
"""Far beyond the one-second timeout: only a request with no bound at all reaches it."""


@pytest.fixture
def fake(fake_replicate: FakeReplicate, media: MediaFactory) -> FakeReplicate:
    return standard_fake(fake_replicate, media)


@pytest.fixture
async def client(app_client: Callable[..., Any], fake: FakeReplicate) -> httpx.AsyncClient:
    return await app_client(**replicate_settings(fake, replicate_timeout=1.0))


async def _clip(client: httpx.AsyncClient, **body: Any) -> dict[str, Any]:
    answer = await client.post("/api/mv/generate_video?wait=0", json={"prompt": "Wide shot of the stage", **body})
    assert answer.status_code == 202, answer.text
    return await asyncio.wait_for(finish(client, answer.json()["job_id"], timeout=HANG_GUARD), HANG_GUARD)


async def test_a_stalled_upload_to_the_files_api_is_given_up_and_retried(
    client: httpx.AsyncClient, fake: FakeReplicate, media: MediaFactory
) -> None:
    with media.image(name="char_stall.png").open("rb") as fh:
        uploaded = await client.post("/api/mv/upload_character_reference", files={"file": ("c.png", fh, "image/png")})
    fake.inject("POST", "/v1/files", Fault(stall=10 * HANG_GUARD))
    job = await _clip(client, character_reference_id=uploaded.json()["images"][0]["id"])
    assert job["status"] == "succeeded", job
    uploads = [r for r in fake.requests if r.path == "/v1/files"]
    assert [r.status for r in uploads] == [0, 201], "the stalled attempt was abandoned and the next one stored the file"
    [url] = fake.creates(VEO)[0].body["input"]["reference_images"]
    assert url.rsplit("/", 1)[1] in fake.files


async def test_a_stalled_output_download_is_given_up_and_retried(client: httpx.AsyncClient, fake: FakeReplicate) -> None:
    fake.inject("GET", "/v1/files/video.mp4", Fault(stall=10 * HANG_GUARD))
    job = await _clip(client)
    assert job["status"] == "succeeded", job
    downloads = [r for r in fake.requests if r.path == "/v1/files/video.mp4"]
    assert [r.status for r in downloads] == [0, 200]


async def test_a_create_that_never_answers_is_given_up_at_the_timeout(client: httpx.AsyncClient, fake: FakeReplicate) -> None:
    fake.inject("POST", r"/v1/models/google/veo-3\.1/predictions", Fault(stall=10 * HANG_GUARD))
    job = await _clip(client)
    assert job["status"] == "succeeded", job
    attempts = [r for r in fake.requests if r.path == "/v1/models/google/veo-3.1/predictions"]
    assert [r.status for r in attempts] == [0, 201], "nothing was created by the stalled request, so it was sent again"


async def test_an_output_that_never_downloads_fails_the_job_with_a_clear_error(client: httpx.AsyncClient, fake: FakeReplicate) -> None:
    fake.inject("GET", "/v1/files/video.mp4", *[Fault(stall=10 * HANG_GUARD) for _ in range(4)])
    job = await _clip(client)
    assert job["status"] == "failed"
    assert job["error"] == {"error": "UpstreamError", "detail": "An output file could not be downloaded from Replicate after several tries."}
    assert len([r for r in fake.requests if r.path == "/v1/files/video.mp4"]) == 4, "bounded tries"

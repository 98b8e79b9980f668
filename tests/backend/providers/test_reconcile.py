"""Finding a create whose answer was lost never maps two steps to one prediction."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from fake_replicate import Fault, FakeReplicate, replicate_settings
from helpers_mv import finish, standard_fake
from media import MediaFactory

IMAGEN = "google/imagen-4"
CREATE = r"/v1/models/google/imagen-4/predictions"
BODY = {"character_description": "a drummer in a kilt", "num_images": 1}


@pytest.fixture
def fake(fake_replicate: FakeReplicate, media: MediaFactory) -> FakeReplicate:
    fake = standard_fake(fake_replicate, media)
    sizes = iter(range(500, 900, 20))

    def distinct_image(input: dict[str, Any], f: FakeReplicate) -> str:
        size = next(sizes)
        image = media.image(size=f"{size}x{size}", name=f"face_{size}.png")
        return f.add_output(image.name, image.read_bytes(), "image/png")

    fake.models[IMAGEN].output = distinct_image
    return fake


async def _until(condition: Callable[[], bool], seconds: float = 30.0) -> None:
    for _ in range(int(seconds / 0.02)):
        if condition():
            return
        await asyncio.sleep(0.02)
    raise AssertionError("the condition never held")


async def _images(client: httpx.AsyncClient, job: dict[str, Any]) -> list[bytes]:
    assert job["status"] == "succeeded", job
    return [(await client.get(image["url"])).content for image in job["result"]["images"]]


async def test_identical_creates_that_all_time_out_are_matched_one_to_one(app_client: Callable[..., Any], fake: FakeReplicate) -> None:
    client = await app_client(**replicate_settings(fake, replicate_timeout=2.0))
    fake.inject("POST", CREATE, *[Fault(delay=4.0) for _ in range(3)])
    answer = await client.post("/api/mv/generate_character_reference?wait=0", json={**BODY, "num_images": 3})
    job = await finish(client, answer.json()["job_id"])
    images = await _images(client, job)
    assert len(fake.creates(IMAGEN)) == 3, "each lost answer was found, none created again"
    assert len(set(job["result"]["metadata"]["prediction_ids"])) == 3
    assert len(images) == 3 and len(set(images)) == 3


async def test_a_lost_create_never_takes_an_identical_create_still_in_flight(app_client: Callable[..., Any], fake: FakeReplicate) -> None:
    client = await app_client(**replicate_settings(fake, replicate_timeout=2.0))
    # The first create is received but answered too late (its answer is lost at 2 s); a second, identical one
    # from another job is sent while the first is pending and answered at about 2.5 s, after the first
    # gave up and started looking for its prediction in the list (where the second one is the newest).
    fake.inject("POST", CREATE, Fault(delay=4.0), Fault(delay=1.5))
    first = await client.post("/api/mv/generate_character_reference?wait=0", json=BODY)
    await _until(lambda: len(fake.creates(IMAGEN)) == 1)
    await asyncio.sleep(1.0)
    second = await client.post("/api/mv/generate_character_reference?wait=0", json=BODY)
    jobs = await asyncio.gather(*(finish(client, a.json()["job_id"]) for a in (first, second)))
    images = [image for job in jobs for image in await _images(client, job)]
    ids = [job["result"]["metadata"]["prediction_ids"][0] for job in jobs]
    assert len(set(ids)) == 2, "two jobs were given one prediction"
    assert len(set(images)) == 2
    assert len(fake.creates(IMAGEN)) == 2

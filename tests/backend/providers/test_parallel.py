"""Clips run side by side: twenty requests are all in flight at once; the paid-prediction cap holds."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from fake_replicate import FakeReplicate, replicate_settings
from helpers_mv import finish, standard_fake
from media import MediaFactory

VEO = "google/veo-3.1"


async def _clips(client: Any, count: int) -> list[dict[str, Any]]:
    answers = await asyncio.gather(
        *(client.post("/api/mv/generate_video?wait=0", json={"prompt": f"Scene {i}"}) for i in range(count))
    )
    assert all(a.status_code == 202 for a in answers), [a.text for a in answers]
    return await asyncio.gather(*(finish(client, a.json()["job_id"]) for a in answers))


def _finished_at(fake: FakeReplicate, prediction_id: str) -> float:
    record = fake.predictions[prediction_id]
    return record["created"] + record["seconds"]


async def test_twenty_clips_are_all_in_flight_together(app_client: Callable[..., Any], fake_replicate: FakeReplicate, media: MediaFactory) -> None:
    fake = standard_fake(fake_replicate, media)
    fake.models[VEO].seconds = 4.0
    client = await app_client(**replicate_settings(fake))
    results = await _clips(client, 20)
    assert {r["status"] for r in results} == {"succeeded"}
    assert len({r["result"]["video_id"] for r in results}) == 20
    creates = sorted(r.at for r in fake.creates(VEO))
    first_done = min(_finished_at(fake, pid) for pid in fake.predictions)
    assert len(creates) == 20
    assert creates[-1] < first_done, "a clip waited for another one to finish before it started"


async def test_paid_predictions_respect_the_cap(app_client: Callable[..., Any], fake_replicate: FakeReplicate, media: MediaFactory) -> None:
    fake = standard_fake(fake_replicate, media)
    fake.models[VEO].seconds = 0.6
    client = await app_client(**replicate_settings(fake), mv_max_paid_jobs=2)
    await _clips(client, 4)
    creates = sorted(r.at for r in fake.creates(VEO))
    finishes = sorted(_finished_at(fake, pid) for pid in fake.predictions)
    assert len(creates) == 4
    assert creates[2] >= finishes[0], "a third prediction started while two were running"


async def test_a_replicate_that_answers_500_forever_fails_the_job_after_bounded_tries(
    app_client: Callable[..., Any], fake_replicate: FakeReplicate, media: MediaFactory
) -> None:
    from fake_replicate import Fault

    fake = standard_fake(fake_replicate, media)
    client = await app_client(**replicate_settings(fake))
    fake.inject("GET", r"/v1/predictions/[^/]+", *[Fault(500) for _ in range(50)])
    [job] = await _clips(client, 1)
    assert job["status"] == "failed"
    assert job["error"]["error"] == "UpstreamError" and "unreachable" in job["error"]["detail"]
    polls = [r for r in fake.gets() if r.path.startswith("/v1/predictions/")]
    assert 2 <= len(polls) <= 6, f"{len(polls)} polls: retries must be bounded"
    assert len(fake.creates(VEO)) == 1

"""The daily cap against the fake Replicate: refused before any create, nothing half-made; one spend line per prediction."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from fake_replicate import FakeReplicate, replicate_settings
from helpers_mv import finish, standard_fake
from media import MediaFactory

VEO, IMAGEN = "google/veo-3.1", "google/imagen-4"


@pytest.fixture
def fake(fake_replicate: FakeReplicate, media: MediaFactory) -> FakeReplicate:
    return standard_fake(fake_replicate, media)



async def test_a_clip_that_would_pass_the_cap_is_refused_before_any_create(app_client: Callable[..., Any], fake: FakeReplicate) -> None:
    client = await app_client(**replicate_settings(fake), mv_max_spend_usd_per_day=1.9)
    first = await client.post("/api/mv/generate_video?wait=20", json={"prompt": "Wide shot of the stage"})
    assert first.status_code == 200, first.text  # $1.60 of $1.90
    jobs_before = await client.app.state.services.jobs.count()  # type: ignore[attr-defined]
    refused = await client.post("/api/mv/generate_video?wait=20", json={"prompt": "Close-up of the singer"})
    assert refused.status_code == 402
    body = refused.json()
    assert body["error"] == "SpendCapReached"
    assert "$1.90" in body["detail"] and "$0.30 is left" in body["detail"] and "$1.60" in body["detail"]
    assert len(fake.creates(VEO)) == 1  # the fake saw no second create
    assert await client.app.state.services.jobs.count() == jobs_before  # type: ignore[attr-defined]
    today = (await client.get("/api/mv/spend/today")).json()
    assert today == {"spent_usd": 1.6, "cap_usd_per_day": 1.9, "left_usd": 0.3}
    images = await client.post("/api/mv/generate_character_reference?wait=20", json={"character_description": "a bassist", "num_images": 4})
    assert images.status_code == 200, images.text  # 4 x $0.04 fits in what is left; $0.14 remains
    too_many = await client.post("/api/mv/generate_character_reference?wait=20", json={"character_description": "a bassist", "num_images": 4})
    assert too_many.status_code == 402 and len(fake.creates(IMAGEN)) == 4


async def test_drafts_are_never_refused_by_the_cap(app_client: Callable[..., Any], fake: FakeReplicate) -> None:
    client = await app_client(**replicate_settings(fake), mv_max_spend_usd_per_day=0.0)
    draft = await client.post("/api/mv/generate_video?wait=30", json={"prompt": "Wide shot", "provider": "local"})
    assert draft.status_code == 200, draft.text
    paid = await client.post("/api/mv/create_scenes?wait=20", json={"idea": "a last show", "character_description": "a singer"})
    assert paid.status_code == 402 and "$0.00 is left" in paid.json()["detail"] and fake.creates() == []


async def test_concurrent_paid_requests_cannot_both_pass_the_cap(app_client: Callable[..., Any], fake: FakeReplicate) -> None:
    client = await app_client(**replicate_settings(fake), mv_max_spend_usd_per_day=2.0)
    answers = await asyncio.gather(*(client.post("/api/mv/generate_video?wait=0", json={"prompt": f"Shot {i}"}) for i in range(3)))
    assert sorted(a.status_code for a in answers) == [202, 402, 402]
    accepted = next(a for a in answers if a.status_code == 202)
    assert (await finish(client, accepted.json()["job_id"]))["status"] == "succeeded"
    assert len(fake.creates(VEO)) == 1


async def test_each_finished_prediction_is_one_spend_line_with_its_predict_time(app_client: Callable[..., Any], fake: FakeReplicate) -> None:
    client = await app_client(**replicate_settings(fake))
    clip = await client.post("/api/mv/generate_video?wait=20", json={"prompt": "Wide shot of the stage", "config_flavor": "mv1"})
    images = await client.post("/api/mv/generate_character_reference?wait=20", json={"character_description": "a drummer", "num_images": 2})
    assert clip.status_code == 200 and images.status_code == 200, (clip.text, images.text)
    clip_job = clip.json()["video_id"]
    image_job = (await client.app.state.services.assets.get(images.json()["images"][0]["id"])).job_id  # type: ignore[attr-defined]
    report = (await client.get(f"/api/mv/spend?job_ids={clip_job},{image_job}")).json()
    lines = report["lines"]
    assert sorted((l["step"], l["model"], l["usd"]) for l in lines) == [("clip", VEO, 1.6), ("image_0", IMAGEN, 0.04), ("image_1", IMAGEN, 0.04)]
    assert all(l["seconds"] == pytest.approx(0.2) for l in lines)  # the fake reports predict_time = its run time
    assert {l["prediction_id"] for l in lines} == set(fake.predictions)
    assert report["total_usd"] == pytest.approx(1.68)
    from mv.spend.service import total_for_jobs

    assert await total_for_jobs(client.app.state.services, [clip_job]) == pytest.approx(1.6)  # type: ignore[attr-defined]
    assert (await client.get("/api/mv/spend?job_ids=nope")).status_code == 400

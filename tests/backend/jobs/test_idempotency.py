"""An Idempotency-Key makes a repeated request return the first request's job instead of starting another (on each engine)."""

from __future__ import annotations

import asyncio

import pytest


@pytest.fixture
async def client(app_client, database_url: str):
    """An app whose store runs on the engine under test (on PostgreSQL with a queue worker beside it)."""
    client = await app_client(mv_database_url=database_url)
    runner = client.app.state.services.runner
    worker = None if runner.executes_here else asyncio.create_task(runner.serve())
    yield client
    if worker is not None:
        runner.stop()
        await asyncio.wait_for(worker, 30)


async def test_repeated_key_returns_the_same_job(client) -> None:
    body = {"prompt": "The singer walks on stage.", "provider": "local"}
    headers = {"Idempotency-Key": "clip-scene-1-attempt-1"}
    first = await client.post("/api/mv/generate_video?wait=0", json=body, headers=headers)
    assert first.status_code == 202
    again = await client.post("/api/mv/generate_video?wait=30", json=body, headers=headers)
    assert again.status_code == 200
    job = (await client.get(first.json()["status_url"])).json()
    assert job["status"] == "succeeded" and job["result"]["video_id"] == again.json()["video_id"]
    other = await client.post("/api/mv/generate_video?wait=30", json=body, headers={"Idempotency-Key": "clip-scene-1-attempt-2"})
    assert other.status_code == 200 and other.json()["video_id"] != again.json()["video_id"]


async def test_concurrent_repeats_start_one_job(client) -> None:
    body = {"idea": "a rooftop show", "character_description": "a singer in a green coat"}
    headers = {"Idempotency-Key": "scenes-attempt-7"}
    answers = await asyncio.gather(*(client.post("/api/mv/create_scenes?wait=0", json=body, headers=headers) for _ in range(5)))
    job_ids = {a.json().get("job_id") for a in answers if a.status_code == 202}
    assert len(job_ids) <= 1
    final = (await client.post("/api/mv/create_scenes?wait=30", json=body, headers=headers)).json()
    assert len(final["scenes"]) == 4
    assert await client.app.state.services.jobs.by_idempotency_key("scenes-attempt-7") is not None
    assert await client.app.state.services.jobs.count("create_scenes") == 1


async def test_bad_keys_are_422(client) -> None:
    response = await client.post("/api/mv/stitch_video", json={"video_ids": []}, headers={"Idempotency-Key": "bad key!"})
    assert response.status_code == 422


async def test_a_key_reused_for_another_request_is_refused(client) -> None:
    headers = {"Idempotency-Key": "reused-key-123"}
    first = await client.post("/api/mv/create_scenes?wait=0", json={"idea": "one", "character_description": "a"}, headers=headers)
    assert first.status_code in (200, 202)
    other = await client.post("/api/mv/create_scenes?wait=0", json={"idea": "two", "character_description": "a"}, headers=headers)
    assert other.status_code == 422 and other.json()["error"] == "IdempotencyKeyReused"
    elsewhere = await client.post("/api/mv/generate_video?wait=0", json={"prompt": "one"}, headers=headers)
    assert elsewhere.status_code == 422

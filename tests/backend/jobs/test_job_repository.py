"""The job repository on each engine: every method, JSON columns kept exactly, idempotency keys unique."""

from __future__ import annotations

import pytest
from sqlalchemy.exc import IntegrityError

from mv.core.db import Store
from mv.core.ids import new_id
from mv.jobs.repository import JobRepository

REQUEST = {"prompt": "Wide shot — ♫", "duration": 8.5, "scenes": [{"i": 0}, {"i": 1}], "lipsync": None}


async def test_insert_and_get_keep_every_field(store: Store) -> None:
    repo = JobRepository(store)
    job = await repo.insert(new_id(), "generate_video", REQUEST, ("clip-1-attempt-1", "f" * 64))
    stored = await repo.get(job.id)
    assert stored == job
    assert (stored.status, stored.progress, stored.attempts, stored.message) == ("queued", 0.0, 0, None)
    assert stored.request == REQUEST and stored.state == {} and stored.result is None and stored.error is None
    assert (stored.idempotency_key, stored.request_hash) == ("clip-1-attempt-1", "f" * 64)
    assert await repo.get(new_id()) is None


async def test_each_attempt_is_counted_and_a_finished_job_is_never_started_again(store: Store) -> None:
    repo = JobRepository(store)
    job = await repo.insert(new_id(), "demo", {})
    first = await repo.begin_attempt(job.id)
    assert first is not None and (first.status, first.attempts) == ("running", 1)
    again = await repo.begin_attempt(job.id)
    assert again is not None and again.attempts == 2, "a job picked up again after its worker died"
    await repo.update(job.id, status="succeeded")
    assert await repo.begin_attempt(job.id) is None
    stored = await repo.get(job.id)
    assert stored is not None and (stored.status, stored.attempts) == ("succeeded", 2)
    assert await repo.begin_attempt(new_id()) is None


async def test_update_sets_json_columns_and_merges_state(store: Store) -> None:
    repo = JobRepository(store)
    job = await repo.insert(new_id(), "demo", {})
    await repo.update(job.id, state_patch={"prediction_id": "p-1", "step": 1})
    running = await repo.update(job.id, status="running", attempts=1, progress=0.25, message="rendering", state_patch={"step": 2})
    assert running.state == {"prediction_id": "p-1", "step": 2}
    assert (running.status, running.attempts, running.progress, running.message) == ("running", 1, 0.25, "rendering")
    failed = await repo.update(job.id, status="failed", error={"error": "Conflict", "detail": "Not ready."}, message=None)
    assert failed.error == {"error": "Conflict", "detail": "Not ready."} and failed.message is None and failed.state["step"] == 2
    done = await repo.update(job.id, status="succeeded", error=None, result={"video_id": "v", "scenes": [1, 2]}, progress=1.0)
    assert done.error is None and done.result == {"video_id": "v", "scenes": [1, 2]}
    assert await repo.get(job.id) == done
    with pytest.raises(ValueError, match="unknown job columns"):
        await repo.update(job.id, colour="red")


async def test_unfinished_lists_queued_and_running_oldest_first_and_count_filters_by_kind(store: Store) -> None:
    repo = JobRepository(store)
    made = [await repo.insert(new_id(), "demo", {"n": n}) for n in range(5)]
    await repo.update(made[1].id, status="running")
    await repo.update(made[2].id, status="succeeded")
    await repo.update(made[3].id, status="failed")
    await repo.update(made[4].id, status="canceled")
    assert [j.id for j in await repo.unfinished()] == [made[0].id, made[1].id]
    await repo.insert(new_id(), "other", {})
    assert (await repo.count(), await repo.count("demo"), await repo.count("other"), await repo.count("none")) == (6, 5, 1, 0)


async def test_an_idempotency_key_belongs_to_one_job(store: Store) -> None:
    repo = JobRepository(store)
    job = await repo.insert(new_id(), "create_scenes", {}, ("scenes-attempt-7", "hash-a"))
    await repo.insert(new_id(), "create_scenes", {})
    await repo.insert(new_id(), "create_scenes", {})
    assert (await repo.by_idempotency_key("scenes-attempt-7")).id == job.id
    assert await repo.by_idempotency_key("scenes-attempt-8") is None
    with pytest.raises(IntegrityError):
        await repo.insert(new_id(), "create_scenes", {}, ("scenes-attempt-7", "hash-b"))
    assert (await repo.by_idempotency_key("scenes-attempt-7")).request_hash == "hash-a"

"""The spend ledger on each engine: reservations against the 24 h cap, atomic under concurrency; prediction lines."""

from __future__ import annotations

import asyncio
import time

import pytest

from mv.core.db import Store
from mv.core.ids import new_id
from mv.spend.repository import DAY, CapExceeded, SpendRepository


async def test_reservations_count_for_24_hours_and_the_cap_refuses_what_would_pass_it(store: Store) -> None:
    repo = SpendRepository(store)
    now = time.time()
    await repo.reserve(new_id(), [("clip", "google/veo-3.1", 1.6)], cap=None, now=now - DAY - 60)  # older than a day
    total = await repo.reserve(new_id(), [("clip", "google/veo-3.1", 1.6), ("image_0", "google/imagen-4", 0.04)], cap=2.0, now=now)
    assert total == pytest.approx(1.64)
    assert await repo.reserved_since(now - DAY) == pytest.approx(1.64)
    with pytest.raises(CapExceeded) as refused:
        await repo.reserve(new_id(), [("clip", "google/veo-3.1", 0.4)], cap=2.0, now=now)
    assert refused.value.spent == pytest.approx(1.64)
    assert await repo.reserved_since(now - DAY) == pytest.approx(1.64)  # the refused request left no row
    assert await repo.reserve(new_id(), [("image_0", "google/imagen-4", 0.36)], cap=2.0, now=now) == pytest.approx(2.0)


async def test_two_concurrent_reservations_cannot_both_pass_on_one_remainder(store: Store) -> None:
    repo = SpendRepository(store)
    outcomes = await asyncio.gather(
        *(repo.reserve(new_id(), [("clip", "google/veo-3.1", 1.6)], cap=2.0) for _ in range(4)), return_exceptions=True
    )
    assert sum(not isinstance(o, BaseException) for o in outcomes) == 1
    assert all(isinstance(o, CapExceeded) for o in outcomes if isinstance(o, BaseException))
    assert await repo.reserved_since(time.time() - DAY) == pytest.approx(1.6)


async def test_two_stores_on_one_database_share_the_cap(store: Store) -> None:
    other = Store(store.url)
    try:
        first, second = SpendRepository(store), SpendRepository(other)
        outcomes = await asyncio.gather(
            first.reserve(new_id(), [("clip", "m/a", 1.5)], cap=2.0), second.reserve(new_id(), [("clip", "m/a", 1.5)], cap=2.0),
            return_exceptions=True,
        )
        assert sorted(type(o).__name__ for o in outcomes) == ["CapExceeded", "float"]
    finally:
        await other.close()


async def test_prediction_lines_once_per_prediction_and_per_job(store: Store) -> None:
    repo = SpendRepository(store)
    job_a, job_b = new_id(), new_id()
    await repo.reserve(job_a, [("clip", "google/veo-3.1", 1.6)], cap=None)
    await repo.record_prediction(job_a, "clip", "google/veo-3.1", "p1", 74.5, 1.6)
    await repo.record_prediction(job_a, "clip", "google/veo-3.1", "p1", 74.5, 1.6)  # a resumed job reports it again
    await repo.record_prediction(job_b, "image_0", "google/imagen-4", "p2", None, 0.04)
    lines = await repo.lines([job_a])
    assert [(l.step, l.model, l.prediction_id, l.seconds, l.usd) for l in lines] == [("clip", "google/veo-3.1", "p1", 74.5, 1.6)]
    assert [l.prediction_id for l in await repo.lines([job_a, job_b])] == ["p1", "p2"]
    assert await repo.lines([new_id()]) == [] and await repo.lines([]) == []
    assert await repo.reserved_since(0) == pytest.approx(1.6)  # prediction lines are not reservations

"""Limits shared by every process on PostgreSQL: per-client rate limits and Replicate's request budget."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable

import pytest

from mv.core.db import Store
from mv.core.db.buckets import SharedBuckets
from mv.providers.replicate.pacing import CREATE_BURST, CREATE_BUDGET_PER_SECOND, GET_BUDGET_PER_SECOND, Clock, budgets

SCENES = {"idea": "a rooftop show", "character_description": "a singer in a green coat"}


@pytest.fixture
async def two_stores(new_database: Callable[[str], str]) -> AsyncIterator[tuple[Store, Store]]:
    """Two stores on one PostgreSQL database, as two processes would hold them."""
    url = new_database("postgresql")
    stores = (Store(url), Store(url))
    for store in stores:
        await store.open()
    yield stores
    for store in stores:
        await store.close()


async def test_a_bucket_hands_out_its_tokens_once_across_processes(two_stores: tuple[Store, Store]) -> None:
    buckets = [SharedBuckets(store) for store in two_stores]
    waits = await asyncio.gather(*(buckets[i % 2].take("paid:203.0.113.9", 5, 5 / 60) for i in range(20)))
    assert sum(1 for wait in waits if wait == 0) == 5, waits
    assert max(waits) <= 12 and sorted(waits)[5] > 6, "one token comes back every 12 s"
    assert await buckets[0].take("paid:203.0.113.10", 5, 5 / 60) == 0, "each client has a bucket of its own"


async def test_paced_slots_are_spaced_across_processes(two_stores: tuple[Store, Store]) -> None:
    buckets = [SharedBuckets(store) for store in two_stores]

    async def reserve(i: int) -> float:
        delay = await buckets[i % 2].slot("reads", 10.0)
        return time.monotonic() + delay

    started = time.monotonic()
    slots = sorted(await asyncio.gather(*(reserve(i) for i in range(10))))
    assert slots[-1] - started >= 89, "ten requests fit in less than ten slots"
    assert all(8 < b - a < 12 for a, b in zip(slots, slots[1:])), f"two requests were given one slot: {slots}"


async def test_replicate_budgets_hold_for_two_processes_together(two_stores: tuple[Store, Store]) -> None:
    clock = Clock()
    pairs = [budgets("r8_one_account", clock, SharedBuckets(store)) for store in two_stores]
    started = time.monotonic()
    await asyncio.gather(*(pairs[i % 2][0].wait() for i in range(80)))
    reads = time.monotonic() - started
    assert reads >= 79 / GET_BUDGET_PER_SECOND * 0.95, f"80 reads from two processes took {reads:.2f} s"
    started = time.monotonic()
    count = int(CREATE_BURST) + 18
    await asyncio.gather(*(pairs[i % 2][1].wait() for i in range(count)))
    creates = time.monotonic() - started
    assert creates >= 18 / CREATE_BUDGET_PER_SECOND * 0.95, f"{count} creates from two processes took {creates:.2f} s"
    other = budgets("r8_other_account", clock, SharedBuckets(two_stores[0]))
    started = time.monotonic()
    await asyncio.gather(*(other[1].wait() for _ in range(int(CREATE_BURST))))
    spent = time.monotonic() - started
    assert spent < CREATE_BURST / CREATE_BUDGET_PER_SECOND / 2, f"{spent:.2f} s: another account has a budget of its own (a shared one is empty now)"


async def test_the_paid_limit_counts_requests_to_every_api_process(app_client, new_database: Callable[[str], str]) -> None:
    url = new_database("postgresql")
    first, second = [await app_client(mv_database_url=url, mv_rate_limit_per_minute=3) for _ in range(2)]
    for client in (first, second):
        client._transport.client = ("203.0.113.77", 40000)  # type: ignore[attr-defined]
    answers = [await client.post("/api/mv/create_scenes?wait=0", json=SCENES) for client in (first, second, first)]
    assert [a.status_code for a in answers] == [202, 202, 202], [a.text for a in answers]
    refused = await second.post("/api/mv/create_scenes?wait=0", json=SCENES)
    assert refused.status_code == 429 and 15 <= int(refused.headers["retry-after"]) <= 20, "3 a minute: one back every 20 s"

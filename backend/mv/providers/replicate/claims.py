"""Which prediction belongs to which step, so that finding an uncertain create never takes another step's prediction."""

from __future__ import annotations

import asyncio
import json
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from typing import Any

from mv.jobs.runner import JobContext
from mv.jobs.schemas import Job

STATE_PREFIX = "replicate_"
"""Job state keys under which each step keeps its prediction (`replicate_<step>`: model, input, marker, id)."""
REMEMBER_SECONDS = 2 * 3600.0


def fingerprint(ref: str, input: dict[str, Any]) -> str:
    """What makes two creates indistinguishable in Replicate's prediction list: model and input."""
    return ref + "\n" + json.dumps(input, sort_keys=True, default=str)


def step_ids(state: dict[str, Any], skip: str | None = None) -> set[str]:
    """The prediction ids recorded in a job's state, except the step `skip`."""
    return {
        str(value["id"]) for key, value in state.items()
        if key.startswith(STATE_PREFIX) and key != skip and isinstance(value, dict) and value.get("id")
    }


def owner_of(ctx: JobContext, key: str) -> str:
    """Who a claim belongs to: one step of one job (a step run again after a lost checkpoint finds its own prediction)."""
    return f"{ctx.id}:{key}"


class Claims:
    """Prediction ids taken by steps (this process's, this job's, other unfinished jobs'), and creates still in flight.

    Reconciling holds `lock` from listing to claiming, and first waits until no identical create of this
    process is in flight, so an answer still on its way is never taken for a lost one.
    """

    def __init__(self, unfinished_jobs: Callable[[], Awaitable[list[Job]]] | None = None) -> None:
        self.lock = asyncio.Lock()
        self._unfinished_jobs = unfinished_jobs
        self._claimed: dict[str, tuple[float, str | None]] = {}
        self._in_flight: Counter[str] = Counter()
        self._idle: dict[str, asyncio.Event] = {}

    def claim(self, prediction_id: str, owner: str | None = None) -> None:
        """Record that a step (`owner`: job id and step key) owns `prediction_id`."""
        now = time.monotonic()
        self._claimed[prediction_id] = (now, owner)
        if len(self._claimed) > 10_000:
            self._claimed = {k: v for k, v in self._claimed.items() if now - v[0] < REMEMBER_SECONDS}

    def begin_create(self, key: str) -> None:
        """A create with this fingerprint is being sent."""
        self._in_flight[key] += 1
        self._idle.setdefault(key, asyncio.Event())

    def end_create(self, key: str, prediction_id: str | None, owner: str | None = None) -> None:
        """That create is over; `prediction_id` is claimed (for `owner`) at the same moment when it was answered."""
        if prediction_id:
            self.claim(prediction_id, owner)
        self._in_flight[key] -= 1
        if self._in_flight[key] <= 0:
            del self._in_flight[key]
            self._idle.pop(key).set()

    async def settled(self, key: str, timeout: float) -> None:
        """Wait (at most `timeout` seconds) until no create with this fingerprint is in flight."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while (event := self._idle.get(key)) is not None and loop.time() < deadline:
            try:
                await asyncio.wait_for(event.wait(), max(0.0, deadline - loop.time()))
            except TimeoutError:
                return

    async def taken(self, ctx: JobContext, key: str) -> set[str]:
        """Every prediction id another step owns: claimed here, in this job's state, or in another unfinished job's."""
        mine = owner_of(ctx, key)
        ids = {pid for pid, (_, owner) in self._claimed.items() if owner != mine} | step_ids(ctx.state, skip=key)
        if self._unfinished_jobs is not None:
            for job in await self._unfinished_jobs():
                if job.id != ctx.id:
                    ids |= step_ids(job.state)
        return ids

"""Property test of the job state machine: whatever handlers do, every job ends in the state its outcome dictates."""

from __future__ import annotations

import asyncio

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mv.core.db import Store
from mv.core.errors import Conflict, UpstreamError
from mv.jobs.repository import JobRepository
from mv.jobs.runner import JobContext, JobRunner

OUTCOMES = st.sampled_from(["ok", "conflict", "upstream", "crash", "disk_full"])
EXPECTED = {"ok": ("succeeded", None), "conflict": ("failed", "Conflict"), "upstream": ("failed", "UpstreamError"),
            "crash": ("failed", "InternalError"), "disk_full": ("failed", "InsufficientStorage")}


async def _play(database_url: str, plan: list[tuple[str, list[float]]]) -> None:
    store = Store(database_url)
    try:
        runner = JobRunner(JobRepository(store), concurrency=3)
        seen: dict[str, list[str]] = {}

        async def handler(ctx: JobContext) -> dict:
            seen.setdefault(ctx.id, []).append((await runner.repo.get(ctx.id)).status)
            for fraction in ctx.request["progress"]:
                await ctx.progress(fraction)
                await asyncio.sleep(0)
            outcome = ctx.request["outcome"]
            if outcome == "conflict":
                raise Conflict("not ready")
            if outcome == "upstream":
                raise UpstreamError("model failed")
            if outcome == "crash":
                raise RuntimeError("bug")
            if outcome == "disk_full":
                raise OSError(28, "No space left on device")
            return {"n": len(ctx.request["progress"])}

        runner.register("play", handler)
        jobs = [await runner.submit("play", {"outcome": outcome, "progress": progress}) for outcome, progress in plan]
        finished = [await runner.wait(job.id, 10) for job in jobs]
        for (outcome, _), job in zip(plan, finished, strict=True):
            status, error = EXPECTED[outcome]
            assert job.status == status
            assert (job.error or {}).get("error") == error
            assert 0.0 <= job.progress <= 1.0
            assert job.attempts == 1
            assert seen[job.id] == ["running"]
            if status == "succeeded":
                assert job.progress == 1.0 and job.result is not None
        assert await runner.repo.unfinished() == []
    finally:
        await store.close()


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(OUTCOMES, st.lists(st.floats(min_value=-5, max_value=5, allow_nan=False), max_size=4)), min_size=1, max_size=8))
def test_every_job_ends_where_its_outcome_says(database_url: str, plan: list[tuple[str, list[float]]]) -> None:
    asyncio.run(_play(database_url, plan))

"""The job runner on each engine: results, errors, waiting, restarts."""

from __future__ import annotations

import asyncio

from mv.core.db import Store
from mv.core.errors import Conflict
from mv.jobs.repository import JobRepository
from mv.jobs.runner import JobContext, JobRunner


async def test_success_failure_and_crash_are_recorded(store: Store) -> None:
    runner = JobRunner(JobRepository(store))

    async def ok(ctx: JobContext) -> dict:
        await ctx.progress(0.5, "half")
        return {"double": ctx.request["n"] * 2}

    async def refuse(ctx: JobContext) -> dict:
        raise Conflict("That clip is not ready.")

    async def crash(ctx: JobContext) -> dict:
        raise RuntimeError("/internal/path")

    for kind, handler in (("ok", ok), ("refuse", refuse), ("crash", crash)):
        runner.register(kind, handler)
    jobs = [await runner.submit(kind, {"n": 21}) for kind in ("ok", "refuse", "crash")]
    done = [await runner.wait(job.id, 5) for job in jobs]
    assert done[0].status == "succeeded" and done[0].result == {"double": 42} and done[0].progress == 1.0
    assert done[1].status == "failed" and done[1].error == {"error": "Conflict", "detail": "That clip is not ready."}
    assert done[2].status == "failed" and done[2].error["error"] == "InternalError"
    assert "/internal" not in str(done[2].error)


async def test_unfinished_jobs_resume_after_a_restart(database_url: str) -> None:
    first = JobRunner(JobRepository(Store(database_url)))
    started = asyncio.Event()

    async def slow(ctx: JobContext) -> dict:
        await ctx.checkpoint(step=1)
        started.set()
        await asyncio.sleep(60)
        return {}

    first.register("work", slow)
    job = await first.submit("work", {})
    await started.wait()
    await first.shutdown()
    assert (await first.repo.get(job.id)).status == "running"
    await first.repo.store.close()

    second = JobRunner(JobRepository(Store(database_url)))
    seen: list[dict] = []

    async def resume(ctx: JobContext) -> dict:
        seen.append(dict(ctx.state))
        return {"resumed": True}

    second.register("work", resume)
    assert await second.resume() == 1
    done = await second.wait(job.id, 5)
    assert done.status == "succeeded" and done.result == {"resumed": True}
    assert seen == [{"step": 1}] and done.attempts == 2
    await second.repo.store.close()


async def test_wait_returns_early_for_slow_jobs(store: Store) -> None:
    runner = JobRunner(JobRepository(store))
    release = asyncio.Event()

    async def gated(ctx: JobContext) -> dict:
        await release.wait()
        return {"ok": True}

    runner.register("gated", gated)
    job = await runner.submit("gated", {})
    pending = await runner.wait(job.id, 0.05)
    assert pending.status in ("queued", "running")
    release.set()
    assert (await runner.wait(job.id, 5)).status == "succeeded"
    await runner.shutdown()


async def test_shutdown_stops_a_job_that_ignores_the_first_cancel(store: Store) -> None:
    runner = JobRunner(JobRepository(store))
    started, stubborn = asyncio.Event(), []

    async def stubborn_handler(ctx: JobContext) -> dict:
        started.set()
        try:
            await asyncio.sleep(60)
        except asyncio.CancelledError:
            stubborn.append("ignored")
        await asyncio.sleep(60)
        return {}

    runner.register("stubborn", stubborn_handler)
    job = await runner.submit("stubborn", {})
    await started.wait()
    await asyncio.wait_for(runner.shutdown(grace=5), 10)
    assert stubborn == ["ignored"] and runner._tasks == {}
    assert (await runner.repo.get(job.id)).status == "running", "the row stays unfinished and resumes on the next start"
    late = await runner.submit("stubborn", {})
    await asyncio.sleep(0.1)
    assert (await runner.repo.get(late.id)).status == "queued" and runner._tasks == {}, "a job submitted during shutdown waits for the next start"

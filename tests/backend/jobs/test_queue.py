"""Jobs on Procrastinate (PostgreSQL): the row and its task commit together; a worker runs it; every process hears it."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable

import psycopg
import pytest

from live import start_worker

from mv.core.db import Store
from mv.jobs.queue import QueuedJobRunner, WorkerTimes
from mv.jobs.repository import JobRepository
from mv.jobs.runner import JobContext


class Boom(Exception):
    """Raised to roll a transaction back."""


def _tasks(url: str) -> list[tuple[str, str]]:
    with psycopg.connect(url) as conn:
        return [(r[0], r[1]["job_id"]) for r in conn.execute("SELECT status, args FROM procrastinate_jobs ORDER BY id")]


async def _double(ctx: JobContext) -> dict:
    for step in (0.25, 0.5, 0.75):
        await ctx.progress(step, "on the way")
    return {"double": ctx.request["n"] * 2}


@pytest.fixture
async def pg_url(new_database: Callable[[str], str]) -> str:
    return new_database("postgresql")


@contextlib.asynccontextmanager
async def _runner(url: str, *, serve: bool = False) -> AsyncIterator[QueuedJobRunner]:
    store = Store(url)
    runner = QueuedJobRunner(JobRepository(store), 4, WorkerTimes(stalled=2, shutdown=1, poll=0.5))
    runner.register("double", _double)
    await store.open()
    serving = asyncio.create_task(runner.serve()) if serve else None
    try:
        yield runner
    finally:
        runner.stop()
        if serving is not None:
            await asyncio.wait_for(serving, 15)
        await runner.shutdown()
        await store.close()


async def test_a_job_row_and_its_task_commit_or_roll_back_together(pg_url: str) -> None:
    async with _runner(pg_url) as runner:
        job = await runner.submit("double", {"n": 2})
        assert _tasks(pg_url) == [("todo", job.id)]
        with pytest.raises(Boom):
            async with runner.repo.store.transaction():
                lost = await runner.submit("double", {"n": 3})
                raise Boom
        assert await runner.repo.get(lost.id) is None
        assert _tasks(pg_url) == [("todo", job.id)], "the rolled-back job left a task behind"
        assert not runner.executes_here and (await runner.repo.get(job.id)).status == "queued", "the API process ran the job"


async def test_a_worker_runs_the_job_and_another_process_hears_every_change(pg_url: str) -> None:
    async with _runner(pg_url) as api, _runner(pg_url, serve=True):
        await api.start()
        async with api.subscribe() as changes:
            job = await api.submit("double", {"n": 21})
            done = await api.wait(job.id, 20)
            assert done is not None and done.status == "succeeded" and done.result == {"double": 42}
            seen = []
            while not any(j.id == job.id and j.status == "succeeded" for j in seen):
                seen.append(await asyncio.wait_for(changes.get(), 20))
        statuses = [(j.status, j.progress) for j in seen if j.id == job.id]
        assert statuses[0][0] == "queued" and ("succeeded", 1.0) in statuses
        assert [p for s, p in statuses if s == "running" and p > 0] == [0.25, 0.5, 0.75], "a listener hears every state, each as written"
    assert _tasks(pg_url) == [], "a finished task stayed in the queue"


async def test_a_job_row_too_large_for_a_notification_is_still_heard(pg_url: str) -> None:
    async with _runner(pg_url) as api, _runner(pg_url, serve=True):
        await api.start()
        async with api.subscribe() as changes:
            job = await api.submit("double", {"n": 4, "notes": "x" * 9000})
            seen = []
            while not any(j.id == job.id and j.status == "succeeded" for j in seen):
                seen.append(await asyncio.wait_for(changes.get(), 20))
        assert seen[-1].result == {"double": 8} and len(seen[-1].request["notes"]) == 9000


async def test_a_worker_queues_unfinished_jobs_that_have_no_task(pg_url: str) -> None:
    async with _runner(pg_url) as earlier:
        left = await earlier.repo.insert("5f0c7d2e-4a8b-4c39-9d61-2b7e8f1a3c44", "double", {"n": 4})
        queued = await earlier.submit("double", {"n": 5})
    assert _tasks(pg_url) == [("todo", queued.id)], "a row written without its task, as an API process of an earlier Encore left it"
    async with _runner(pg_url, serve=True) as worker:
        done = [await worker.wait(job.id, 20) for job in (left, queued)]
        assert await worker.resume() == 0, "a job with a task was queued twice"
    assert [job.result for job in done] == [{"double": 8}, {"double": 10}]


def test_a_worker_refuses_to_start_without_postgresql(tmp_path) -> None:
    log = tmp_path / "worker.log"
    worker = start_worker(tmp_path, log)
    assert worker.wait(timeout=60) == 2
    assert "MV_DATABASE_URL=postgresql" in log.read_text()

"""Jobs on Procrastinate workers (the scaled shape): the row and its queue entry are written in one transaction."""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
from dataclasses import dataclass
from typing import Any

import procrastinate
from sqlalchemy import text
from procrastinate.retry import BaseRetryStrategy, RetryDecision
from procrastinate.worker import Worker

from mv.core.db.errors import database_unavailable
from mv.core.ids import new_id
from mv.core.logging import get_logger
from mv.jobs.events import job_notifications
from mv.jobs.repository import JobRepository
from mv.jobs.runner import JobRunner, request_idempotency
from mv.jobs.schemas import Job

log = get_logger(__name__)

ORPHANS = text(
    "SELECT j.id FROM jobs j WHERE j.status IN ('queued', 'running') AND NOT EXISTS ("
    " SELECT 1 FROM procrastinate_jobs p WHERE p.task_name = :task AND p.args->>'job_id' = j.id AND p.status IN ('todo', 'doing'))"
    " ORDER BY j.created_at"
)
"""Unfinished jobs with no task: rows an earlier Encore's API process left to resume itself."""

TASK_NAME = "encore.run_job"
"""The one Procrastinate task: run the Encore job named by `job_id` (handlers stay Encore's, keyed by kind)."""


@dataclass(frozen=True)
class WorkerTimes:
    """How a worker paces itself (seconds)."""

    stalled: float = 30.0
    """A worker silent this long is presumed dead; its tasks go back to the queue."""
    shutdown: float = 30.0
    """On stop, running tasks get this long to finish before they are interrupted and queued again."""
    poll: float = 5.0
    """Longest pause between two looks at the queue when no notification arrives."""

    @property
    def heartbeat(self) -> float:
        """How often a worker says it is alive: several times per stall window."""
        return max(0.2, self.stalled / 4)


class RequeueInterrupted(BaseRetryStrategy):
    """A task interrupted by its worker's shutdown goes back to the queue at once; nothing else is retried here."""

    def get_retry_decision(self, *, exception: BaseException, job: Any) -> RetryDecision | None:
        """Retry now after an interruption."""
        return RetryDecision(retry_in={"seconds": 0}) if isinstance(exception, asyncio.CancelledError) else None


class QueuedJobRunner(JobRunner):
    """Submits jobs to Procrastinate on PostgreSQL; `serve()` (the worker process) runs them; every process hears changes."""

    executes_here = False

    def __init__(self, repo: JobRepository, concurrency: int = 8, times: WorkerTimes | None = None) -> None:
        super().__init__(repo, concurrency)
        self.concurrency = concurrency
        self.times = times or WorkerTimes()
        self.conninfo = repo.store.conninfo
        connector = procrastinate.PsycopgConnector(conninfo=self.conninfo, min_size=1, max_size=4)
        self.queue = procrastinate.App(connector=connector)
        self.task = self.queue.task(name=TASK_NAME, retry=RequeueInterrupted())(self._run_task)
        self.notifications = job_notifications(self.conninfo, self._heard)
        self._stop = asyncio.Event()
        self._worker: Worker | None = None

    async def submit(self, kind: str, request: dict[str, Any], *, job_id: str | None = None) -> Job:
        """Write the queued row and its task in one transaction: a job is never saved without being queued."""
        if kind not in self._handlers:
            raise ValueError(f"no handler for job kind {kind!r}")
        key = request_idempotency.get()
        request_idempotency.set(None)
        async with self.repo.store.transaction() as conn:
            job = await self.repo.insert(job_id or new_id(), kind, request, key)
            driver = (await conn.get_raw_connection()).driver_connection
            await self.task.configure(lock=job.id, connection=driver).defer_async(job_id=job.id)
        return job

    async def resume(self) -> int:
        """Queue every unfinished job that has no task (left by an API process of an earlier Encore); how many."""
        async with self.repo.store.transaction(exclusive="encore.jobs.adopt") as conn:
            orphans = [row.id for row in (await conn.execute(ORPHANS, {"task": TASK_NAME})).all()]
            driver = (await conn.get_raw_connection()).driver_connection
            for job_id in orphans:
                await self.task.configure(lock=job_id, connection=driver).defer_async(job_id=job_id)
        for job_id in orphans:
            log.info("job_queued_again", job_id=job_id)
        return len(orphans)

    async def start(self) -> None:
        """Hear job changes from every process (API processes call this)."""
        await self.notifications.start()

    def notify(self, job: Job) -> None:
        """Nothing to do: the row's trigger tells every process, this one included, once the change commits."""

    async def _heard(self, payload: str) -> None:
        if not self._listeners:
            return
        try:
            job = Job.model_validate_json(payload) if payload.startswith("{") else await self.repo.get(payload)
        except Exception as exc:
            log.warning("job_event_unread", error=type(exc).__name__)
            return
        if job is not None:
            super().notify(job)

    async def wait(self, job_id: str, timeout: float) -> Job | None:
        """Wait up to `timeout` seconds for a job a worker runs; events wake it, a read each second covers lost ones."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        async with self.subscribe() as changes:
            job = await self.repo.get(job_id)
            while job is not None and not job.finished and (left := deadline - loop.time()) > 0:
                try:
                    seen = await asyncio.wait_for(changes.get(), min(left, 1.0))
                except asyncio.TimeoutError:
                    job = await self.repo.get(job_id)
                    continue
                if seen.id == job_id:
                    job = seen
        return job

    async def _run_task(self, job_id: str) -> None:
        """The Procrastinate task: run the job; while PostgreSQL is away, wait and run it again (checkpoints resume it)."""
        pause = 0.25
        while True:
            try:
                await self.execute(job_id)
                return
            except Exception as exc:
                if not database_unavailable(exc):
                    raise
                log.warning("job_waiting_for_database", job_id=job_id, retry_in=pause)
                await asyncio.sleep(pause)
                pause = min(pause * 2, 5.0)

    async def serve(self) -> None:
        """Run queued jobs until `stop()`: a Procrastinate worker, restarted when it loses the database."""
        self._stop.clear()
        while not self._stop.is_set():
            try:
                await self.queue.open_async()
                break
            except Exception as exc:
                log.warning("queue_unreachable", error=type(exc).__name__)
                await self._pause(1.0)
        with contextlib.suppress(Exception):
            await self.resume()
        sweeper = asyncio.create_task(self._requeue_stalled(), name="requeue-stalled")
        try:
            while not self._stop.is_set():
                self._worker = Worker(
                    self.queue,
                    name=f"{socket.gethostname()}-{os.getpid()}",
                    concurrency=self.concurrency,
                    fetch_job_polling_interval=self.times.poll,
                    shutdown_graceful_timeout=self.times.shutdown,
                    delete_jobs="successful",
                    install_signal_handlers=False,
                    update_heartbeat_interval=self.times.heartbeat,
                    stalled_worker_timeout=self.times.stalled,
                )
                try:
                    await self._worker.run()
                except Exception as exc:
                    log.warning("worker_restarting", error=type(exc).__name__)
                if not self._stop.is_set():
                    await self._pause(1.0)
        finally:
            sweeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await sweeper
            await self.queue.close_async()

    async def _pause(self, seconds: float) -> None:
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(self._stop.wait(), seconds)

    async def _requeue_stalled(self) -> None:
        """Put back in the queue the tasks of workers that stopped saying they are alive (a SIGKILL, a lost host)."""
        manager = self.queue.job_manager
        while True:
            await asyncio.sleep(self.times.heartbeat)
            try:
                await manager.prune_stalled_workers(self.times.stalled)
                stalled = await manager.get_stalled_jobs(seconds_since_heartbeat=self.times.stalled)
            except Exception as exc:
                log.warning("stalled_check_failed", error=type(exc).__name__)
                continue
            for task in stalled:
                try:
                    await manager.retry_job(task)
                    log.warning("stalled_job_requeued", job_id=task.task_kwargs.get("job_id"), task_id=task.id)
                except Exception as exc:
                    log.info("stalled_job_taken", task_id=task.id, error=type(exc).__name__)

    def stop(self) -> None:
        """Ask `serve()` to finish: running tasks get `times.shutdown` seconds, then go back to the queue."""
        self._stop.set()
        if self._worker is not None:
            self._worker.stop()

    async def shutdown(self) -> None:
        """Stop hearing events and stop the worker, if this process runs one."""
        await self.notifications.close()
        self.stop()

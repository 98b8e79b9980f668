"""In-process job runner: the job row is the truth, tasks only execute it."""

from __future__ import annotations

import asyncio
import contextvars
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

import structlog

from mv.core.errors import EncoreError, InternalError, known_error
from mv.core.db.errors import database_unavailable
from mv.core.ids import new_id
from mv.core.logging import get_logger
from mv.core.workspace import use_workspace
from mv.jobs.repository import JobRepository
from mv.jobs.schemas import Job

log = get_logger(__name__)


class JobContext:
    """What a handler sees: its request, its saved state, and ways to report."""

    def __init__(self, runner: JobRunner, job: Job) -> None:
        self._runner = runner
        self.job = job

    @property
    def id(self) -> str:
        """The job id."""
        return self.job.id

    @property
    def request(self) -> dict[str, Any]:
        """The request the job was created with."""
        return self.job.request

    @property
    def state(self) -> dict[str, Any]:
        """Checkpointed state; survives restarts."""
        return self.job.state

    async def progress(self, fraction: float, message: str | None = None) -> None:
        """Report progress between 0 and 1."""
        self.job = await self._runner.repo.update(self.id, progress=max(0.0, min(1.0, fraction)), message=message)
        self._runner.notify(self.job)

    async def checkpoint(self, **state: Any) -> None:
        """Persist state before the next step can fail (e.g. a prediction id)."""
        self.job = await self._runner.repo.update(self.id, state_patch=state)


Handler = Callable[[JobContext], Awaitable[dict[str, Any]]]

request_idempotency: contextvars.ContextVar[tuple[str, str] | None] = contextvars.ContextVar("idempotency", default=None)
"""(key, request hash) set by an idempotent request; taken by the first job that request submits."""


class JobRunner:
    """Runs registered handlers for jobs with bounded concurrency, in this process (the embedded shape)."""

    executes_here = True
    """Whether jobs submitted here run in this process (False: workers run them)."""

    def __init__(self, repo: JobRepository, concurrency: int = 8) -> None:
        self.repo = repo
        self._handlers: dict[str, Handler] = {}
        self._semaphore = asyncio.Semaphore(concurrency)
        self._tasks: dict[str, asyncio.Task[None]] = {}
        self._finished: dict[str, asyncio.Event] = {}
        self._listeners: set[asyncio.Queue[Job]] = set()
        self._closing = False

    async def start(self) -> None:
        """Begin serving: nothing to start in process."""

    def register(self, kind: str, handler: Handler) -> None:
        """Attach the handler for one kind of job."""
        self._handlers[kind] = handler

    async def submit(self, kind: str, request: dict[str, Any], *, job_id: str | None = None) -> Job:
        """Record a queued job, then start it."""
        if kind not in self._handlers:
            raise ValueError(f"no handler for job kind {kind!r}")
        key = request_idempotency.get()
        request_idempotency.set(None)
        job = await self.repo.insert(job_id or new_id(), kind, request, key)
        self.notify(job)
        self._spawn(job.id)
        return job

    async def resume(self) -> int:
        """Start every job left queued or running by an earlier process."""
        jobs = await self.repo.unfinished()
        for job in jobs:
            log.info("job_resumed", job_id=job.id, kind=job.kind, status=job.status)
            self._spawn(job.id)
        return len(jobs)

    def _spawn(self, job_id: str) -> None:
        if job_id in self._tasks or self._closing:
            return
        self._finished.setdefault(job_id, asyncio.Event())
        task = asyncio.create_task(self._execute(job_id), name=f"job-{job_id}")
        self._tasks[job_id] = task
        task.add_done_callback(lambda _t: self._tasks.pop(job_id, None))

    async def _execute(self, job_id: str) -> None:
        async with self._semaphore:
            try:
                await self.execute(job_id)
            finally:
                self._finished[job_id].set()

    async def execute(self, job_id: str) -> Job | None:
        """Run one job's handler and record its outcome; a finished or unknown job is left as it is.

        A lost database connection is not the job's failure: it propagates, the row stays unfinished,
        and whoever runs the job runs it again (the handler's checkpoints make that safe).
        """
        job = await self.repo.begin_attempt(job_id)
        if job is None:
            return await self.repo.get(job_id)
        structlog.contextvars.bind_contextvars(job_id=job_id)
        use_workspace(job.workspace_id)
        handler = self._handlers.get(job.kind)
        self.notify(job)
        try:
            if handler is None:
                raise InternalError(f"Encore cannot run jobs of kind {job.kind}.")
            result = await handler(JobContext(self, job))
        except asyncio.CancelledError:
            log.info("job_interrupted", kind=job.kind)
            raise
        except EncoreError as exc:
            log.warning("job_failed", kind=job.kind, error=exc.name, detail=exc.detail)
            job = await self.repo.update(job_id, status="failed", error=exc.body(), message=exc.detail)
        except Exception as exc:
            if database_unavailable(exc):
                log.warning("job_interrupted", kind=job.kind, reason="database unavailable")
                raise
            known = known_error(exc)
            if known is None:
                log.exception("job_crashed", kind=job.kind)
                known = InternalError("The operation failed unexpectedly.")
            else:
                log.warning("job_failed", kind=job.kind, error=known.name, detail=known.detail)
            job = await self.repo.update(job_id, status="failed", error=known.body(), message=known.detail)
        else:
            job = await self.repo.update(job_id, status="succeeded", progress=1.0, result=result, message=None)
            log.info("job_succeeded", kind=job.kind)
        finally:
            structlog.contextvars.unbind_contextvars("job_id")
        self.notify(job)
        return job

    async def wait(self, job_id: str, timeout: float) -> Job | None:
        """Wait up to `timeout` seconds for a job to finish; return its latest row."""
        event = self._finished.get(job_id)
        if event is not None and timeout > 0:
            try:
                await asyncio.wait_for(event.wait(), timeout)
            except asyncio.TimeoutError:
                pass
        return await self.repo.get(job_id)

    def notify(self, job: Job) -> None:
        """Tell every subscriber about a job change."""
        for queue in list(self._listeners):
            if queue.qsize() < 1000:
                queue.put_nowait(job)

    @asynccontextmanager
    async def subscribe(self) -> AsyncIterator[asyncio.Queue[Job]]:
        """A queue that receives every job update while the context is open."""
        queue: asyncio.Queue[Job] = asyncio.Queue()
        self._listeners.add(queue)
        try:
            yield queue
        finally:
            self._listeners.discard(queue)

    async def shutdown(self, grace: float = 10.0) -> None:
        """Stop running tasks, cancelling again while any lingers (up to `grace` s); their rows stay unfinished and resume on the next start."""
        self._closing = True
        loop = asyncio.get_running_loop()
        deadline = loop.time() + grace
        while self._tasks and loop.time() < deadline:
            tasks = list(self._tasks.values())
            for task in tasks:
                task.cancel()
            await asyncio.wait(tasks, timeout=min(1.0, max(deadline - loop.time(), 0.01)))
        for job_id, task in self._tasks.items():
            log.warning("job_outlived_shutdown", job_id=job_id, awaiting=_awaiting(task))


def _awaiting(task: asyncio.Task[Any]) -> str:
    """Where a task is suspended, outermost call first (for logs about tasks that will not stop)."""
    places, step = [], task.get_coro()
    while step is not None and getattr(step, "cr_frame", None) is not None:
        places.append(f"{step.cr_frame.f_code.co_name}:{step.cr_frame.f_lineno}")
        step = step.cr_await
    if step is not None:
        places.append(type(step).__name__)
    return " > ".join(places)

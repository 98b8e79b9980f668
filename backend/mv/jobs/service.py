"""Turning a job into an HTTP answer: 200 when done in time, 202 otherwise."""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Header, Request
from fastapi.responses import JSONResponse

from mv.core.errors import EncoreError, NotFound, error_from_body
from mv.jobs.runner import JobRunner, request_idempotency
from mv.jobs.schemas import Job, JobAccepted

WAIT_DESCRIPTION = "Seconds to wait for the result before answering 202 with a job to follow (0-30)."


def accepted(job: Job) -> JobAccepted:
    """The 202 body for a job."""
    return JobAccepted(job_id=job.id, status=job.status, status_url=f"/api/jobs/{job.id}")


async def answer(runner: JobRunner, job: Job, wait: float) -> JSONResponse:
    """Wait up to `wait` seconds; the result, the job's error, or a 202 (at once, from the job as submitted, when `wait` is 0)."""
    latest = job if wait <= 0 and job.status == "queued" else await runner.wait(job.id, wait)
    if latest is None:
        raise NotFound("The job disappeared.")
    if latest.status == "succeeded":
        return JSONResponse(latest.result or {})
    if latest.status in ("failed", "canceled"):
        raise error_from_body(latest.error)
    return JSONResponse(accepted(latest).model_dump(), status_code=202)


JOB_RESPONSES: dict[int | str, dict[str, object]] = {
    202: {"model": JobAccepted, "description": "Still running; follow `status_url`."},
}


def _wait_of(request: Request, default: float) -> float:
    try:
        return min(30.0, max(0.0, float(request.query_params["wait"])))
    except (KeyError, ValueError):
        return default


class IdempotencyKeyReused(EncoreError):
    """An Idempotency-Key was sent again with a different request."""

    status_code = 422


class ExistingJob(Exception):
    """A repeated request: answer with the job its first attempt created."""

    def __init__(self, job: Job, wait: float) -> None:
        super().__init__(job.id)
        self.job = job
        self.wait = wait


_key_locks: dict[str, asyncio.Lock] = {}


async def idempotent(
    request: Request,
    idempotency_key: Annotated[
        str | None,
        Header(
            alias="Idempotency-Key",
            min_length=8,
            max_length=128,
            pattern=r"^[A-Za-z0-9_.:-]+$",
            description="A client-chosen key: repeating a request with the same key returns the first one's job.",
        ),
    ] = None,
) -> AsyncIterator[None]:
    """Dependency: replay the job of an earlier request with the same key instead of starting another."""
    if idempotency_key is None:
        yield
        return
    services = request.app.state.services
    lock = _key_locks.setdefault(idempotency_key, asyncio.Lock())
    digest = hashlib.sha256(request.url.path.encode() + b"\0" + await request.body()).hexdigest()
    async with lock:
        existing = await services.jobs.by_idempotency_key(idempotency_key)
        if existing is not None:
            if existing.request_hash != digest:
                raise IdempotencyKeyReused("That Idempotency-Key was already used for a different request.")
            raise ExistingJob(existing, _wait_of(request, services.settings.mv_default_wait))
        token = request_idempotency.set((idempotency_key, digest))
        try:
            yield
        finally:
            request_idempotency.reset(token)
    if not lock.locked():
        _key_locks.pop(idempotency_key, None)


IDEMPOTENT = Depends(idempotent)
"""Route dependency for job-creating endpoints: `dependencies=[IDEMPOTENT]`."""

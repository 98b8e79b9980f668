"""Turning a job into an HTTP answer: 200 when done in time, 202 otherwise."""

from __future__ import annotations

from fastapi.responses import JSONResponse

from mv.core.errors import NotFound, error_from_body
from mv.jobs.runner import JobRunner
from mv.jobs.schemas import Job, JobAccepted

WAIT_DESCRIPTION = "Seconds to wait for the result before answering 202 with a job to follow (0-30)."


def accepted(job: Job) -> JobAccepted:
    """The 202 body for a job."""
    return JobAccepted(job_id=job.id, status=job.status, status_url=f"/api/jobs/{job.id}")


async def answer(runner: JobRunner, job: Job, wait: float) -> JSONResponse:
    """Wait up to `wait` seconds; the result, the job's error, or a 202."""
    latest = await runner.wait(job.id, wait)
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

"""Job status and the server-sent event stream."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator

from fastapi import APIRouter, Query, Request
from fastapi.responses import StreamingResponse

from mv.core.errors import BadRequest, NotFound
from mv.core.ids import IdPath, parse_id
from mv.deps import ServicesDep
from mv.jobs.schemas import JobView

router = APIRouter(prefix="/api/jobs", tags=["jobs"])


@router.get("/events", summary="Stream job updates as server-sent events")
async def job_events(
    request: Request,
    services: ServicesDep,
    ids: str = Query("", description="Comma-separated job ids to follow; empty follows every job."),
) -> StreamingResponse:
    """Send each change of the followed jobs as `event: job`."""
    try:
        wanted = {parse_id(i) for i in ids.split(",") if i.strip()}
    except ValueError:
        raise BadRequest("Every id in `ids` must be a UUID.") from None

    async def stream() -> AsyncIterator[str]:
        async with services.runner.subscribe() as queue:
            for job_id in wanted:
                job = await services.jobs.get(job_id)
                if job is not None:
                    yield f"event: job\ndata: {json.dumps(job.view().model_dump())}\n\n"
            while not await request.is_disconnected():
                try:
                    job = await asyncio.wait_for(queue.get(), 15)
                except asyncio.TimeoutError:
                    yield ": keep-alive\n\n"
                    continue
                if not wanted or job.id in wanted:
                    yield f"event: job\ndata: {json.dumps(job.view().model_dump())}\n\n"

    return StreamingResponse(stream(), media_type="text/event-stream", headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"})


@router.get("/{job_id}", response_model=JobView, summary="Get a job's status, progress and result")
async def get_job(job_id: IdPath, services: ServicesDep) -> JobView:
    """The job's status, progress, result and error."""
    job = await services.jobs.get(str(job_id))
    if job is None:
        raise NotFound("No job has that id.")
    return job.view()

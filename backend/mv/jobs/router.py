"""Job status and the server-sent event stream."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator

from fastapi import APIRouter, Query, Request
from fastapi.responses import StreamingResponse

from mv.core.errors import BadRequest, ErrorBody, NotFound
from mv.core.ids import IdPath, parse_id
from mv.core.workspace import current_workspace
from mv.deps import ServicesDep
from mv.jobs.schemas import JobView

router = APIRouter(prefix="/api/jobs", tags=["jobs"])


MAX_FOLLOWED = 200
IDS_PARAMETER = {
    "name": "ids",
    "in": "query",
    "required": True,
    "description": f"Comma-separated ids of the jobs to follow (1 to {MAX_FOLLOWED}).",
    "schema": {"type": "string", "minLength": 36},
}


def followed_ids(ids: str | None) -> set[str]:
    """The job ids a stream follows: at least one, at most MAX_FOLLOWED, all UUIDs (else 400)."""
    parts = [i for i in (ids or "").split(",") if i.strip()]
    if not parts:
        raise BadRequest("Name the jobs to follow in `ids`; no stream follows every job.")
    if len(parts) > MAX_FOLLOWED:
        raise BadRequest(f"A stream follows at most {MAX_FOLLOWED} jobs.")
    try:
        return {parse_id(i) for i in parts}
    except ValueError:
        raise BadRequest("Every id in `ids` must be a UUID.") from None


@router.get(
    "/events",
    summary="Stream job updates as server-sent events",
    response_class=StreamingResponse,
    responses={200: {"content": {"text/event-stream": {}}, "description": "One `event: job` per change."}, 400: {"model": ErrorBody}},
    openapi_extra={"parameters": [IDS_PARAMETER]},
)
async def job_events(
    request: Request,
    services: ServicesDep,
    ids: str | None = Query(None, include_in_schema=False),
) -> StreamingResponse:
    """Send each change of the followed jobs as `event: job`."""
    wanted = followed_ids(ids)
    workspace = current_workspace()

    async def stream() -> AsyncIterator[str]:
        async with services.runner.subscribe() as queue:
            for job_id in wanted:
                job = await services.jobs.get(job_id, workspace=workspace)
                if job is not None:
                    yield f"event: job\ndata: {json.dumps(job.view().model_dump())}\n\n"
            while not await request.is_disconnected():
                try:
                    job = await asyncio.wait_for(queue.get(), 15)
                except asyncio.TimeoutError:
                    yield ": keep-alive\n\n"
                    continue
                if job.id in wanted and job.workspace_id == workspace:
                    yield f"event: job\ndata: {json.dumps(job.view().model_dump())}\n\n"

    return StreamingResponse(stream(), media_type="text/event-stream", headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"})


@router.get("/{job_id}", response_model=JobView, summary="Get a job's status, progress and result")
async def get_job(job_id: IdPath, services: ServicesDep) -> JobView:
    """The job's status, progress, result and error."""
    job = await services.jobs.get(str(job_id), workspace=current_workspace())
    if job is None:
        raise NotFound("No job has that id.")
    return job.view()

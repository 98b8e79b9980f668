"""`POST /api/mv/stitch_video`."""

from __future__ import annotations

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse

from mv.jobs.service import IDEMPOTENT
from mv.core.errors import ErrorBody
from mv.core.limits import PAID_LIMIT
from mv.deps import ServicesDep
from mv.jobs.service import JOB_RESPONSES, WAIT_DESCRIPTION, answer
from mv.stitch import service
from mv.stitch.schemas import StitchRequest, VideoResult

router = APIRouter(prefix="/api/mv", tags=["mv"])


@router.post(
    "/stitch_video",
    dependencies=[PAID_LIMIT, IDEMPOTENT],
    response_model=VideoResult,
    responses={**JOB_RESPONSES, 404: {"model": ErrorBody}, 409: {"model": ErrorBody}, 422: {"model": ErrorBody}, 429: {"model": ErrorBody}},
    summary="Join clips in order, with the song as the soundtrack",
)
async def stitch_video(
    body: StitchRequest, services: ServicesDep, wait: float | None = Query(None, ge=0, le=30, description=WAIT_DESCRIPTION)
) -> JSONResponse:
    """Stream-copy same-spec clips, normalize only the odd ones out, mux the song once; the video ends with the song."""
    job = await service.start(services, body)
    return await answer(services.runner, job, services.settings.mv_default_wait if wait is None else wait)

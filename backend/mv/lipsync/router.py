"""`POST /api/mv/lipsync`."""

from __future__ import annotations

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse

from mv.jobs.service import IDEMPOTENT
from mv.core.limits import PAID_LIMIT
from mv.core.errors import ErrorBody
from mv.deps import ServicesDep
from mv.spend.schemas import SPEND_CAP_RESPONSE
from mv.jobs.service import JOB_RESPONSES, WAIT_DESCRIPTION, answer
from mv.lipsync import service
from mv.lipsync.schemas import LipsyncRequest, LipsyncResult

router = APIRouter(prefix="/api/mv", tags=["mv"])


@router.post(
    "/lipsync",
    dependencies=[PAID_LIMIT, IDEMPOTENT],
    response_model=LipsyncResult,
    responses={**JOB_RESPONSES, 400: {"model": ErrorBody}, 402: SPEND_CAP_RESPONSE, 404: {"model": ErrorBody}, 409: {"model": ErrorBody}, 502: {"model": ErrorBody}},
    summary="Lipsync a clip to its window of the song",
)
async def lipsync(
    body: LipsyncRequest, services: ServicesDep, wait: float | None = Query(None, ge=0, le=30, description=WAIT_DESCRIPTION)
) -> JSONResponse:
    """A new video asset; its `video_id` is the job id, so a 202 already names it."""
    job = await service.start(services, body)
    return await answer(services.runner, job, services.settings.mv_default_wait if wait is None else wait)

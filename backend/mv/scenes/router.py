"""`POST /api/mv/create_scenes`."""

from __future__ import annotations

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse

from mv.jobs.service import IDEMPOTENT
from mv.core.limits import PAID_LIMIT
from mv.core.errors import ErrorBody
from mv.deps import ServicesDep
from mv.spend.schemas import SPEND_CAP_RESPONSE
from mv.jobs.service import JOB_RESPONSES, WAIT_DESCRIPTION, answer
from mv.scenes import service
from mv.scenes.schemas import CreateScenesRequest, ScenesResult

router = APIRouter(prefix="/api/mv", tags=["mv"])


@router.post(
    "/create_scenes",
    dependencies=[PAID_LIMIT, IDEMPOTENT],
    response_model=ScenesResult,
    responses={**JOB_RESPONSES, 400: {"model": ErrorBody}, 402: SPEND_CAP_RESPONSE, 502: {"model": ErrorBody}},
    summary="Plan one scene per clip from an idea and a character",
)
async def create_scenes(
    body: CreateScenesRequest, services: ServicesDep, wait: float | None = Query(None, ge=0, le=30, description=WAIT_DESCRIPTION)
) -> JSONResponse:
    """Write `number_of_scenes` scene prompts with the flavor's LLM (or its offline shot list)."""
    job = await service.start(services, body)
    return await answer(services.runner, job, services.settings.mv_default_wait if wait is None else wait)

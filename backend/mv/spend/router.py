"""Spend endpoints: estimate a run, what the last 24 hours hold, and what jobs spent."""

from __future__ import annotations

from fastapi import APIRouter, Query

from mv.core.errors import BadRequest, ErrorBody
from mv.core.ids import parse_id
from mv.deps import ServicesDep
from mv.spend import service
from mv.spend.schemas import Estimate, EstimateRequest, SpendReport, SpendToday

router = APIRouter(prefix="/api/mv", tags=["mv"])

MAX_JOBS = 500


@router.post(
    "/estimate",
    response_model=Estimate,
    responses={400: {"model": ErrorBody}, 404: {"model": ErrorBody}},
    summary="Estimate what a run costs",
)
async def estimate(body: EstimateRequest, services: ServicesDep) -> Estimate:
    """Price a run from the flavor's prices (draft mode is free) and say whether a client should confirm it."""
    return await service.estimate(services, body)


@router.get("/spend/today", response_model=SpendToday, summary="Estimated spend over the last 24 hours")
async def spend_today(services: ServicesDep) -> SpendToday:
    """What paid requests reserved over the last 24 hours, the daily cap and what it leaves."""
    return await service.today_spend(services)


@router.get("/spend", response_model=SpendReport, responses={400: {"model": ErrorBody}}, summary="What some jobs spent")
async def spend(
    services: ServicesDep,
    job_ids: str = Query(..., description=f"Comma-separated job ids (1 to {MAX_JOBS})."),
) -> SpendReport:
    """One line per finished prediction of these jobs (step, model, Replicate's predict time, estimated USD)."""
    parts = [p.strip() for p in job_ids.split(",") if p.strip()]
    if not parts or len(parts) > MAX_JOBS:
        raise BadRequest(f"Name 1 to {MAX_JOBS} jobs in `job_ids`.")
    try:
        ids = [parse_id(p) for p in parts]
    except ValueError:
        raise BadRequest("Every id in `job_ids` must be a UUID.") from None
    return await service.report(services, ids)

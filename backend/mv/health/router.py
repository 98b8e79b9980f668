"""Liveness endpoint."""

from __future__ import annotations

from fastapi import APIRouter

from mv import __version__
from mv.deps import ServicesDep
from mv.health.schemas import Health

router = APIRouter(tags=["health"])


@router.get("/healthz", response_model=Health, summary="Health check")
async def healthz(services: ServicesDep) -> Health:
    """Answer at once; no I/O."""
    settings = services.settings
    return Health(
        status="ok",
        default_provider=settings.default_provider,
        replicate_available=settings.replicate_token is not None,
        version=__version__,
    )

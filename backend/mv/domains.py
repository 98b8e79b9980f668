"""Every domain module: its router, and its setup hook run once per app."""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType

from fastapi import APIRouter

from mv import providers
from mv.analysis import router as analysis_router
from mv.analysis import service as analysis_service
from mv.analysis import transcription
from mv.audio import download as audio_download
from mv.audio import router as audio_router
from mv.deps import Services
from mv.flavors import router as flavors_router
from mv.health import router as health_router
from mv.images import router as images_router
from mv.images import service as images_service
from mv.jobs import router as jobs_router
from mv.lipsync import router as lipsync_router
from mv.lipsync import service as lipsync_service
from mv.projects import router as projects_router
from mv.projects import service as projects_service
from mv.scenes import router as scenes_router
from mv.scenes import service as scenes_service
from mv.spend import router as spend_router
from mv.spend import service as spend_service
from mv.stitch import router as stitch_router
from mv.stitch import service as stitch_service
from mv.videos import router as videos_router
from mv.videos import service as videos_service
from mv.webhooks import router as webhooks_router

ROUTER_MODULES: tuple[ModuleType, ...] = (
    health_router,
    flavors_router,
    jobs_router,
    audio_router,
    analysis_router,
    scenes_router,
    images_router,
    videos_router,
    lipsync_router,
    stitch_router,
    spend_router,
    projects_router,
    webhooks_router,
)

SETUP_HOOKS: tuple[Callable[[Services], None], ...] = (
    providers.setup,
    spend_service.setup,
    audio_download.setup,
    analysis_service.setup,
    transcription.setup,
    scenes_service.setup,
    images_service.setup,
    videos_service.setup,
    lipsync_service.setup,
    stitch_service.setup,
    projects_service.setup,
)


def routers() -> list[APIRouter]:
    """All routers in mounting order."""
    return [module.router for module in ROUTER_MODULES]

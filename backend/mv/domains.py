"""Every domain module: its router, and its setup hook run once per app."""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType

from fastapi import APIRouter

from mv.deps import Services
from mv.flavors import router as flavors_router
from mv.health import router as health_router
from mv.jobs import router as jobs_router

ROUTER_MODULES: tuple[ModuleType, ...] = (health_router, flavors_router, jobs_router)

SETUP_HOOKS: tuple[Callable[[Services], None], ...] = ()


def routers() -> list[APIRouter]:
    """All routers in mounting order."""
    return [module.router for module in ROUTER_MODULES]
from mv.stitch import router as stitch_router, service as stitch_service; ROUTER_MODULES += (stitch_router,); SETUP_HOOKS += (stitch_service.setup,)  # noqa: E402, E702
from mv import providers; from mv.scenes import router as scenes_router, service as scenes_service; from mv.images import router as images_router, service as images_service; from mv.videos import router as videos_router, service as videos_service; ROUTER_MODULES += (scenes_router, images_router, videos_router); SETUP_HOOKS += (providers.setup, scenes_service.setup, images_service.setup, videos_service.setup)  # noqa: E402, E501, E702
from mv.audio import download as audio_download, router as audio_router; ROUTER_MODULES += (audio_router,); SETUP_HOOKS += (audio_download.setup,)  # noqa: E402, E702
from mv.lipsync import router as lipsync_router, service as lipsync_service; ROUTER_MODULES += (lipsync_router,); SETUP_HOOKS += (lipsync_service.setup,)  # noqa: E402, E702

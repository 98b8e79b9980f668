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

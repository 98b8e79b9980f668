"""Listing config flavors."""

from __future__ import annotations

from fastapi import APIRouter

from mv.config_manager import get_discovered_flavors
from mv.deps import ServicesDep
from mv.flavors.schemas import FlavorList

router = APIRouter(prefix="/api/mv", tags=["mv"])


@router.get("/get_config_flavors", response_model=FlavorList, summary="List config flavors")
async def get_config_flavors(services: ServicesDep) -> FlavorList:
    """Every flavor loaded at startup, `default` first."""
    return FlavorList(flavors=get_discovered_flavors(services.flavors))

"""The composition root's container and the dependency that hands it to routers."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated, Any

from fastapi import Depends, Request

from mv.assets.repository import AssetRepository
from mv.core.db import Database
from mv.core.settings import Settings
from mv.core.storage import MediaStorage
from mv.flavors.service import FlavorService
from mv.jobs.repository import JobRepository
from mv.jobs.runner import JobRunner


@dataclass
class Services:
    """Everything a request may use, built once per app."""

    settings: Settings
    db: Database
    assets: AssetRepository
    jobs: JobRepository
    runner: JobRunner
    storage: MediaStorage
    flavors: FlavorService
    providers: Any = None
    extras: dict[str, Any] = field(default_factory=dict)


def get_services(request: Request) -> Services:
    """The app's services."""
    return request.app.state.services  # type: ignore[no-any-return]


ServicesDep = Annotated[Services, Depends(get_services)]

"""The composition root's container and the dependency that hands it to routers."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Annotated, Any

from fastapi import Depends, Request

from mv.assets.repository import AssetRepository
from mv.core.db import Store
from mv.core.settings import Settings
from mv.core.storage import MediaStorage
from mv.flavors.service import FlavorService
from mv.jobs.repository import JobRepository
from mv.jobs.runner import JobRunner


@dataclass
class Services:
    """Everything a request may use, built once per app."""

    settings: Settings
    store: Store
    assets: AssetRepository
    jobs: JobRepository
    runner: JobRunner
    storage: MediaStorage
    flavors: FlavorService
    providers: Any = None
    extras: dict[str, Any] = field(default_factory=dict)
    on_audio_stored: list[Callable[[str], Awaitable[None]]] = field(default_factory=list)
    """Called with the id of every new audio asset (upload, import, trim)."""

    on_started: list[Callable[[], Awaitable[None]]] = field(default_factory=list)
    """Called once the app has started serving (after unfinished jobs resume)."""

    async def audio_stored(self, audio_id: str) -> None:
        """Tell every listener about a new audio asset."""
        for listener in self.on_audio_stored:
            await listener(audio_id)


async def get_services(request: Request) -> Services:
    """The app's services."""
    return request.app.state.services  # type: ignore[no-any-return]


ServicesDep = Annotated[Services, Depends(get_services)]

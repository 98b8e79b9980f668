"""Which provider serves a request: the one it names, else the server default."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, cast

from mv.core.db.buckets import SharedBuckets
from mv.core.errors import BadRequest
from mv.core.settings import Settings
from mv.core.storage import MediaStorage
from mv.jobs.schemas import Job
from mv.providers.base import Provider, ProviderName
from mv.providers.local import LocalProvider
from mv.providers.replicate import ReplicateProvider
from mv.webhooks.hub import WebhookHub

NO_TOKEN = (
    "The replicate provider needs REPLICATE_API_TOKEN to be set on the server; "
    'set it, or ask for provider "local" to make offline drafts.'
)


class ProviderRegistry:
    """Builds each provider once and hands out the one a request asks for."""

    def __init__(
        self,
        settings: Settings,
        storage: MediaStorage,
        unfinished_jobs: Callable[[], Awaitable[list[Job]]] | None = None,
        webhooks: WebhookHub | None = None,
        buckets: SharedBuckets | None = None,
    ) -> None:
        self.buckets = buckets
        self.settings = settings
        self.webhooks = webhooks
        self.storage = storage
        self.unfinished_jobs = unfinished_jobs
        self.local = LocalProvider()
        self._replicate: ReplicateProvider | None = None
        self.prediction_listeners: list[Callable[[str, str, str, dict[str, Any], float], Awaitable[None]]] = []
        """Called with (job id, step, model, prediction, estimated USD) when a paid prediction succeeds."""

    @property
    def default(self) -> ProviderName:
        """The provider used when a request names none."""
        return self.settings.default_provider

    @property
    def replicate_available(self) -> bool:
        """Whether a Replicate token is configured."""
        return self.settings.replicate_token is not None

    def resolve(self, requested: str | None) -> ProviderName:
        """The provider name a request will use; 400 when it cannot be served."""
        name = requested or self.default
        if name not in ("local", "replicate"):
            raise BadRequest('provider must be "local" or "replicate".')
        if name == "replicate" and not self.replicate_available:
            raise BadRequest(NO_TOKEN)
        return cast(ProviderName, name)

    def get(self, requested: str | None) -> Provider:
        """The provider instance for a request."""
        name = self.resolve(requested)
        if name == "local":
            return self.local
        if self._replicate is None:
            self._replicate = ReplicateProvider(
                self.settings,
                self.storage,
                self.unfinished_jobs,
                webhooks=self.webhooks,
                listeners=self.prediction_listeners,
                buckets=self.buckets,
            )
        return self._replicate

    async def close(self) -> None:
        """Release HTTP clients."""
        if self._replicate is not None:
            await self._replicate.close()
            self._replicate = None
        if self.webhooks is not None:
            await self.webhooks.close()

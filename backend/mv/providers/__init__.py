"""Providers: one interface per capability, with `replicate` and `local` implementations."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mv.deps import Services


def setup(services: Services) -> None:
    """Attach the provider registry as `services.providers`, and the webhook hub when webhooks are on."""
    from mv.core.db.buckets import SharedBuckets
    from mv.providers.registry import ProviderRegistry
    from mv.webhooks.hub import WebhookHub
    from mv.webhooks.repository import WebhookRepository
    from mv.webhooks.signature import secret_bytes

    settings = services.settings
    hub = None
    if settings.replicate_webhook_secret is not None:
        hub = WebhookHub(WebhookRepository(services.store))
        services.extras["webhook_hub"] = hub
        services.extras["webhook_key"] = secret_bytes(settings.replicate_webhook_secret.get_secret_value())
    buckets = None if services.store.is_sqlite else SharedBuckets(services.store)
    services.providers = ProviderRegistry(services.settings, services.storage, services.jobs.unfinished, webhooks=hub, buckets=buckets)

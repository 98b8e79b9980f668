"""Providers: one interface per capability, with `replicate` and `local` implementations."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mv.deps import Services


def setup(services: Services) -> None:
    """Attach the provider registry as `services.providers`."""
    from mv.providers.registry import ProviderRegistry

    from mv.core.db.buckets import SharedBuckets

    buckets = None if services.store.is_sqlite else SharedBuckets(services.store)
    services.providers = ProviderRegistry(services.settings, services.storage, services.jobs.unfinished, buckets)

"""Where Replicate serves files, and which of those hosts may see the API token."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import httpx

OUTPUT_HOST = "replicate.delivery"
"""Replicate's file host for prediction outputs (public, signed URLs: never send the token there)."""

DEFAULT_PORTS = {"http": 80, "https": 443}

Origin = tuple[str, str, int | None]


def is_output_host(host: str) -> bool:
    """Whether `host` is Replicate's file host or one of its subdomains."""
    return host == OUTPUT_HOST or host.endswith("." + OUTPUT_HOST)


def origin(url: httpx.URL) -> Origin:
    """(scheme, host, port) with the scheme's default port filled in."""
    return url.scheme, url.host, url.port or DEFAULT_PORTS.get(url.scheme)


def is_delivery_url(url: httpx.URL) -> bool:
    """An https URL on Replicate's file host, on the standard port."""
    return url.scheme == "https" and is_output_host(url.host) and url.port in (None, 443)


@dataclass(frozen=True)
class FileHosts:
    """The two places output files may come from: the API's own origin (with the token) and the file host (without)."""

    api: Origin
    delivery: Callable[[httpx.URL], bool] = is_delivery_url

    @classmethod
    def for_api(cls, base_url: str) -> FileHosts:
        """The hosts for an API at `base_url`."""
        return cls(api=origin(httpx.URL(base_url)))

    def is_api(self, url: httpx.URL) -> bool:
        """Whether `url` is on the API's own origin (scheme, host and port all equal)."""
        return origin(url) == self.api

    def allows(self, url: httpx.URL) -> bool:
        """Whether an output file may be fetched from `url` at all."""
        return self.is_api(url) or self.delivery(url)

"""Fetching a user-supplied media URL: https only, allowed hosts only (the audio import's allowlist rules), bounded size."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import httpcore
import httpx

from mv.audio.urls import allowlisted, resolve
from mv.core.errors import BadRequest, PayloadTooLarge, UpstreamError
from mv.core.logging import get_logger
from mv.providers.replicate import is_output_host

log = get_logger(__name__)

MAX_REDIRECTS = 3


class UrlRefused(BadRequest):
    """A media URL is not one Encore will fetch."""


def check_url(url: str, operator_hosts: frozenset[str], what: str) -> httpx.URL:
    """Refuse, without network traffic, anything but https without credentials on an allowed host."""
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, TypeError, ValueError):
        raise UrlRefused(f"The {what} is not a valid URL.") from None
    if parsed.scheme != "https":
        raise UrlRefused(f"The {what} must be an https URL.")
    host = (parsed.host or "").lower().rstrip(".")
    if parsed.userinfo or not host:
        raise UrlRefused(f"The {what} must be a plain https URL without credentials.")
    if not (allowlisted(host, parsed.port, operator_hosts) or (is_output_host(host) and parsed.port in (None, 443))):
        raise UrlRefused(f"The {what} is on a host this server does not fetch from; use an asset id instead.")
    return parsed


class _VettedConnections(httpcore.AsyncNetworkBackend):
    """Resolves each host once, refuses private answers, and connects to exactly the address it checked."""

    def __init__(self, operator_hosts: frozenset[str], what: str, allow_private: bool) -> None:
        self.inner = httpcore.AnyIOBackend()
        self.operator_hosts = operator_hosts
        self.what = what
        self.allow_private = allow_private

    async def connect_tcp(self, host: str, port: int, timeout: float | None = None, local_address: str | None = None,
                          socket_options: Iterable[Any] | None = None) -> httpcore.AsyncNetworkStream:
        """Open a connection to a vetted address of `host`; private ones only for allowlisted hosts when the operator allows it."""
        private_ok = self.allow_private and allowlisted(host, port, self.operator_hosts)
        try:
            address = (await asyncio.to_thread(resolve, host, port, allow_private=private_ok))[0][1]
        except BadRequest:
            raise UrlRefused(f"The {self.what} points at a private or local address, or its host cannot be resolved.") from None
        return await self.inner.connect_tcp(address, port, timeout, local_address, socket_options)

    async def sleep(self, seconds: float) -> None:
        """Sleep as the default backend does."""
        await self.inner.sleep(seconds)


def _client(operator_hosts: frozenset[str], what: str, timeout: float, allow_private: bool) -> httpx.AsyncClient:
    transport = httpx.AsyncHTTPTransport(trust_env=False)
    transport._pool = httpcore.AsyncConnectionPool(  # httpx has no public way to choose the network backend
        ssl_context=httpx.create_ssl_context(trust_env=False), network_backend=_VettedConnections(operator_hosts, what, allow_private)
    )
    return httpx.AsyncClient(transport=transport, timeout=httpx.Timeout(timeout, connect=10.0), follow_redirects=False, trust_env=False)


async def fetch(url: str, dest: Path, *, operator_hosts: frozenset[str], max_bytes: int, what: str, allow_private: bool = False,
                timeout: float = 120.0) -> Path:
    """Download `url` to `dest`, re-checking every redirect and every connection; the file is used only after this returns."""
    current = check_url(url, operator_hosts, what)
    async with _client(operator_hosts, what, timeout, allow_private) as client:
        for _ in range(MAX_REDIRECTS + 1):
            try:
                location = await _download(client, current, dest, max_bytes, what)
            except httpx.HTTPError as exc:
                log.warning("media_url_fetch_failed", host=current.host, error=type(exc).__name__)
                raise UpstreamError(f"The {what} could not be fetched.") from None
            if location is None:
                return dest
            current = check_url(str(current.join(location)), operator_hosts, what)
    raise UrlRefused(f"The {what} redirected too many times.")


async def _download(client: httpx.AsyncClient, url: httpx.URL, dest: Path, max_bytes: int, what: str) -> str | None:
    """Stream one response into `dest`; returns the redirect location instead when there is one."""
    async with client.stream("GET", url) as response:
        if response.is_redirect:
            return response.headers.get("location", "")
        if response.status_code != 200:
            raise UpstreamError(f"The {what} answered with status {response.status_code}.")
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > max_bytes:
            raise PayloadTooLarge(f"The {what} is larger than {max_bytes // 2**20} MB.")
        received = 0
        with dest.open("wb") as fh:
            async for chunk in response.aiter_bytes(1 << 20):
                received += len(chunk)
                if received > max_bytes:
                    raise PayloadTooLarge(f"The {what} is larger than {max_bytes // 2**20} MB.")
                fh.write(chunk)
        log.info("media_url_fetched", host=url.host, bytes=received)
        return None

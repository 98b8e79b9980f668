"""Fetching a user-supplied media URL: https only, allowed hosts only (the audio import's allowlist rules), bounded size."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx

from mv.audio.urls import allowlisted, resolve_public
from mv.core.errors import BadRequest, PayloadTooLarge, UpstreamError
from mv.core.logging import get_logger

log = get_logger(__name__)

DEFAULT_HOSTS = frozenset({"replicate.delivery"})
MAX_REDIRECTS = 3


class UrlRefused(BadRequest):
    """A media URL is not one Encore will fetch."""


def _default_host(host: str) -> bool:
    return any(host == h or host.endswith("." + h) for h in DEFAULT_HOSTS)


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
    if not (allowlisted(host, parsed.port, operator_hosts) or (_default_host(host) and parsed.port in (None, 443))):
        raise UrlRefused(f"The {what} is on a host this server does not fetch from; use an asset id instead.")
    return parsed


async def check_public(url: httpx.URL, operator_hosts: frozenset[str], what: str) -> None:
    """Hosts the operator allowlisted are trusted as configured; any other host must resolve to public addresses only."""
    host = (url.host or "").lower().rstrip(".")
    if allowlisted(host, url.port, operator_hosts):
        return
    try:
        await asyncio.to_thread(resolve_public, host, url.port or 443)
    except BadRequest:
        raise UrlRefused(f"The {what} points at a private or local address, or its host cannot be resolved.") from None


async def fetch(url: str, dest: Path, *, operator_hosts: frozenset[str], max_bytes: int, what: str, timeout: float = 120.0) -> Path:
    """Download `url` to `dest`, re-checking every redirect; the file is only ever used after this returns."""
    current = check_url(url, operator_hosts, what)
    async with httpx.AsyncClient(timeout=httpx.Timeout(timeout, connect=10.0), follow_redirects=False, trust_env=False) as client:
        for _ in range(MAX_REDIRECTS + 1):
            await check_public(current, operator_hosts, what)
            async with client.stream("GET", current) as response:
                if response.is_redirect:
                    location = response.headers.get("location", "")
                    current = check_url(str(current.join(location)), operator_hosts, what)
                    continue
                if response.status_code != 200:
                    raise UpstreamError(f"The {what} answered with status {response.status_code}.")
                declared = int(response.headers.get("content-length") or 0)
                if declared > max_bytes:
                    raise PayloadTooLarge(f"The {what} is larger than {max_bytes // 2**20} MB.")
                received = 0
                with dest.open("wb") as fh:
                    async for chunk in response.aiter_bytes(1 << 20):
                        received += len(chunk)
                        if received > max_bytes:
                            raise PayloadTooLarge(f"The {what} is larger than {max_bytes // 2**20} MB.")
                        fh.write(chunk)
                log.info("media_url_fetched", host=current.host, bytes=received)
                return dest
    raise UrlRefused(f"The {what} redirected too many times.")

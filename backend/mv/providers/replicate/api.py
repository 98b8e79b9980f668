"""Replicate's HTTP API as Encore reads it: one authenticated client, every request bounded by REPLICATE_TIMEOUT."""

from __future__ import annotations

import asyncio
import mimetypes
from pathlib import Path
from typing import Any

import httpx
import stamina

from mv.core.errors import UpstreamError
from mv.providers.replicate.hosts import FileHosts
from mv.providers.replicate.pacing import GET_BUDGET_PER_SECOND, Budget, Clock, Pacer

MIN_UPLOAD_BYTES_PER_SECOND = 128 * 1024
"""An upload slower than this overall is given up (a stalled one fails sooner: at the timeout)."""
MAX_RETRY_AFTER = 30.0


class Transient(Exception):
    """A request that may succeed when tried again (5xx, 429)."""

    def __init__(self, status: int) -> None:
        super().__init__(f"HTTP {status}")
        self.status = status


UNREACHABLE = (Transient, httpx.TransportError, TimeoutError)
"""What a request that may succeed later fails with; once retries are spent, callers report it as an upstream error."""


def is_transient(exc: Exception) -> bool:
    """Whether a failed request is worth another try: 5xx/429, a transport error, or a timeout."""
    return isinstance(exc, UNREACHABLE)


def api_base(url: str) -> str:
    """The base URL without a trailing `/v1` (request paths carry it)."""
    base = url.rstrip("/")
    return base[:-3] if base.endswith("/v1") else base


def retry_after(response: httpx.Response) -> float | None:
    """The `Retry-After` of a response in seconds, when it gives a number."""
    try:
        return max(0.0, float(response.headers.get("Retry-After", "")))
    except ValueError:
        return None


def problem_detail(response: httpx.Response) -> str:
    """The `detail` of an error answer (RFC 7807), cut short; the status when there is none."""
    try:
        detail = response.json().get("detail")
    except (ValueError, AttributeError):
        detail = None
    return str(detail)[:300] if detail else f"HTTP {response.status_code}"


class ReplicateApi:
    """Paced, retried reads and uploads; each attempt gives up after `timeout` seconds without an answer."""

    def __init__(self, base_url: str, token: str, timeout: float, clock: Clock, reads: Budget | None = None) -> None:
        self.timeout = timeout
        self.hosts = FileHosts.for_api(base_url)
        self.http = httpx.AsyncClient(
            base_url=api_base(base_url),
            headers={"Authorization": f"Bearer {token}", "User-Agent": "encore"},
            timeout=httpx.Timeout(timeout),
        )
        self.pacer: Budget = reads or Pacer(GET_BUDGET_PER_SECOND, clock)
        self.clock = clock

    def local_path(self, url: str | None) -> str | None:
        """A pagination link as a path on the API, or None when it is absent or points anywhere else."""
        if not url:
            return None
        parsed = httpx.URL(url)
        if parsed.is_relative_url:
            return str(parsed) if str(parsed).startswith("/v1/") else None
        if not self.hosts.is_api(parsed):
            return None
        return parsed.raw_path.decode("ascii")

    @stamina.retry(on=is_transient, attempts=6, wait_initial=0.2, wait_max=8.0, timeout=120.0)
    async def get_json(self, path: str) -> dict[str, Any]:
        """GET a JSON document; 5xx, 429 (after its Retry-After), transport errors and timeouts are retried."""
        await self.pacer.wait()
        response = await asyncio.wait_for(self.http.get(path), self.timeout)
        if response.status_code == 429:
            await self.clock.sleep(min(retry_after(response) or 0.0, MAX_RETRY_AFTER))
            raise Transient(429)
        if response.status_code >= 500:
            raise Transient(response.status_code)
        if response.status_code == 404:
            raise UpstreamError("Replicate no longer knows this prediction.")
        if response.status_code >= 400:
            raise UpstreamError(f"Replicate refused to report on the prediction (HTTP {response.status_code}).")
        return response.json()  # type: ignore[no-any-return]

    async def upload(self, path: Path) -> str:
        """Upload a file through the files API; its URL. A stalled attempt fails within the timeout and is tried again."""
        try:
            return await self._upload(path)
        except UNREACHABLE:
            raise UpstreamError("Replicate's files API did not take an input file after several tries; the job can be retried.") from None

    @stamina.retry(on=is_transient, attempts=4, wait_initial=0.5, wait_max=8.0, timeout=900.0)
    async def _upload(self, path: Path) -> str:
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        budget = self.timeout + path.stat().st_size / MIN_UPLOAD_BYTES_PER_SECOND
        with path.open("rb") as fh:
            files = {"content": (path.name, fh, content_type)}
            response = await asyncio.wait_for(self.http.post("/v1/files", files=files), budget)
        if response.status_code >= 500 or response.status_code == 429:
            raise Transient(response.status_code)
        if response.status_code >= 400:
            raise UpstreamError(f"Replicate refused an input file: {problem_detail(response)}.")
        url = (response.json().get("urls") or {}).get("get")
        if not isinstance(url, str) or not url.startswith(("https://", "http://")):
            raise UpstreamError("Replicate did not return a URL for an uploaded file.")
        return url

    async def close(self) -> None:
        """Release connections."""
        await self.http.aclose()

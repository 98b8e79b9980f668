"""Encore's HTTP API as the command line uses it: errors become `CliError`s, busy answers are retried."""

from __future__ import annotations

import asyncio
import json
import mimetypes
import os
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpx

from encore_cli.errors import ApiError, Unreachable

TIMEOUT = httpx.Timeout(30.0, connect=5.0)
UPLOAD_TIMEOUT = httpx.Timeout(300.0, connect=5.0)
STREAM_TIMEOUT = httpx.Timeout(30.0, connect=5.0, read=60.0)
RETRIES = 5
LONGEST_PAUSE = 60.0
USER_AGENT = "encore-cli"


@dataclass(frozen=True)
class Started:
    """A long operation's answer: its result when it finished at once, else the job to follow."""

    result: dict[str, Any] | None = None
    job_id: str | None = None


def error_of(response: httpx.Response) -> ApiError:
    """The `ApiError` an error response stands for."""
    try:
        body = response.json()
    except ValueError:
        body = None
    if isinstance(body, dict) and isinstance(body.get("error"), str):
        detail = body.get("detail")
        return ApiError(response.status_code, body["error"], detail if isinstance(detail, str) and detail else body["error"])
    return ApiError(response.status_code, "HttpError", f"The server answered HTTP {response.status_code}.")


def _pause_for(response: httpx.Response, attempt: int) -> float:
    try:
        pause = float(response.headers.get("Retry-After", ""))
    except ValueError:
        pause = 2.0**attempt
    return min(LONGEST_PAUSE, max(0.5, pause))


def _reason(exc: httpx.HTTPError) -> str:
    if isinstance(exc, httpx.ConnectTimeout):
        return "connection timed out"
    if isinstance(exc, httpx.ConnectError):
        return "no connection"
    if isinstance(exc, httpx.TimeoutException):
        return "no answer in time"
    return "the connection broke"


class EncoreClient:
    """One Encore server: its base URL and, when it needs one, the API key sent as `X-API-Key`."""

    def __init__(self, base_url: str, api_key: str | None = None, *, transport: httpx.AsyncBaseTransport | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        headers = {"User-Agent": USER_AGENT}
        if api_key:
            headers["X-API-Key"] = api_key
        self._transport = transport
        self._http = httpx.AsyncClient(base_url=self.base_url, headers=headers, timeout=TIMEOUT, transport=transport)
        self._reached = False

    async def __aenter__(self) -> EncoreClient:
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the connection pool."""
        await self._http.aclose()

    async def _send(self, method: str, path: str, *, resend: bool = True, **kwargs: Any) -> httpx.Response:
        """Send one request; retry busy answers (429/503, after Retry-After) and, when `resend`, dropped connections."""
        attempt = 0
        while True:
            try:
                response = await self._http.request(method, path, **kwargs)
            except httpx.HTTPError as exc:
                refused = isinstance(exc, (httpx.ConnectError, httpx.ConnectTimeout))
                if attempt < RETRIES and self._reached and (refused or resend):
                    await asyncio.sleep(min(LONGEST_PAUSE, 2.0**attempt))
                    attempt += 1
                    continue
                where = "lost" if self._reached else "cannot reach"
                raise Unreachable(f"Encore at {self.base_url}: {where} the server ({_reason(exc)}).") from None
            self._reached = True
            if response.status_code not in (429, 503) or attempt >= RETRIES:
                return response
            await asyncio.sleep(_pause_for(response, attempt))
            attempt += 1

    async def get_json(self, path: str, **params: Any) -> dict[str, Any]:
        """GET a JSON document or raise the server's error."""
        response = await self._send("GET", path, params=params or None)
        if response.status_code >= 400:
            raise error_of(response)
        return self._json(response)

    def _json(self, response: httpx.Response) -> dict[str, Any]:
        try:
            body = response.json()
        except ValueError:
            body = None
        if not isinstance(body, dict):
            raise ApiError(response.status_code, "NotEncore", f"The server at {self.base_url} did not answer like Encore.")
        return body

    async def health(self) -> dict[str, Any]:
        """`GET /healthz`, checked to come from Encore."""
        response = await self._send("GET", "/healthz")
        try:
            body = response.json()
        except ValueError:
            body = None
        if response.status_code != 200 or not isinstance(body, dict) or body.get("status") != "ok":
            raise ApiError(response.status_code, "NotEncore", f"The server at {self.base_url} did not answer like Encore.")
        return body

    async def projects(self, *, limit: int, offset: int, workspace: str | None = None) -> dict[str, Any]:
        """`GET /api/projects`: one page, newest first, of the workspace named (else the caller's own)."""
        headers = {"X-Encore-Workspace": workspace} if workspace else None
        response = await self._send("GET", "/api/projects", params={"limit": limit, "offset": offset}, headers=headers)
        if response.status_code >= 400:
            raise error_of(response)
        return self._json(response)

    async def flavors(self) -> list[str]:
        """The config flavors the server offers."""
        return [str(f) for f in (await self.get_json("/api/mv/get_config_flavors")).get("flavors", [])]

    async def job(self, job_id: str) -> dict[str, Any]:
        """`GET /api/jobs/{id}`."""
        return await self.get_json(f"/api/jobs/{job_id}")

    async def start(self, path: str, body: dict[str, Any]) -> Started:
        """POST a long operation without waiting; the same Idempotency-Key makes a resend safe."""
        key = f"encore-cli-{uuid.uuid4()}"
        response = await self._send("POST", path, params={"wait": 0}, json=body, headers={"Idempotency-Key": key})
        if response.status_code >= 400:
            raise error_of(response)
        data = self._json(response)
        if response.status_code == 202:
            job_id = data.get("job_id")
            if not isinstance(job_id, str):
                raise ApiError(202, "BadAccepted", "The server accepted the request but named no job.")
            return Started(job_id=job_id)
        return Started(result=data)

    async def post_json(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        """POST a short request and return its JSON answer."""
        response = await self._send("POST", path, json=body, resend=False)
        if response.status_code >= 400:
            raise error_of(response)
        return self._json(response)

    async def upload_audio(self, song: Path) -> dict[str, Any]:
        """`POST /api/audio/upload` with the file streamed from disk."""
        kind = mimetypes.guess_type(song.name)[0] or "application/octet-stream"
        with song.open("rb") as handle:
            response = await self._send(
                "POST", "/api/audio/upload", resend=False, files={"file": (song.name, handle, kind)}, timeout=UPLOAD_TIMEOUT
            )
        if response.status_code >= 400:
            raise error_of(response)
        return self._json(response)

    async def job_events(self, job_ids: list[str]) -> AsyncIterator[dict[str, Any]]:
        """Each `event: job` of `GET /api/jobs/events?ids=…` as a job view."""
        params = {"ids": ",".join(job_ids)}
        async with self._http.stream("GET", "/api/jobs/events", params=params, timeout=STREAM_TIMEOUT) as response:
            if response.status_code >= 400:
                await response.aread()
                raise error_of(response)
            event, data = "", []
            async for line in response.aiter_lines():
                if line:
                    field, _, value = line.partition(":")
                    if field == "event":
                        event = value.strip()
                    elif field == "data":
                        data.append(value.removeprefix(" "))
                    continue
                if event == "job" and data:
                    yield json.loads("\n".join(data))
                event, data = "", []

    async def download(self, url: str, target: Path) -> int:
        """Save a media URL (same-origin route or presigned link) to `target` atomically; returns its size."""
        absolute = urljoin(self.base_url + "/", url)
        partial = target.with_name(f".{target.name}.{uuid.uuid4().hex[:8]}.part")
        try:
            size = await self._fetch(absolute, partial)
            os.replace(partial, target)
            return size
        finally:
            partial.unlink(missing_ok=True)

    def _same_origin(self, url: str) -> bool:
        mine, theirs = urlsplit(self.base_url), urlsplit(url)
        return (mine.scheme, mine.netloc) == (theirs.scheme, theirs.netloc)

    async def _fetch(self, url: str, partial: Path) -> int:
        """Stream `url` into `partial`, following redirects by hand so the API key never leaves the server's origin."""
        for _ in range(4):
            if self._same_origin(url):
                size, location = await self._stream_to(self._http, url, partial)
            else:
                async with httpx.AsyncClient(timeout=UPLOAD_TIMEOUT, headers={"User-Agent": USER_AGENT}, transport=self._transport) as plain:
                    size, location = await self._stream_to(plain, url, partial)
            if location is None:
                return size
            url = urljoin(url, location)
        raise ApiError(310, "TooManyRedirects", "The video download was redirected too often.")

    async def _stream_to(self, http: httpx.AsyncClient, url: str, partial: Path) -> tuple[int, str | None]:
        try:
            async with http.stream("GET", url, timeout=UPLOAD_TIMEOUT) as response:
                if response.is_redirect:
                    return 0, response.headers.get("Location")
                if response.status_code != 200:
                    await response.aread()
                    if response.status_code == 202:
                        raise ApiError(202, "NotReady", "The video is not ready yet.")
                    raise error_of(response)
                size = 0
                with partial.open("wb") as out:
                    async for chunk in response.aiter_bytes(1 << 16):
                        out.write(chunk)
                        size += len(chunk)
                return size, None
        except httpx.HTTPError as exc:
            raise Unreachable(f"The video download from {urlsplit(url).netloc} failed ({_reason(exc)}).") from None

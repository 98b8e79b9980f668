"""Files to and from Replicate: inputs it can fetch, outputs fetched at once, the token only ever on the API's own origin."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
import stamina

from mv.core.errors import UpstreamError
from mv.core.logging import get_logger
from mv.core.storage import MediaStorage, content_type_for, s3_key_for
from mv.jobs.runner import JobContext
from mv.providers.replicate.api import UNREACHABLE, ReplicateApi, Transient, is_transient
from mv.providers.replicate.hosts import FileHosts

log = get_logger(__name__)

MAX_DOWNLOAD_SECONDS = 600.0
"""One output download may take this long in all; a stalled one fails sooner, at REPLICATE_TIMEOUT."""
MAX_OUTPUT_BYTES = 2 << 30
"""The largest output file Encore takes (2 GiB: far above any clip, image or lipsync a model returns)."""
TOO_LARGE = f"An output file from Replicate is larger than {MAX_OUTPUT_BYTES >> 30} GiB; it was not kept."
REFUSED_HOST = "The model pointed at an output file outside Replicate's file host."


class Files:
    """Input URLs (presigned S3, else Replicate's files API) and output downloads with every hop vetted."""

    def __init__(self, api: ReplicateApi, storage: MediaStorage, token: str) -> None:
        self.api = api
        self.storage = storage
        self.hosts: FileHosts = api.hosts
        self._token = token
        self._downloads: httpx.AsyncClient | None = None

    async def input_url(self, ctx: JobContext, path: Path, name: str) -> str:
        """A URL Replicate can fetch for a local file: presigned S3 when configured, else Replicate's files API."""
        if self.storage.s3 is not None:
            key = f"jobs/{ctx.id}/{name}{path.suffix.lower()}"
            try:
                s3_key = s3_key_for(key)
                await self.storage.s3.upload(path, s3_key, content_type_for(key))
                url = await self.storage.s3.presign(s3_key)
                if url:
                    return str(url)
            except Exception as exc:  # noqa: BLE001 - fall back to Replicate's own file storage
                log.warning("s3_input_failed", error=type(exc).__name__)
        return await self.api.upload(path)

    def client(self) -> httpx.AsyncClient:
        """The client for output files: no default credentials; each hop is vetted and given the token only on the API's origin."""
        if self._downloads is None:
            self._downloads = httpx.AsyncClient(
                timeout=httpx.Timeout(self.api.timeout), follow_redirects=True, max_redirects=5, trust_env=False,
                event_hooks={"request": [self._vet]},
            )
        return self._downloads

    async def _vet(self, request: httpx.Request) -> None:
        """Refuse any hop off Replicate's file host or the API's origin (other schemes included) before it connects."""
        url = request.url
        if self.hosts.is_api(url):
            request.headers["Authorization"] = f"Bearer {self._token}"
            return
        request.headers.pop("Authorization", None)
        if self.hosts.delivery(url):
            return
        log.warning("output_host_refused", scheme=url.scheme, host=url.host)
        raise UpstreamError(REFUSED_HOST)

    async def download(self, url: str, dest: Path) -> Path:
        """Stream an output file to disk at once (Replicate deletes outputs after an hour)."""
        if not url.startswith(("https://", "http://")):
            raise UpstreamError("The model returned an output that is not a downloadable file.")
        try:
            return await self._download(url, dest)
        except UNREACHABLE:
            raise UpstreamError("An output file could not be downloaded from Replicate after several tries.") from None

    @stamina.retry(on=is_transient, attempts=4, wait_initial=0.5, wait_max=8.0, timeout=900.0)
    async def _download(self, url: str, dest: Path) -> Path:
        part = dest.with_suffix(dest.suffix + ".part")
        try:
            async with asyncio.timeout(MAX_DOWNLOAD_SECONDS), self.client().stream("GET", url) as response:
                if response.status_code >= 500 or response.status_code == 429:
                    raise Transient(response.status_code)
                if response.status_code >= 400:
                    raise UpstreamError("An output file could not be downloaded from Replicate.")
                declared = response.headers.get("content-length", "")
                if declared.isdigit() and int(declared) > MAX_OUTPUT_BYTES:
                    raise UpstreamError(TOO_LARGE)
                received = 0
                with part.open("wb") as fh:
                    async for chunk in response.aiter_bytes():
                        received += len(chunk)
                        if received > MAX_OUTPUT_BYTES:
                            raise UpstreamError(TOO_LARGE)
                        fh.write(chunk)
        except BaseException:
            part.unlink(missing_ok=True)
            raise
        part.replace(dest)
        return dest

    async def close(self) -> None:
        """Release connections."""
        if self._downloads is not None:
            await self._downloads.aclose()

"""Importing the audio of one video with yt-dlp, as a job, inside a connection policy and a byte budget."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

from mv.audio import service, ytdlp
from mv.audio.media import probe_audio
from mv.audio.urls import Policy, allowlisted, check_url, resolve
from mv.core.errors import BadRequest, PayloadTooLarge, UpstreamError
from mv.core.ffmpeg import AUDIO_FORMATS
from mv.core.ids import new_id
from mv.core.logging import get_logger
from mv.deps import Services
from mv.jobs.runner import JobContext
from mv.jobs.schemas import Job

log = get_logger(__name__)

JOB_KIND = "audio_download"


async def start(services: Services, url: str, audio_quality: str) -> Job:
    """Check the link (400 before any request to it) and queue the import."""
    settings = services.settings
    target = check_url(url, settings.download_hosts)
    private_ok = settings.mv_download_allow_private and allowlisted(target.host, target.port, settings.download_hosts)
    await asyncio.to_thread(resolve, target.host, target.port or _default_port(target.url), allow_private=private_ok)
    return await services.runner.submit(JOB_KIND, {"url": target.url, "audio_quality": audio_quality, "audio_id": new_id()})


def handler(services: Services) -> Callable[[JobContext], Any]:
    """The job handler for imports, bound to the app's services."""

    async def run(ctx: JobContext) -> dict[str, Any]:
        audio_id = ctx.request["audio_id"]
        existing = await services.assets.get(audio_id)
        if existing is not None and existing.ready:
            return service.to_audio_asset(existing).model_dump()
        target = check_url(ctx.request["url"], services.settings.download_hosts)
        settings = services.settings
        loop = asyncio.get_running_loop()
        last = {"at": 0.0}

        def hook(status: dict[str, Any]) -> None:
            total = status.get("total_bytes") or status.get("total_bytes_estimate")
            done = status.get("downloaded_bytes") or 0
            now = time.monotonic()
            if status.get("status") == "downloading" and total and now - last["at"] > 0.25:
                last["at"] = now
                fraction = 0.05 + 0.8 * min(done / total, 1.0)
                asyncio.run_coroutine_threadsafe(ctx.progress(fraction, "Downloading"), loop)

        await ctx.progress(0.02, "Fetching the link")
        max_bytes = settings.mv_max_upload_mb * 2**20
        scope = ytdlp.Scope(
            policy=Policy(youtube=target.youtube, allowed=settings.download_hosts, allow_private=settings.mv_download_allow_private),
            budget=ytdlp.budget_for(max_bytes),
        )
        logger = ytdlp.YtdlpLog()
        rejected: dict[str, str] = {}
        with services.storage.workspace() as workdir:
            options = ytdlp.ytdlp_options(
                workdir, youtube=target.youtube, max_bytes=max_bytes,
                max_seconds=settings.mv_max_audio_seconds, hook=hook, logger=logger, rejected=rejected,
            )
            try:
                info = await asyncio.to_thread(ytdlp.run, target.url, scope, options)
            except Exception as exc:  # noqa: BLE001 - yt-dlp raises DownloadError wrapping anything
                _raise_for(scope, rejected, logger, exc)
            produced = [p for p in workdir.glob("source.*") if p.suffix not in (".part", ".ytdl")]
            if not produced:
                _raise_for(scope, rejected, logger, None)
            if produced[0].stat().st_size > max_bytes:
                raise PayloadTooLarge(TOO_LARGE)
            await ctx.progress(0.9, "Converting")
            probe = await probe_audio(produced[0], AUDIO_FORMATS)
            title = service.clean_title(info.get("title") or info.get("track"))
            extra = {
                "source": "download",
                "uploader": service.clean_title(info.get("uploader") or info.get("channel"), "") or None,
                "thumbnail": info.get("thumbnail") if str(info.get("thumbnail") or "").startswith("https://") else None,
                "upload_date": info.get("upload_date"),
                "webpage_url": target.url,
                "extractor": info.get("extractor_key"),
            }
            asset, cloud_url = await service.store_audio(
                services, produced[0], probe, audio_id=audio_id, title=title, info=extra, workdir=workdir,
                job_id=ctx.id, bitrate_k=int(ctx.request.get("audio_quality") or 192),
            )
        return service.to_audio_asset(asset, cloud_url).model_dump()

    return run


REFUSALS = {
    "host": "The link led to a host that imports may not reach.",
    "address": "The link's host resolves to a private or local address.",
    "scheme": "The link redirected to something other than http or https, which imports never follow.",
    "stream": "The media at the link is a stream (HLS, DASH, RTMP …) that imports do not fetch; link to the audio file itself.",
    "encoding": "The link's server sent compressed data that was not asked for.",
}
TOO_LARGE = "The audio is larger than the upload limit."


def _default_port(url: str) -> int:
    return 443 if url.lower().startswith("https:") else 80


def _raise_for(scope: ytdlp.Scope, rejected: dict[str, str], logger: ytdlp.YtdlpLog, exc: Exception | None) -> None:
    reason = scope.policy.refused or rejected.get("reason")
    if reason in REFUSALS:
        raise BadRequest(REFUSALS[reason])
    if scope.budget.exceeded:
        raise PayloadTooLarge("The link sent more data than the import limit allows.")
    if reason == "duration":
        raise PayloadTooLarge("The video is longer than the audio length limit.")
    if reason == "playlist":
        raise BadRequest("Playlist links are not supported; link to one video instead.")
    if reason == "live":
        raise BadRequest("Live streams cannot be imported.")
    if logger.skipped == "size":
        raise PayloadTooLarge(TOO_LARGE)
    message = str(exc or "")
    if any(s in message for s in ("Unsupported URL", "No video formats", "Requested format is not available", "unusual and will be skipped")):
        raise BadRequest("No audio was found at the link.")
    log.warning("audio_download_failed", error=type(exc).__name__ if exc else "no_file", message=message[:300])
    raise UpstreamError("The audio could not be downloaded from the link.")


def setup(services: Services) -> None:
    """Register the import job."""
    services.runner.register(JOB_KIND, handler(services))

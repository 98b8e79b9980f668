"""Importing the audio of one video with yt-dlp, as a job, inside a connection policy."""

from __future__ import annotations

import asyncio
import contextvars
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from mv.audio import service
from mv.audio.media import probe_audio
from mv.audio.urls import ForbiddenHost, Policy, check_url, resolve_public
from mv.core.errors import BadRequest, PayloadTooLarge, UpstreamError
from mv.core.ffmpeg import AUDIO_FORMATS
from mv.core.ids import new_id
from mv.core.logging import get_logger
from mv.deps import Services
from mv.jobs.runner import JobContext
from mv.jobs.schemas import Job

log = get_logger(__name__)

JOB_KIND = "audio_download"
_policy: contextvars.ContextVar[Policy | None] = contextvars.ContextVar("audio_import_policy", default=None)


def _guarded(original: Callable[..., Any]) -> Callable[..., Any]:
    def create_connection(address: tuple[Any, ...], *args: Any, **kwargs: Any) -> Any:
        policy = _policy.get()
        if policy is None:
            raise ForbiddenHost("network access is only allowed inside an audio import")
        host, port = str(address[0]), int(address[1])
        addresses = policy.vet(host, port)
        if addresses is None:
            return original(address, *args, **kwargs)
        error: OSError | None = None
        for _, ip in addresses:
            try:
                return original((ip, port, *address[2:]), *args, **kwargs)
            except OSError as exc:
                error = exc
        raise error or OSError("no address to connect to")

    create_connection.encore_guard = True  # type: ignore[attr-defined]
    return create_connection


def install_guard() -> None:
    """Route every connection of yt-dlp's urllib handler through the current import's policy (redirects included)."""
    from yt_dlp.networking import _urllib

    if not getattr(_urllib.create_connection, "encore_guard", False):
        _urllib.create_connection = _guarded(_urllib.create_connection)


def _downloader() -> type:
    import yt_dlp

    class GuardedYoutubeDL(yt_dlp.YoutubeDL):  # type: ignore[misc]
        """yt-dlp with only the urllib request handler, whose connections pass through the guard."""

        def build_request_director(self, handlers: Any, preferences: Any = None) -> Any:
            return super().build_request_director([h for h in handlers if h.RH_KEY == "Urllib"], preferences)

    return GuardedYoutubeDL


class _Log:
    """yt-dlp's logger, into ours; remembers why a download was skipped."""

    def __init__(self) -> None:
        self.skipped: str | None = None

    def debug(self, msg: str) -> None:
        if "max-filesize" in msg or "max_filesize" in msg:
            self.skipped = "size"

    info = debug

    def warning(self, msg: str) -> None:
        self.debug(msg)
        log.info("ytdlp_warning", message=msg[:300])

    def error(self, msg: str) -> None:
        log.info("ytdlp_error", message=msg[:300])


def ytdlp_options(workdir: Path, *, youtube: bool, max_bytes: int, max_seconds: int, hook: Callable[[dict[str, Any]], None], logger: _Log, rejected: dict[str, str]) -> dict[str, Any]:
    """The only yt-dlp options Encore uses: one item, fixed names, caps, no config, no file URLs."""

    def match_filter(info: dict[str, Any], *, incomplete: bool = False) -> str | None:
        if info.get("_type") in ("playlist", "multi_video"):
            rejected["reason"] = "playlist"
            return "playlists are not imported"
        if info.get("is_live") or info.get("live_status") in ("is_live", "is_upcoming"):
            rejected["reason"] = "live"
            return "live streams are not imported"
        duration = info.get("duration")
        if isinstance(duration, (int, float)) and duration > max_seconds:
            rejected["reason"] = "duration"
            return "too long"
        return None

    return {
        "format": "bestaudio/best",
        "paths": {"home": str(workdir), "temp": str(workdir)},
        "outtmpl": {"default": "source.%(ext)s"},
        "restrictfilenames": True,
        "windowsfilenames": True,
        "noplaylist": True,
        "playlist_items": "1",
        "ignoreconfig": True,
        "enable_file_urls": False,
        "allowed_extractors": ["Youtube"] if youtube else ["Generic"],
        "max_filesize": max_bytes,
        "match_filter": match_filter,
        "socket_timeout": 20,
        "retries": 2,
        "fragment_retries": 2,
        "extractor_retries": 1,
        "concurrent_fragment_downloads": 1,
        "cachedir": False,
        "quiet": True,
        "no_warnings": False,
        "noprogress": True,
        "logger": logger,
        "progress_hooks": [hook],
        "writethumbnail": False,
        "writeinfojson": False,
        "writesubtitles": False,
        "updatetime": False,
        "overwrites": True,
        "color": {"stdout": "never", "stderr": "never"},
    }


def _fetch(url: str, workdir: Path, policy: Policy, options: dict[str, Any]) -> dict[str, Any]:
    """Run yt-dlp in this thread under `policy`; returns the sanitised info dict."""
    install_guard()
    _policy.set(policy)
    with _downloader()(options) as ydl:
        info = ydl.extract_info(url, download=True)
        return ydl.sanitize_info(info) if info else {}


async def start(services: Services, url: str, audio_quality: str) -> Job:
    """Check the link (400 before any request to it) and queue the import."""
    target = check_url(url, services.settings.download_hosts)
    if target.youtube:
        await asyncio.to_thread(resolve_public, target.host, target.port or 443)
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
        policy = Policy(youtube=target.youtube, allowed=settings.download_hosts)
        logger = _Log()
        rejected: dict[str, str] = {}
        with services.storage.workspace() as workdir:
            options = ytdlp_options(
                workdir, youtube=target.youtube, max_bytes=settings.mv_max_upload_mb * 2**20,
                max_seconds=settings.mv_max_audio_seconds, hook=hook, logger=logger, rejected=rejected,
            )
            try:
                info = await asyncio.to_thread(_fetch, target.url, workdir, policy, options)
            except Exception as exc:  # noqa: BLE001 - yt-dlp raises DownloadError wrapping anything
                _raise_for(policy, rejected, logger, exc)
            produced = [p for p in workdir.glob("source.*") if p.suffix not in (".part", ".ytdl")]
            if not produced:
                _raise_for(policy, rejected, logger, None)
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


def _raise_for(policy: Policy, rejected: dict[str, str], logger: _Log, exc: Exception | None) -> None:
    if policy.refused:
        raise BadRequest("The link led to a host that imports may not reach.")
    reason = rejected.get("reason")
    if reason == "duration":
        raise PayloadTooLarge("The video is longer than the audio length limit.")
    if reason == "playlist":
        raise BadRequest("Playlist links are not supported; link to one video instead.")
    if reason == "live":
        raise BadRequest("Live streams cannot be imported.")
    if logger.skipped == "size":
        raise PayloadTooLarge("The audio is larger than the upload limit.")
    message = str(exc or "")
    if any(s in message for s in ("Unsupported URL", "No video formats", "Requested format is not available", "unusual and will be skipped")):
        raise BadRequest("No audio was found at the link.")
    log.warning("audio_download_failed", error=type(exc).__name__ if exc else "no_file", message=message[:300])
    raise UpstreamError("The audio could not be downloaded from the link.")


def setup(services: Services) -> None:
    """Register the import job."""
    services.runner.register(JOB_KIND, handler(services))

"""Lipsync as a job: resolve the clip and the song, cut the window, call the provider, store a new video."""

from __future__ import annotations

import asyncio
import time
from functools import partial
from pathlib import Path
from typing import Any

from mv.assets.service import require_one
from mv.audio.service import cut_segment, ingest_file
from mv.core import ffmpeg
from mv.core.errors import BadRequest, EncoreError, InternalError
from mv.core.ids import new_id
from mv.core.logging import get_logger
from mv.deps import Services
from mv.flavors.schemas import LipsyncParams, VideoParams
from mv.jobs.runner import JobContext
from mv.jobs.schemas import Job
from mv.lipsync import fetch
from mv.lipsync.schemas import LipsyncRequest
from mv.media.clips import probe_clip
from mv.media.videos import store_video, video_key
from mv.providers.base import response_metadata
from mv.spend import service as spend

log = get_logger(__name__)

JOB_KIND = "lipsync"


def lipsync_window(start: float | None, end: float | None, track_length: float, clip_length: float) -> tuple[float, float]:
    """The song window `[start, end)`: start defaults to 0, end to start + the clip's length capped at the track's end."""
    start = 0.0 if start is None else start
    if start < 0:
        raise BadRequest("start_time cannot be negative.")
    if start >= track_length:
        raise BadRequest(f"start_time ({start:g} s) is at or past the end of the song, which is {track_length:.2f} s long.")
    if end is None:
        end = min(start + clip_length, track_length)
    elif end <= start:
        raise BadRequest("end_time must be after start_time.")
    elif end > track_length + 1e-3:
        raise BadRequest(f"end_time ({end:g} s) is past the end of the song, which is {track_length:.2f} s long.")
    return start, min(end, track_length)


def _track_length(info: dict[str, Any]) -> float:
    return float(info.get("duration") or 0.0)


def _expected_seconds(services: Services, body: LipsyncRequest, source_info: dict[str, Any]) -> float:
    """The length the lipsync will bill: the window when given, else the clip's length as recorded, else the flavor's."""
    if body.end_time is not None:
        return max(0.0, body.end_time - (body.start_time or 0.0))
    recorded = (source_info.get("parameters") or {}).get("duration")
    if isinstance(recorded, (int, float)) and recorded > 0:
        return float(recorded)
    return float(services.flavors.load(body.config_flavor, VideoParams, into="mv.lipsync.service:video_params").duration)


async def start(services: Services, body: LipsyncRequest) -> Job:
    """Check what can be checked now (provider, ids, URL policy, window against a known song), then queue the job."""
    provider = services.providers.resolve(body.provider)
    allowed = services.settings.download_hosts
    source_video_id = str(body.video_id) if body.video_id else None
    source = None
    if source_video_id:
        source = await require_one(services, "video", source_video_id)
    else:
        fetch.check_url(body.video_url or "", allowed, "video_url")
    if body.audio_id:
        song = await require_one(services, "audio", str(body.audio_id))
        lipsync_window(body.start_time, body.end_time, _track_length(song.info), 0.0)
    else:
        fetch.check_url(body.audio_url or "", allowed, "audio_url")
    video_id = new_id()
    params = services.flavors.load(body.config_flavor, LipsyncParams, into="mv.lipsync.service:lipsync_params")
    seconds = _expected_seconds(services, body, source.info if source else {})
    await spend.reserve(services, provider, video_id, [("lipsync", params.model, params.price_per_second * seconds)])
    request = body.model_dump(mode="json")
    if body.video_id:
        request["video_url"] = None
    if body.audio_id:
        request["audio_url"] = None
    request["provider"] = provider
    await services.assets.insert(
        asset_id=video_id, kind="video", status="queued", job_id=video_id, parent_id=source_video_id,
        info={"source": "lipsync", "provider": provider, "config_flavor": body.config_flavor, "submitted_at": time.time()},
    )
    return await services.runner.submit(JOB_KIND, request, job_id=video_id)


async def _source_video(services: Services, request: dict[str, Any], workdir: Path) -> Path:
    if request.get("video_id"):
        asset = await require_one(services, "video", request["video_id"])
        return await services.storage.fetch(asset.storage_key or "")
    limit = services.settings.mv_max_upload_mb * 2**20
    allowed = services.settings.download_hosts
    path = await fetch.fetch(request["video_url"], workdir / "source_video.mp4", operator_hosts=allowed, max_bytes=limit, what="video_url",
                             allow_private=services.settings.mv_download_allow_private)
    return path


async def _source_audio(services: Services, ctx: JobContext, workdir: Path) -> str:
    """The song's audio id; a fetched URL becomes an audio asset first (once, even across restarts)."""
    request = ctx.request
    if request.get("audio_id"):
        return str(request["audio_id"])
    if ctx.state.get("fetched_audio_id"):
        return str(ctx.state["fetched_audio_id"])
    limit = services.settings.mv_max_upload_mb * 2**20
    allowed = services.settings.download_hosts
    fetched = await fetch.fetch(request["audio_url"], workdir / "source_audio", operator_hosts=allowed, max_bytes=limit, what="audio_url",
                                allow_private=services.settings.mv_download_allow_private)
    imported = await ingest_file(services, fetched, filename=None, workdir=workdir)
    await ctx.checkpoint(fetched_audio_id=imported.audio_id)
    return imported.audio_id


async def run(services: Services, ctx: JobContext) -> dict[str, Any]:
    """Lipsync the clip to its window of the song and store the result as a new video asset."""
    video_id = ctx.id
    request = ctx.request
    flavor, _ = services.flavors.registry.resolve(request.get("config_flavor"))
    params = services.flavors.load(request.get("config_flavor"), LipsyncParams, into="mv.lipsync.service:lipsync_params")
    provider = services.providers.get(request["provider"])
    await services.assets.update(video_id, status="running")
    started = time.perf_counter()
    try:
        with services.storage.workspace() as workdir:
            await ctx.progress(0.05, "Fetching the clip and the song")
            video, audio_id = await asyncio.gather(_source_video(services, request, workdir), _source_audio(services, ctx, workdir))
            clip = await probe_clip(video)
            song = await require_one(services, "audio", audio_id)
            window = lipsync_window(request.get("start_time"), request.get("end_time"), _track_length(song.info), clip.duration)
            segment = await cut_segment(services, audio_id, window[0], window[1], workdir, fmt="wav")
            prepared = time.perf_counter()
            await ctx.progress(0.15, "Lipsyncing")
            produced, provenance = await provider.lipsync(ctx, video, segment, params, workdir)
            await ffmpeg.probe(produced, ffmpeg.VIDEO_FORMATS)
            modelled = time.perf_counter()
            await ctx.progress(0.9, "Storing the video")
            stored = await store_video(services, produced, video_id)
    except asyncio.CancelledError:
        raise
    except Exception as exc:
        error = exc if isinstance(exc, EncoreError) else InternalError("The lipsync could not be made.")
        await services.assets.update(video_id, status="failed", info_patch={"error": error.body()})
        raise
    parameters = {
        "source_video_id": request.get("video_id"),
        "audio_id": audio_id,
        "start_time": round(window[0], 3),
        "end_time": round(window[1], 3),
        "segment_seconds": round(window[1] - window[0], 3),
        **{k: v for k, v in params.input.items() if isinstance(v, (str, int, float, bool))},
    }
    timings = {
        "prepare_seconds": round(prepared - started, 3),
        "provider_seconds": round(modelled - prepared, 3),
        "upload_seconds": stored.upload_seconds,
        "total_seconds": round(time.perf_counter() - started, 3),
    }
    metadata = {
        **response_metadata(flavor, provenance, parameters),
        "source_video_id": request.get("video_id"),
        "audio_id": audio_id,
        "start_time": parameters["start_time"],
        "end_time": parameters["end_time"],
        "cloud_urls": stored.cloud_urls,
        "cloud_url": stored.cloud_url,
        "local_video_url": stored.local_video_url,
        "timings": timings,
    }
    info = {"config_flavor": flavor, "provenance": provenance.as_dict(), "parameters": parameters, "timings": timings}
    await services.assets.update(video_id, status="succeeded", storage_key=video_key(video_id), s3_key=stored.s3_key, info_patch=info)
    log.info("video_lipsynced", video_id=video_id, provider=provenance.provider, model=provenance.model, seconds=timings["total_seconds"])
    return {"video_id": video_id, "video_url": stored.video_url, "poster_url": stored.poster_url, "metadata": metadata}


def setup(services: Services) -> None:
    """Register the lipsync job."""
    services.runner.register(JOB_KIND, partial(run, services))

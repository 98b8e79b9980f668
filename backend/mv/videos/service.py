"""Generating clips as durable jobs, and serving stored videos."""

from __future__ import annotations

import asyncio
import time
from functools import partial
from typing import Any

from fastapi.responses import JSONResponse, RedirectResponse, Response

from mv.analysis.window import music_for_clip
from mv.assets.service import lookup, require_one, served_from_s3
from mv.assets.schemas import Asset
from mv.audio.service import cut_segment
from mv.core.errors import EncoreError, InternalError, NotFound
from mv.core.ids import new_id
from mv.core.logging import get_logger
from mv.core.serving import stored_media
from mv.deps import Services
from mv.flavors.formats import video_params_at
from mv.flavors.models import clip_duration
from mv.flavors.schemas import VideoParams
from mv.jobs.runner import JobContext
from mv.jobs.schemas import Job
from mv.media.posters import ensure_poster, local_poster_url, poster_key
from mv.media.videos import local_video_url, store_video, video_key
from mv.providers.base import ClipBrief, response_metadata
from mv.spend import service as spend
from mv.videos.schemas import GenerateVideoRequest

log = get_logger(__name__)

KIND = "generate_video"
# How long an offline draft waits for its song's analysis (beats, sections, lyrics) before rendering without it.
DRAFT_ANALYSIS_WAIT = 30.0


async def video_url(services: Services, asset: Asset) -> str:
    """A presigned URL when serving from S3, else the same-origin route."""
    return await served_from_s3(services, asset) or local_video_url(asset.id)


async def poster_url(services: Services, asset: Asset) -> str | None:
    """The poster's route for a finished video (made on its first request); None before the video is ready."""
    return local_poster_url(asset.id) if asset.ready else None


async def start(services: Services, body: GenerateVideoRequest) -> Job:
    """Validate the inputs; reserve the spend, create the queued clip asset (its id is the job id) and queue the job in one transaction."""
    provider = services.providers.resolve(body.provider)
    if body.character_reference_id is not None:
        await require_one(services, "image", str(body.character_reference_id))
    if body.audio_id is not None:
        await require_one(services, "audio", str(body.audio_id))
    params = video_params_at(services.flavors.load(body.config_flavor, VideoParams, into="mv.videos.service:video_params"), body.aspect_ratio)
    video_id = new_id()
    request = body.model_dump(mode="json")
    request["provider"] = provider
    async with services.store.transaction():
        await spend.reserve(services, provider, video_id, [("clip", params.model, params.price_per_second * params.duration)])
        await services.assets.insert(
            asset_id=video_id,
            kind="video",
            status="queued",
            job_id=video_id,
            info={"prompt": body.prompt, "provider": provider, "config_flavor": body.config_flavor, "submitted_at": time.time()},
        )
        return await services.runner.submit(KIND, request, job_id=video_id)


RENDERING = "Rendering the clip"


async def run(services: Services, ctx: JobContext) -> dict[str, Any]:
    """Cut the song window, render the clip, publish `jobs/{id}/video.mp4`, mirror it, record provenance."""
    video_id = ctx.id
    body = GenerateVideoRequest.model_validate({k: v for k, v in ctx.request.items() if k != "provider"})
    flavor, _ = services.flavors.registry.resolve(body.config_flavor)
    params = video_params_at(services.flavors.load(body.config_flavor, VideoParams, into="mv.videos.service:video_params"), body.aspect_ratio)
    provider = services.providers.get(ctx.request["provider"])
    renders_at_once = body.audio_id is None
    async with services.store.transaction():
        await services.assets.update(video_id, status="running")
        await ctx.progress(*((0.1, RENDERING) if renders_at_once else (0.02, "Cutting the song window")))
    started = time.monotonic()
    try:
        with services.storage.workspace() as workdir:
            reference = None
            if body.character_reference_id is not None:
                image = await require_one(services, "image", str(body.character_reference_id))
                reference = await services.storage.fetch(image.storage_key or "")
            segment = None
            music = None
            window: dict[str, float] | None = None
            if body.audio_id is not None:
                start_at = body.start_time or 0.0
                end_at = body.end_time if body.end_time is not None else start_at + params.duration
                segment = await cut_segment(services, str(body.audio_id), start_at, end_at, workdir)
                window = {"start_time": start_at, "end_time": end_at}
            sends_references = reference is not None and params.reference_input == "reference_images"
            span = window["end_time"] - window["start_time"] if window else None
            duration = clip_duration(params.model, span, params.duration, reference_images=sends_references)
            if window is not None and body.audio_id is not None and provider.name == "local":
                await ctx.progress(0.05, "Listening to the song")
                music = await music_for_clip(services, str(body.audio_id), window["start_time"], float(duration), wait=DRAFT_ANALYSIS_WAIT)
            if not renders_at_once:
                await ctx.progress(0.1, RENDERING)
            brief = ClipBrief(
                prompt=body.prompt,
                negative_prompt=body.negative_prompt or "",
                reference_image=reference,
                audio_segment=segment,
                seed=body.seed,
                duration=duration,
                music=music,
            )
            produced, provenance = await provider.clip(ctx, brief, params, workdir)
            stored = await store_video(services, produced, video_id)
    except asyncio.CancelledError:
        raise
    except Exception as exc:
        error = exc if isinstance(exc, EncoreError) else InternalError("The clip could not be made.")
        await services.assets.update(video_id, status="failed", info_patch={"error": error.body()})
        raise
    parameters = {
        "duration": duration,
        "aspect_ratio": params.aspect_ratio,
        "resolution": params.resolution,
        "generate_audio": params.generate_audio,
        "reference_input": params.reference_input if reference is not None else "none",
        "character_reference_id": str(body.character_reference_id) if body.character_reference_id else None,
        "audio_id": str(body.audio_id) if body.audio_id else None,
        **(window or {}),
    }
    info = {
        "config_flavor": flavor,
        "provenance": provenance.as_dict(),
        "parameters": parameters,
        "timings": {"total_seconds": round(time.monotonic() - started, 3), "provider_seconds": round(provenance.seconds, 3)},
    }
    asset = await services.assets.update(video_id, status="succeeded", storage_key=video_key(video_id), s3_key=stored.s3_key, info_patch=info)
    assert asset is not None
    return {
        "video_id": video_id,
        "video_url": await video_url(services, asset),
        "poster_url": await poster_url(services, asset),
        "status": "succeeded",
        "metadata": response_metadata(flavor, provenance, parameters),
    }


async def serve(services: Services, video_id: str, http_range: str | None = None) -> Response:
    """The MP4 (Range supported), a redirect to its presigned copy, 202 with its status while not ready, 409 once failed."""
    (asset,) = await lookup(services, "video", [video_id])
    if not asset.ready:
        return JSONResponse({"video_id": asset.id, "status": asset.status}, status_code=202, headers={"Retry-After": "2"})
    url = await served_from_s3(services, asset)
    if url:
        return RedirectResponse(url, status_code=307)
    return await stored_media(services.storage, asset.storage_key or "", "video/mp4", http_range)


async def serve_poster(services: Services, video_id: str, http_range: str | None = None) -> Response:
    """The video's poster JPEG (made now when it is the first request), or a redirect to its presigned copy; 404 when no frame can be read."""
    asset = await ensure_poster(services, await require_one(services, "video", video_id))
    if asset is None:
        raise NotFound(f"The video {video_id} has no poster: no frame of it could be read.")
    if services.settings.mv_serve_from_s3 and asset.info.get("poster_s3_key"):
        url = await services.storage.presigned_url(asset.info["poster_s3_key"])
        if url:
            return RedirectResponse(url, status_code=307)
    return await stored_media(services.storage, poster_key(asset.id), "image/jpeg", http_range)


def setup(services: Services) -> None:
    """Register the clip job."""
    services.runner.register(KIND, partial(run, services))

"""Stitching as a job: validate the clips, join them, store and mirror the result."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from mv.assets.schemas import Asset
from mv.audio.service import audio_path
from mv.core.errors import Conflict, EncoreError, NotFound
from mv.core.ids import new_id
from mv.core.logging import get_logger
from mv.deps import Services
from mv.jobs.runner import JobContext
from mv.jobs.schemas import Job
from mv.stitch import engine
from mv.stitch.schemas import StitchRequest
from mv.videos.service import local_video_url, video_key

log = get_logger(__name__)

JOB_KIND = "stitch_video"
SONG_JOB_KIND = "stitch_song_track"
PROBE_KEY = "stitch_probe"


def _names(ids: list[str]) -> str:
    return ", ".join(ids)


async def ready_videos(services: Services, video_ids: list[str]) -> list[Asset]:
    """The video assets for these ids, in order; unknown → 404 and unfinished → 409, each naming every offender."""
    assets = [await services.assets.get(i) for i in video_ids]
    unknown = [i for i, a in zip(video_ids, assets, strict=True) if a is None or a.kind != "video"]
    if unknown:
        raise NotFound(f"No video has the id {_names(unknown)}." if len(unknown) == 1 else f"No videos have the ids {_names(unknown)}.")
    unfinished = [a.id for a in assets if a is not None and not (a.ready and services.storage.exists(a.storage_key or ""))]
    if unfinished:
        raise Conflict(f"These videos are not finished yet: {_names(unfinished)}.")
    return [a for a in assets if a is not None]


async def ready_audio(services: Services, audio_id: str) -> Asset:
    """The finished audio asset with this id."""
    asset = await services.assets.get(audio_id)
    if asset is None or asset.kind != "audio":
        raise NotFound(f"No audio has the id {audio_id}.")
    if not asset.ready:
        raise Conflict(f"The audio {audio_id} is not finished yet.")
    return asset


async def song_path(services: Services, audio_id: str) -> Path:
    """The local file of a song asset."""
    return await audio_path(services, audio_id)


def song_cache_path(services: Services, audio_id: str) -> Path:
    """Where a song's stitch-ready AAC track is kept (audio assets never change, so the id is the cache key)."""
    return services.storage.root / ".cache" / "songs" / f"{audio_id}.m4a"


async def encoded_song(services: Services, audio_id: str) -> tuple[Path, float] | None:
    """The song's cached AAC track and its duration, when it has been made."""
    cached = song_cache_path(services, audio_id)
    if not cached.is_file():
        return None
    try:
        return cached, await engine.encoded_duration(cached)
    except EncoreError:
        cached.unlink(missing_ok=True)
        return None


async def warm_song(services: Services, audio_id: str) -> None:
    """Queue a job that encodes the song's AAC track once, so later stitches copy it instead of encoding."""
    pending: set[str] = services.extras.setdefault("stitch_song_tracks", set())
    if song_cache_path(services, audio_id).is_file() or audio_id in pending:
        return
    pending.add(audio_id)
    await services.runner.submit(SONG_JOB_KIND, {"audio_id": audio_id})


async def run_song_track(services: Services, ctx: JobContext) -> dict[str, Any]:
    """The job: encode the whole song as the stitch-ready AAC track."""
    audio_id = str(ctx.request["audio_id"])
    cached = song_cache_path(services, audio_id)
    try:
        if not cached.is_file():
            cached.parent.mkdir(parents=True, exist_ok=True)
            seconds = await engine.encode_song(await song_path(services, audio_id), cached)
            log.info("song_track_cached", audio_id=audio_id, seconds=round(seconds, 3))
    finally:
        services.extras.get("stitch_song_tracks", set()).discard(audio_id)
    return {"audio_id": audio_id}


async def store_video(services: Services, produced: Path, video_id: str) -> dict[str, Any]:
    """Publish a finished MP4 as `jobs/{id}/video.mp4`, mirror it to S3, and describe where it can be fetched."""
    key = video_key(video_id)
    services.storage.publish(produced, key)
    started = time.perf_counter()
    s3_key = await services.storage.mirror(key)
    cloud_url = await services.storage.presigned_url(s3_key)
    if services.storage.s3 is not None and cloud_url is None:
        log.warning("video_cloud_upload_skipped", video_id=video_id, detail="serving the local copy")
    local = local_video_url(video_id)
    return {
        "s3_key": s3_key,
        "video_url": cloud_url or local,
        "local_video_url": local,
        "cloud_url": cloud_url,
        "cloud_urls": {"video": cloud_url} if cloud_url else {},
        "upload_seconds": round(time.perf_counter() - started, 3),
    }


async def start(services: Services, body: StitchRequest) -> Job:
    """Check every input, record the output asset (its id is the job id), and submit the job."""
    video_ids = [str(v) for v in body.video_ids]
    await ready_videos(services, video_ids)
    audio_id = str(body.audio_id) if body.audio_id else None
    if audio_id:
        await ready_audio(services, audio_id)
    video_id = new_id()
    await services.assets.insert(
        asset_id=video_id, kind="video", status="queued", job_id=video_id, storage_key=video_key(video_id),
        info={"source": "stitch", "inputs": {"video_ids": video_ids, "audio_id": audio_id}},
    )
    request = {"video_ids": video_ids, "audio_id": audio_id, "suppress_video_audio": body.suppress_video_audio, "video_id": video_id}
    return await services.runner.submit(JOB_KIND, request, job_id=video_id)


async def run(services: Services, ctx: JobContext) -> dict[str, Any]:
    """The job: stitch, publish, mirror; the output asset follows the job's fate."""
    request = ctx.request
    video_id: str = request["video_id"]
    await services.assets.update(video_id, status="running")
    try:
        result = await _stitch(services, ctx, video_id)
    except BaseException:
        await services.assets.update(video_id, status="failed")
        raise
    return result


async def _stitch(services: Services, ctx: JobContext, video_id: str) -> dict[str, Any]:
    request = ctx.request
    started = time.perf_counter()
    clips = await ready_videos(services, request["video_ids"])
    audio_id = request.get("audio_id")
    song = await song_path(services, audio_id) if audio_id else None
    track = await encoded_song(services, audio_id) if audio_id else None
    await ctx.progress(0.05, "Checking clips")
    paths = [services.storage.path(c.storage_key or "") for c in clips]
    known = [engine.ClipInfo.remembered(p, c.info.get(PROBE_KEY)) for p, c in zip(paths, clips, strict=True)]
    with services.storage.workspace() as workdir:
        out = workdir / "stitched.mp4"
        report = await engine.stitch(
            paths, out, workdir, song=song, clip_audio=not request.get("suppress_video_audio", False), encoded_song=track, known=known,
        )
        for clip, before, probe in zip(clips, known, report.probes, strict=True):
            if before is None:
                await services.assets.update(clip.id, info_patch={PROBE_KEY: probe.describe()})
        await ctx.progress(0.9, "Storing the video")
        stored = await store_video(services, out, video_id)
    if audio_id and track is None:
        await warm_song(services, audio_id)
    metadata: dict[str, Any] = {
        "num_clips": len(clips),
        "duration": report.duration,
        "method": report.method,
        "normalized_clips": [request["video_ids"][i] for i in report.normalized],
        "video_ids": request["video_ids"],
        "audio_id": audio_id,
        "suppress_video_audio": bool(request.get("suppress_video_audio")),
        "has_audio": report.has_audio,
        "audio_track": ("song_copied" if report.song_copied else "song_encoded") if audio_id else ("clips" if report.has_audio else None),
        "draft": any(bool((c.info.get("provenance") or {}).get("draft")) for c in clips),
        "local_video_url": stored["local_video_url"],
        "cloud_url": stored["cloud_url"],
        "cloud_urls": stored["cloud_urls"],
        "timings": {**report.timings, "upload_seconds": stored["upload_seconds"], "total_seconds": round(time.perf_counter() - started, 3)},
    }
    await services.assets.update(video_id, status="succeeded", s3_key=stored["s3_key"], info_patch={"metadata": metadata})
    log.info("video_stitched", video_id=video_id, clips=len(clips), method=report.method, normalized=len(report.normalized), seconds=metadata["timings"]["total_seconds"])
    return {"video_id": video_id, "video_url": stored["video_url"], "metadata": metadata}


def setup(services: Services) -> None:
    """Register the stitch job and the song-track job."""

    async def handler(ctx: JobContext) -> dict[str, Any]:
        return await run(services, ctx)

    async def song_handler(ctx: JobContext) -> dict[str, Any]:
        return await run_song_track(services, ctx)

    services.runner.register(JOB_KIND, handler)
    services.runner.register(SONG_JOB_KIND, song_handler)
    services.on_audio_stored.append(lambda audio_id: warm_song(services, audio_id))



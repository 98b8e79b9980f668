"""Stitching as a job: validate the clips, join them, store and mirror the result."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

from mv.assets.schemas import Asset
from mv.assets.service import require, require_one
from mv.audio.service import audio_path
from mv.core.errors import EncoreError, InternalError
from mv.core.ids import new_id
from mv.core.logging import get_logger
from mv.deps import Services
from mv.jobs.runner import JobContext
from mv.jobs.schemas import Job
from mv.media.clips import ClipInfo, ClipSpec, probe_clip
from mv.media.videos import video_key, store_video
from mv.analysis.service import timed_lyrics
from mv.stitch import engine, subtitles
from mv.stitch.schemas import StitchRequest

log = get_logger(__name__)

JOB_KIND = "stitch_video"
SONG_JOB_KIND = "stitch_song_track"
PROBE_KEY = "stitch_probe"


class StitchTooLong(EncoreError):
    """The clips add up to more than one stitch may hold."""

    status_code = 422


class MixedAspectRatios(EncoreError):
    """The clips do not share one shape (landscape, portrait or square)."""

    status_code = 422


def shape(spec: ClipSpec) -> str:
    """`landscape`, `portrait` or `square`, from the displayed width (with its sample aspect ratio) over the height."""
    num, _, den = spec.sar.partition(":")
    try:
        sar = float(num) / float(den or 1) or 1.0
    except (ValueError, ZeroDivisionError):
        sar = 1.0
    ratio = spec.width * sar / max(1, spec.height)
    return "square" if 0.95 <= ratio <= 1.05 else ("landscape" if ratio > 1 else "portrait")


def check_shapes(probes: list[ClipInfo]) -> None:
    """Refuse (422) clips of different shapes: one 9:16 clip letterboxed into a 16:9 video is never what was meant."""
    shapes = [shape(p.spec) for p in probes]
    if len(set(shapes)) > 1:
        counts = ", ".join(f"{shapes.count(s)} {s}" for s in dict.fromkeys(shapes))
        first_odd = next(i for i, s in enumerate(shapes) if s != shapes[0])
        raise MixedAspectRatios(
            f"The clips mix aspect ratios ({counts}; clip {first_odd + 1} is the first that differs from clip 1); "
            "stitch clips of one aspect ratio."
        )


class CannotBurnLyrics(EncoreError):
    """The media folder's path cannot be handed to the subtitle renderer."""

    status_code = 500


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
    """Queue a job that encodes the song's AAC track once (in the background slot), so later stitches copy it."""
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
            seconds = await engine.encode_song(await audio_path(services, audio_id), cached)
            log.info("song_track_cached", audio_id=audio_id, seconds=round(seconds, 3))
    finally:
        services.extras.get("stitch_song_tracks", set()).discard(audio_id)
    return {"audio_id": audio_id}


async def clip_probes(services: Services, clips: list[Asset]) -> list[ClipInfo]:
    """Each clip's probe, remembered in its asset (a clip used many times is probed once)."""
    unique = {c.id: c for c in clips}

    async def one(clip: Asset) -> ClipInfo:
        path = await services.storage.fetch(clip.storage_key or "")
        known = ClipInfo.remembered(path, clip.info.get(PROBE_KEY))
        if known is not None:
            return known
        probe = await probe_clip(path)
        await services.assets.update(clip.id, info_patch={PROBE_KEY: probe.describe()})
        return probe

    probes = dict(zip(unique, await asyncio.gather(*(one(c) for c in unique.values())), strict=True))
    return [probes[c.id] for c in clips]


def clip_window(clip: Asset) -> tuple[float, float] | None:
    """The song window a clip was made for (a generated or lipsynced clip with `start_time`/`end_time`), if any."""
    params = clip.info.get("parameters")
    if not isinstance(params, dict):
        return None
    start, end = params.get("start_time"), params.get("end_time")
    if isinstance(start, (int, float)) and isinstance(end, (int, float)) and end > start >= 0:
        return float(start), float(end)
    return None


def check_length(services: Services, probes: list[ClipInfo]) -> None:
    """Refuse a stitch longer than the longest song plus one clip (422), before any work."""
    total = sum(p.duration for p in probes)
    limit = services.settings.mv_max_audio_seconds + max(p.duration for p in probes)
    if total > limit + 1e-3:
        raise StitchTooLong(
            f"The clips add up to {total:.0f} s; one stitch may hold at most {limit:.0f} s (the longest song allowed plus one clip)."
        )


async def lyrics_file(
    services: Services, audio_id: str, mode: str, song_seconds: float | None, first: ClipInfo, workdir: Path
) -> engine.Lyrics | None:
    """The song's timed lyrics as a subtitle file for the stitch (SRT for a soft track, styled ASS to burn in); None without any."""
    if mode == "off":
        return None
    lines = subtitles.within(await timed_lyrics(services, audio_id), song_seconds)
    if not lines:
        return None
    if mode == "burned":
        path = workdir / "lyrics.ass"
        path.write_text(subtitles.ass(lines, first.spec.width, first.spec.height), encoding="utf-8")
        try:
            subtitles.burn_filter(path)
        except ValueError:
            raise CannotBurnLyrics("Burned-in lyrics need a media folder whose path has only letters, digits, '_', '.', '-' and '/'.") from None
        return engine.Lyrics(path, burned=True)
    path = workdir / "lyrics.srt"
    path.write_text(subtitles.srt(lines), encoding="utf-8")
    return engine.Lyrics(path)


async def start(services: Services, body: StitchRequest) -> Job:
    """Check every input and the output's length, record the output asset (its id is the job id), and submit the job."""
    video_ids = [str(v) for v in body.video_ids]
    clips = await require(services, "video", video_ids)
    audio_id = str(body.audio_id) if body.audio_id else None
    if audio_id:
        await require_one(services, "audio", audio_id)
    probes = await clip_probes(services, clips)
    check_length(services, probes)
    check_shapes(probes)
    video_id = new_id()
    await services.assets.insert(
        asset_id=video_id, kind="video", status="queued", job_id=video_id, storage_key=video_key(video_id),
        info={"source": "stitch", "inputs": {"video_ids": video_ids, "audio_id": audio_id}},
    )
    request = {"video_ids": video_ids, "audio_id": audio_id, "suppress_video_audio": body.suppress_video_audio, "video_id": video_id, "lyrics": body.lyrics}
    return await services.runner.submit(JOB_KIND, request, job_id=video_id)


async def run(services: Services, ctx: JobContext) -> dict[str, Any]:
    """The job: stitch, publish, mirror; the output asset follows the job's fate."""
    video_id: str = ctx.request["video_id"]
    await services.assets.update(video_id, status="running")
    try:
        return await _stitch(services, ctx, video_id)
    except asyncio.CancelledError:
        raise
    except Exception as exc:
        error = exc if isinstance(exc, EncoreError) else InternalError("The video could not be stitched.")
        await services.assets.update(video_id, status="failed", info_patch={"error": error.body()})
        raise


async def _stitch(services: Services, ctx: JobContext, video_id: str) -> dict[str, Any]:
    request = ctx.request
    started = time.perf_counter()
    clips = await require(services, "video", request["video_ids"])
    audio_id = request.get("audio_id")
    song = await require_one(services, "audio", audio_id) if audio_id else None
    track = await encoded_song(services, audio_id) if audio_id else None
    await ctx.progress(0.05, "Checking clips")
    paths = [await services.storage.fetch(c.storage_key or "") for c in clips]
    probes = await clip_probes(services, clips)
    check_length(services, probes)
    song_file = await services.storage.fetch(song.storage_key or "") if song else None
    song_seconds = float(song.info.get("duration") or 0) if song else 0.0
    with services.storage.workspace() as workdir:
        out = workdir / "stitched.mp4"
        lyrics = await lyrics_file(services, audio_id, request.get("lyrics", "soft"), song_seconds or None, probes[0], workdir) if audio_id else None
        report = await engine.stitch(
            paths, out, workdir, song=song_file, song_seconds=song_seconds or None,
            clip_audio=not request.get("suppress_video_audio", False), encoded_song=track, known=list(probes),
            windows=[clip_window(c) for c in clips], lyrics=lyrics,
        )
        await ctx.progress(0.9, "Storing the video")
        stored = await store_video(services, out, video_id)
    if audio_id and track is None:
        await warm_song(services, audio_id)
    metadata: dict[str, Any] = {
        "num_clips": len(clips),
        "duration": report.duration,
        "method": report.method,
        "normalized_clips": [request["video_ids"][i] for i in report.normalized],
        "cut_clips": [request["video_ids"][i] for i in report.cut],
        "video_ids": request["video_ids"],
        "audio_id": audio_id,
        "suppress_video_audio": bool(request.get("suppress_video_audio")),
        "has_audio": report.has_audio,
        "lyrics": ("burned" if lyrics.burned else "soft") if lyrics else None,
        "audio_track": ("song_copied" if report.song_copied else "song_encoded") if audio_id else ("clips" if report.has_audio else None),
        "draft": any(bool((c.info.get("provenance") or {}).get("draft")) for c in clips),
        "local_video_url": stored.local_video_url,
        "cloud_url": stored.cloud_url,
        "cloud_urls": stored.cloud_urls,
        "timings": {**report.timings, "upload_seconds": stored.upload_seconds, "total_seconds": round(time.perf_counter() - started, 3)},
    }
    await services.assets.update(video_id, status="succeeded", s3_key=stored.s3_key, info_patch={"metadata": metadata})
    log.info("video_stitched", video_id=video_id, clips=len(clips), method=report.method, normalized=len(report.normalized), seconds=metadata["timings"]["total_seconds"])
    return {"video_id": video_id, "video_url": stored.video_url, "poster_url": stored.poster_url, "metadata": metadata}


def setup(services: Services) -> None:
    """Register the stitch job and the song-track job."""

    async def handler(ctx: JobContext) -> dict[str, Any]:
        return await run(services, ctx)

    async def song_handler(ctx: JobContext) -> dict[str, Any]:
        return await run_song_track(services, ctx)

    services.runner.register(JOB_KIND, handler)
    services.runner.register(SONG_JOB_KIND, song_handler)
    services.on_audio_stored.append(lambda audio_id: warm_song(services, audio_id))

"""Song analysis as a job after every import, its stored result, and the song's lyrics."""

from __future__ import annotations

import asyncio
from typing import Any

from mv.analysis import lrc, placement
from mv.analysis.pool import AnalysisPool, PoolLimits, shared_pool
from mv.analysis.schemas import LyricLine, Lyrics, LyricsRequest, SongAnalysis
from mv.assets.schemas import Asset
from mv.assets.service import require_one
from mv.audio.service import audio_path
from mv.core import ffmpeg
from mv.core.errors import error_from_body
from mv.core.logging import get_logger
from mv.deps import Services
from mv.jobs.runner import JobContext
from mv.jobs.schemas import Job

log = get_logger(__name__)

JOB_KIND = "analyse_song"
VERSION = 1
DECODE_RATE = 22050
ANALYSIS_KEY = "analysis"
JOB_KEY = "analysis_job"
LYRICS_KEY = "lyrics"


def pool(services: Services) -> AnalysisPool:
    """The worker pool, sized by settings."""
    s = services.settings
    limits = PoolLimits(workers=s.mv_analysis_workers, memory_mb=s.mv_analysis_memory_mb, timeout=s.mv_analysis_timeout)
    return shared_pool(limits, str(s.mv_data_dir / "cache" / "numba"))


def _lock(services: Services, audio_id: str) -> asyncio.Lock:
    locks: dict[str, asyncio.Lock] = services.extras.setdefault("analysis_locks", {})
    return locks.setdefault(audio_id, asyncio.Lock())


def _stored(asset: Asset) -> dict[str, Any] | None:
    document = asset.info.get(ANALYSIS_KEY)
    return document if isinstance(document, dict) and document.get("version") == VERSION else None


async def request_analysis(services: Services, audio_id: str, *, force: bool = False) -> Job:
    """The song's running analysis job, or a new one (always new with `force`)."""
    async with _lock(services, audio_id):
        asset = await require_one(services, "audio", audio_id)
        previous = asset.info.get(JOB_KEY)
        if not force and isinstance(previous, str):
            job = await services.jobs.get(previous)
            if job is not None and not job.finished:
                return job
        job = await services.runner.submit(JOB_KIND, {"audio_id": audio_id})
        await services.assets.update(audio_id, info_patch={JOB_KEY: job.id})
        return job


async def analysis(services: Services, audio_id: str) -> SongAnalysis | Job:
    """The stored analysis, or the job that is making it (started here when there is none)."""
    asset = await require_one(services, "audio", audio_id)
    document = _stored(asset)
    if document is not None:
        return _result(asset, document)
    previous = asset.info.get(JOB_KEY)
    job = await services.jobs.get(previous) if isinstance(previous, str) else None
    if job is not None and job.status == "failed":
        raise error_from_body(job.error)
    if job is None or job.finished:
        job = await request_analysis(services, audio_id)
    return job


async def analysis_after(services: Services, job: Job, wait: float) -> SongAnalysis | Job:
    """Wait up to `wait` seconds for an analysis job; its result, its error, or the job still running."""
    latest = await services.runner.wait(job.id, wait) or job
    if latest.status == "failed":
        raise error_from_body(latest.error)
    if latest.status == "succeeded":
        asset = await require_one(services, "audio", str(latest.request["audio_id"]))
        document = _stored(asset)
        if document is not None:
            return _result(asset, document)
    return latest


def _result(asset: Asset, document: dict[str, Any]) -> SongAnalysis:
    lyrics, timing = _timed_lyrics(asset.info.get(LYRICS_KEY), document)
    return SongAnalysis(
        audio_id=asset.id,
        **{k: document[k] for k in ("duration", "tempo", "beats", "downbeats", "sections", "energy", "vocals")},
        lyrics=lyrics,
        lyrics_timing=timing,
    )


async def timed_lyrics(services: Services, audio_id: str) -> list[LyricLine]:
    """The song's timed lyric lines (plain lines once the song is analysed); empty without lyrics."""
    asset = await require_one(services, "audio", audio_id)
    lines, _ = _timed_lyrics(asset.info.get(LYRICS_KEY), _stored(asset))
    return lines


def _timed_lyrics(stored: Any, document: dict[str, Any] | None) -> tuple[list[LyricLine], str | None]:
    """Timed lines of stored lyrics; plain lines are laid over the analysis' vocal stretches."""
    if not isinstance(stored, dict):
        return [], None
    if stored.get("timing") in ("lrc", "speech"):
        return [LyricLine(**line) for line in stored.get("lines", [])], stored["timing"]
    if document is None:
        return [], None
    stretches = [(v["start"], v["end"]) for v in document.get("vocals", [])]
    placed = placement.place(list(stored.get("text_lines", [])), stretches, float(document.get("duration") or 0))
    return [LyricLine(start=p.start, end=p.end, text=p.text) for p in placed], "vocals"


async def run(services: Services, ctx: JobContext) -> dict[str, Any]:
    """The job: decode the stored mp3 to PCM with ffmpeg, analyse it in a worker process, store the result."""
    audio_id = str(ctx.request["audio_id"])
    path = await audio_path(services, audio_id)
    await ctx.progress(0.05, "Decoding the song")
    pcm = await ffmpeg.decode_pcm(path, "mp3", rate=DECODE_RATE, gate=ffmpeg.ANALYSIS)
    await ctx.progress(0.2, "Listening to the song")
    document = await pool(services).run(pcm, DECODE_RATE)
    del pcm
    await services.assets.update(audio_id, info_patch={ANALYSIS_KEY: {**document, "version": VERSION}})
    log.info("song_analysed", audio_id=audio_id, tempo=document["tempo"], beats=len(document["beats"]), sections=len(document["sections"]))
    return {"audio_id": audio_id, "tempo": document["tempo"], "sections": len(document["sections"])}


async def store_lyrics(services: Services, audio_id: str, body: LyricsRequest) -> Lyrics | Job:
    """Read LRC or plain lyrics and keep them with the song; plain lines wait for the analysis to be timed."""
    asset = await require_one(services, "audio", audio_id)
    duration = float(asset.info.get("duration") or 0)
    kind = body.format if body.format != "auto" else ("lrc" if lrc.is_lrc(body.text) else "plain")
    if kind == "lrc":
        lines = lrc.parse_lrc(body.text, duration)
        if not lines:
            raise lrc.InvalidLyrics("The LRC text has no timed lyric lines.")
        return await set_timed_lyrics(services, audio_id, [LyricLine(start=l.start, end=l.end, text=l.text) for l in lines], timing="lrc")
    text_lines = lrc.parse_plain(body.text)
    if not text_lines:
        raise lrc.InvalidLyrics("The lyrics have no lines of text.")
    asset = await services.assets.update(audio_id, info_patch={LYRICS_KEY: {"format": "plain", "timing": "vocals", "text_lines": text_lines}}) or asset
    document = _stored(asset)
    if document is None:
        return await request_analysis(services, audio_id)
    lines, _ = _timed_lyrics(asset.info[LYRICS_KEY], document)
    return Lyrics(audio_id=audio_id, format="plain", timing="vocals", lines=lines)


async def set_timed_lyrics(services: Services, audio_id: str, lines: list[LyricLine], *, timing: str) -> Lyrics:
    """Keep already-timed lines with the song (from LRC, or from a speech-to-text model)."""
    document = {"format": "lrc" if timing == "lrc" else "plain", "timing": timing, "lines": [line.model_dump() for line in lines]}
    await services.assets.update(audio_id, info_patch={LYRICS_KEY: document})
    return Lyrics(audio_id=audio_id, format=document["format"], timing=timing, lines=lines)  # type: ignore[arg-type]


async def _inherit_lyrics(services: Services, asset: Asset) -> None:
    """A trimmed song keeps its parent's timed lyrics, moved by the cut."""
    parent = await services.assets.get(asset.parent_id) if asset.parent_id else None
    stored = parent.info.get(LYRICS_KEY) if parent else None
    if parent is None or not isinstance(stored, dict) or stored.get("timing") not in ("lrc", "speech"):
        return
    shift = float(asset.info.get("start_offset") or 0) - float(parent.info.get("start_offset") or 0)
    duration = float(asset.info.get("duration") or 0)
    moved = [
        LyricLine(start=round(max(0.0, line["start"] - shift), 3), end=round(min(duration, line["end"] - shift), 3), text=line["text"])
        for line in stored.get("lines", [])
        if line["end"] - shift > 0 and line["start"] - shift < duration
    ]
    if moved:
        await set_timed_lyrics(services, asset.id, moved, timing=stored["timing"])


async def on_audio_stored(services: Services, audio_id: str) -> None:
    """Every new song: carry over timed lyrics of the song it was cut from, and start its analysis."""
    asset = await services.assets.get(audio_id)
    if asset is None:
        return
    await _inherit_lyrics(services, asset)
    await request_analysis(services, audio_id)


def setup(services: Services) -> None:
    """Register the analysis job, listen for new songs, and have a worker warm by the time the first one comes."""

    async def handler(ctx: JobContext) -> dict[str, Any]:
        return await run(services, ctx)

    services.runner.register(JOB_KIND, handler)
    services.on_audio_stored.append(lambda audio_id: on_audio_stored(services, audio_id))

    async def warm_worker() -> None:
        pool(services).prestart()

    services.on_started.append(warm_worker)

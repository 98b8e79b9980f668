"""Poster frames, made on first request and kept beside the video (stored videos do not wait for them)."""

from __future__ import annotations

import asyncio
from pathlib import Path

from mv.assets.schemas import Asset
from mv.core import ffmpeg
from mv.core.errors import EncoreError
from mv.core.ffmpeg import VIDEO_FORMATS
from mv.core.logging import get_logger
from mv.deps import Services

log = get_logger(__name__)

POSTER_AT = 1.0
POSTER_WIDTH = 1280
UNREADABLE = "poster_unreadable"
"""The asset info flag set when no frame could be read, so the attempt is not repeated on every request."""

_making: dict[str, asyncio.Lock] = {}


def poster_key(video_id: str) -> str:
    """Where a video's poster frame lives."""
    return f"jobs/{video_id}/poster.jpg"


def local_poster_url(video_id: str) -> str:
    """The same-origin route of a video's poster (it makes the poster when first asked)."""
    return f"/api/mv/get_poster/{video_id}"


async def _grab_frame(video: Path, out: Path, at: float) -> None:
    await ffmpeg.ffmpeg([
        "-threads", "1", "-ss", f"{at:.3f}", *ffmpeg.local_input(video, VIDEO_FORMATS), "-map", "0:v:0", "-frames:v", "1", "-an",
        "-vf", f"scale='min({POSTER_WIDTH},iw)':-2", "-c:v", "mjpeg", "-q:v", "4", "-f", "image2", f"file:{out}",
    ], timeout=60)


async def make_poster(video: Path, out: Path) -> bool:
    """Write a JPEG of the frame one second in (the first frame for shorter videos); False when none can be made."""
    try:
        await _grab_frame(video, out, POSTER_AT)
        if not out.is_file() or out.stat().st_size == 0:
            await _grab_frame(video, out, 0.0)
    except EncoreError as exc:
        log.warning("poster_failed", error=exc.name)
        return False
    return out.is_file() and out.stat().st_size > 0


async def ensure_poster(services: Services, asset: Asset) -> Asset | None:
    """The video asset with its poster made and recorded (once per video, however many ask at once); None when no frame can be read."""
    lock = _making.setdefault(asset.id, asyncio.Lock())
    try:
        async with lock:
            current = await services.assets.get(asset.id) or asset
            if current.info.get("poster_key") and await services.storage.has(poster_key(asset.id)):
                return current
            if current.info.get(UNREADABLE):
                return None
            with services.storage.workspace() as workdir:
                video = await services.storage.copy_into(current.storage_key or "", workdir)
                made = workdir / "poster.jpg"
                if not await make_poster(video, made):
                    await services.assets.update(asset.id, info_patch={UNREADABLE: True})
                    return None
                services.storage.publish(made, poster_key(asset.id))
            s3_key = await services.storage.mirror(poster_key(asset.id))
            if services.storage.in_s3:
                services.storage.path(poster_key(asset.id)).unlink(missing_ok=True)
            log.info("poster_made", video_id=asset.id)
            return await services.assets.update(asset.id, info_patch={"poster_key": poster_key(asset.id), "poster_s3_key": s3_key})
    finally:
        if not lock.locked() and _making.get(asset.id) is lock:
            del _making[asset.id]

"""Storing a finished video: its MP4 and a poster frame under the video's keys, mirrored to S3."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from mv.core import ffmpeg
from mv.core.errors import EncoreError
from mv.core.ffmpeg import VIDEO_FORMATS
from mv.core.logging import get_logger
from mv.deps import Services

log = get_logger(__name__)

POSTER_AT = 1.0
POSTER_WIDTH = 1280


def video_key(video_id: str) -> str:
    """Where a video asset's MP4 lives."""
    return f"jobs/{video_id}/video.mp4"


def poster_key(video_id: str) -> str:
    """Where a video's poster frame lives."""
    return f"jobs/{video_id}/poster.jpg"


def local_video_url(video_id: str) -> str:
    """The same-origin route of a video."""
    return f"/api/mv/get_video/{video_id}"


def local_poster_url(video_id: str) -> str:
    """The same-origin route of a video's poster."""
    return f"/api/mv/get_poster/{video_id}"


async def _grab_frame(video: Path, out: Path, at: float) -> None:
    await ffmpeg.ffmpeg([
        "-ss", f"{at:.3f}", *ffmpeg.local_input(video, VIDEO_FORMATS), "-map", "0:v:0", "-frames:v", "1", "-an",
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


@dataclass(frozen=True)
class StoredVideo:
    """Where a stored video and its poster can be fetched."""

    video_id: str
    s3_key: str | None
    cloud_url: str | None
    poster_key: str | None
    poster_s3_key: str | None
    poster_cloud_url: str | None
    upload_seconds: float

    @property
    def local_video_url(self) -> str:
        """The same-origin route of the video."""
        return local_video_url(self.video_id)

    @property
    def video_url(self) -> str:
        """The presigned S3 URL when the upload worked, else the same-origin route."""
        return self.cloud_url or self.local_video_url

    @property
    def poster_url(self) -> str | None:
        """The poster beside `video_url`: its presigned copy when the video's is used, else the route; None without a poster."""
        if self.poster_key is None:
            return None
        return (self.poster_cloud_url if self.cloud_url else None) or local_poster_url(self.video_id)

    @property
    def cloud_urls(self) -> dict[str, str]:
        """Presigned URLs by kind, for what was uploaded."""
        urls = {"video": self.cloud_url, "poster": self.poster_cloud_url}
        return {k: v for k, v in urls.items() if v}

    def info(self) -> dict[str, str | None]:
        """What the asset's info records about the poster."""
        return {"poster_key": self.poster_key, "poster_s3_key": self.poster_s3_key}


async def store_video(services: Services, produced: Path, video_id: str) -> StoredVideo:
    """Make the poster, publish both under the video's keys, mirror them to S3 (a failure there is a warning)."""
    poster = produced.with_name(f"{produced.stem}-poster.jpg")
    has_poster = await make_poster(produced, poster)
    key = video_key(video_id)
    services.storage.publish(produced, key)
    posted = poster_key(video_id) if has_poster else None
    if posted:
        services.storage.publish(poster, posted)
    started = time.perf_counter()
    s3_key = await services.storage.mirror(key)
    poster_s3 = await services.storage.mirror(posted) if posted and s3_key else None
    cloud_url = await services.storage.presigned_url(s3_key)
    if services.storage.s3 is not None and cloud_url is None:
        log.warning("video_cloud_upload_skipped", video_id=video_id, detail="serving the local copy")
    return StoredVideo(
        video_id=video_id,
        s3_key=s3_key,
        cloud_url=cloud_url,
        poster_key=posted,
        poster_s3_key=poster_s3,
        poster_cloud_url=await services.storage.presigned_url(poster_s3),
        upload_seconds=round(time.perf_counter() - started, 3),
    )

"""Storing a finished video: its MP4 under the video's key, mirrored to S3 (its poster is made when first asked for)."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from mv.core.logging import get_logger
from mv.deps import Services
from mv.media.posters import local_poster_url

log = get_logger(__name__)


def video_key(video_id: str) -> str:
    """Where a video asset's MP4 lives."""
    return f"jobs/{video_id}/video.mp4"


def local_video_url(video_id: str) -> str:
    """The same-origin route of a video."""
    return f"/api/mv/get_video/{video_id}"


@dataclass(frozen=True)
class StoredVideo:
    """Where a stored video can be fetched."""

    video_id: str
    s3_key: str | None
    cloud_url: str | None
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
    def poster_url(self) -> str:
        """The poster's route (the poster is made on its first request)."""
        return local_poster_url(self.video_id)

    @property
    def cloud_urls(self) -> dict[str, str]:
        """Presigned URLs by kind, for what was uploaded."""
        return {"video": self.cloud_url} if self.cloud_url else {}


async def store_video(services: Services, produced: Path, video_id: str) -> StoredVideo:
    """Publish the MP4 under the video's key and mirror it to S3 (a failure there is a warning in local mode)."""
    key = video_key(video_id)
    services.storage.publish(produced, key)
    started = time.perf_counter()
    s3_key = await services.storage.mirror(key)
    cloud_url = await services.storage.presigned_url(s3_key)
    if services.storage.s3 is not None and cloud_url is None:
        log.warning("video_cloud_upload_skipped", video_id=video_id, detail="serving the local copy")
    return StoredVideo(video_id=video_id, s3_key=s3_key, cloud_url=cloud_url, upload_seconds=round(time.perf_counter() - started, 3))

"""Stitch request and result shapes."""

from __future__ import annotations

import uuid
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

MAX_CLIPS = 200


class StitchRequest(BaseModel):
    """Clips to join in order, and the song to lay under them."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "video_ids": ["3f1c2a9e-8d4b-4c1e-9a57-2b6f0e4d8c11", "0b7e4c1d-2a3f-4e5b-8c9d-1a2b3c4d5e6f"],
                    "audio_id": "5d2e8f10-7c3b-4a9e-b1d2-3c4e5f6a7b8c",
                    "suppress_video_audio": False,
                }
            ]
        },
    )

    video_ids: list[uuid.UUID] = Field(
        ..., min_length=1, max_length=MAX_CLIPS,
        description="Finished clips, in playing order; together at most `MV_MAX_AUDIO_SECONDS` plus one clip long.",
    )
    audio_id: uuid.UUID | None = Field(None, description="The song to use as the only soundtrack, from its start; the video ends where the song does.")
    suppress_video_audio: bool = Field(False, description="Without `audio_id`: drop the clips' own audio.")
    lyrics: Literal["soft", "burned", "off"] = Field(
        "soft",
        description="With `audio_id` and timed lyrics: `soft` adds a `mov_text` subtitle track the player toggles (the video is "
        "still stream-copied); `burned` draws styled lyrics into the picture (the whole video is re-encoded, slower); `off` leaves them out.",
    )


class VideoResult(BaseModel):
    """A new video asset."""

    video_id: str
    video_url: str = Field(..., description="A presigned S3 URL when the upload worked, else `/api/mv/get_video/{video_id}`.")
    poster_url: str | None = Field(..., description="`/api/mv/get_poster/{video_id}`: a JPEG frame to show before the video plays, made on its first request.")
    metadata: dict[str, Any]

    model_config = {
        "json_schema_extra": {
            "examples": [
                {
                    "video_id": "9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d",
                    "video_url": "/api/mv/get_video/9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d",
                    "poster_url": "/api/mv/get_poster/9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d",
                    "metadata": {
                        "num_clips": 2,
                        "duration": 16.0,
                        "method": "copy",
                        "normalized_clips": [],
                        "audio_id": "5d2e8f10-7c3b-4a9e-b1d2-3c4e5f6a7b8c",
                        "local_video_url": "/api/mv/get_video/9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d",
                        "cloud_url": None,
                        "cloud_urls": {},
                        "timings": {"probe_seconds": 0.1, "normalize_seconds": 0.0, "concat_seconds": 0.2, "total_seconds": 0.4},
                    },
                }
            ]
        }
    }

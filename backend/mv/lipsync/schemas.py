"""Lipsync request and result shapes."""

from __future__ import annotations

import math
import uuid
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from mv.scenes.schemas import ProviderChoice


class LipsyncRequest(BaseModel):
    """A clip and a song by id (preferred) or https URL, and the song window the clip covers."""

    model_config = ConfigDict(
        str_strip_whitespace=True,
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "video_id": "3f1c2a9e-8d4b-4c1e-9a57-2b6f0e4d8c11",
                    "audio_id": "9b2d7c4e-1f3a-4e5b-8c6d-7e8f9a0b1c2d",
                    "start_time": 16.0,
                    "end_time": 24.0,
                    "config_flavor": "default",
                    "provider": "replicate",
                }
            ]
        },
    )

    video_id: uuid.UUID | None = Field(None, description="A finished video asset; wins over `video_url`.")
    video_url: str | None = Field(None, max_length=2048, description="An https URL on an allowed host, fetched by the server.")
    audio_id: uuid.UUID | None = Field(None, description="An audio asset; wins over `audio_url`.")
    audio_url: str | None = Field(None, max_length=2048, description="An https URL on an allowed host, fetched by the server.")
    start_time: float | None = Field(None, description="Start of the song window in seconds (default 0).")
    end_time: float | None = Field(None, description="End of the window (default start + the clip's length, at most the track's end).")
    config_flavor: str | None = Field(None, max_length=64)
    provider: ProviderChoice | None = None

    @model_validator(mode="after")
    def _sources_and_window(self) -> LipsyncRequest:
        if self.video_id is None and not self.video_url:
            raise ValueError("give the clip as video_id or video_url")
        if self.audio_id is None and not self.audio_url:
            raise ValueError("give the song as audio_id or audio_url")
        for name in ("start_time", "end_time"):
            value = getattr(self, name)
            if value is not None and not math.isfinite(value):
                raise ValueError(f"{name} must be a finite number of seconds")
        if self.start_time is not None and self.start_time < 0:
            raise ValueError("start_time cannot be negative")
        if self.end_time is not None and self.end_time <= (self.start_time or 0.0):
            raise ValueError("end_time must be after start_time")
        return self


class LipsyncResult(BaseModel):
    """The new, lipsynced video asset (the input clip is kept)."""

    video_id: str
    video_url: str = Field(..., description="The presigned S3 URL when the upload worked, else `/api/mv/get_video/{video_id}`.")
    poster_url: str | None = Field(..., description="`/api/mv/get_poster/{video_id}`: a JPEG frame to show before the video plays, made on its first request.")
    metadata: dict[str, Any]

    model_config = {
        "json_schema_extra": {
            "examples": [
                {
                    "video_id": "7c6b5a49-3827-4615-9a0b-1c2d3e4f5a6b",
                    "video_url": "/api/mv/get_video/7c6b5a49-3827-4615-9a0b-1c2d3e4f5a6b",
                    "poster_url": "/api/mv/get_poster/7c6b5a49-3827-4615-9a0b-1c2d3e4f5a6b",
                    "metadata": {
                        "config_flavor": "default",
                        "provider": "replicate",
                        "model": "sync/lipsync-2-pro",
                        "draft": False,
                        "source_video_id": "3f1c2a9e-8d4b-4c1e-9a57-2b6f0e4d8c11",
                        "audio_id": "9b2d7c4e-1f3a-4e5b-8c6d-7e8f9a0b1c2d",
                        "start_time": 16.0,
                        "end_time": 24.0,
                        "cloud_urls": {},
                        "cloud_url": None,
                        "local_video_url": "/api/mv/get_video/7c6b5a49-3827-4615-9a0b-1c2d3e4f5a6b",
                    },
                }
            ]
        }
    }

"""Clip shapes."""

from __future__ import annotations

import uuid
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from mv.flavors.formats import AspectRatio
from mv.scenes.schemas import ProviderChoice


class GenerateVideoRequest(BaseModel):
    """One clip: the scene prompt, the character, and the song window it will play over."""

    model_config = ConfigDict(
        str_strip_whitespace=True,
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "prompt": "Wide shot of the outdoor stadium stage at dusk, the full band performing under sweeping light beams.",
                    "negative_prompt": "indoor venue, text, watermark",
                    "character_reference_id": "3f1c2a9e-8d4b-4c1e-9a57-2b6f0e4d8c11",
                    "audio_id": "9b2d7c4e-1f3a-4e5b-8c6d-7e8f9a0b1c2d",
                    "start_time": 16.0,
                    "end_time": 24.0,
                    "provider": "local",
                }
            ]
        },
    )

    prompt: str = Field(..., min_length=1, max_length=4000)
    negative_prompt: str | None = Field(None, max_length=2000)
    character_reference_id: uuid.UUID | None = None
    audio_id: uuid.UUID | None = None
    start_time: float | None = Field(None, ge=0, le=7200, description="Start of the clip's window in the song (seconds).")
    end_time: float | None = Field(None, gt=0, le=7200, description="End of the window; default start + the flavor's duration.")
    seed: int | None = Field(None, ge=0, le=2**31 - 1)
    aspect_ratio: AspectRatio | None = Field(None, description="16:9, 9:16 or 1:1 where the flavor's video model takes it; default the flavor's.")
    config_flavor: str | None = Field(None, max_length=64)
    provider: ProviderChoice | None = None

    @model_validator(mode="after")
    def _window(self) -> GenerateVideoRequest:
        if (self.start_time is not None or self.end_time is not None) and self.audio_id is None:
            raise ValueError("start_time and end_time need an audio_id")
        if self.end_time is not None and self.end_time <= (self.start_time or 0.0):
            raise ValueError("end_time must be after start_time")
        return self


class VideoResult(BaseModel):
    """A clip and how it was made."""

    video_id: str
    video_url: str
    poster_url: str | None = Field(..., description="`/api/mv/get_poster/{video_id}`: a JPEG frame to show before the video plays, made on its first request.")
    status: Literal["queued", "running", "succeeded", "failed", "canceled"]
    metadata: dict[str, Any]

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "video_id": "3f1c2a9e-8d4b-4c1e-9a57-2b6f0e4d8c11",
                    "video_url": "/api/mv/get_video/3f1c2a9e-8d4b-4c1e-9a57-2b6f0e4d8c11",
                    "poster_url": "/api/mv/get_poster/3f1c2a9e-8d4b-4c1e-9a57-2b6f0e4d8c11",
                    "status": "succeeded",
                    "metadata": {"config_flavor": "default", "provider": "local", "model": "local/draft-clip", "draft": True},
                }
            ]
        }
    )


class VideoPending(BaseModel):
    """`get_video` while the clip is not ready."""

    video_id: str
    status: Literal["queued", "running", "failed", "canceled"]

"""Audio request and response shapes."""

from __future__ import annotations

import uuid
from typing import Any, Literal

from pydantic import BaseModel, Field

EXAMPLE_ID = "3f1c2a9e-8d4b-4c1e-9a57-2b6f0e4d8c11"


class AudioAsset(BaseModel):
    """An uploaded or imported song."""

    audio_id: str
    audio_url: str = Field(..., description="Same-origin URL that streams the mp3.")
    title: str
    duration: float = Field(..., description="Seconds.")
    format: Literal["mp3"] = "mp3"
    file_size_bytes: int
    metadata: dict[str, Any] = Field(default_factory=dict, description="source, source_format, uploader, thumbnail, cloud_url, …")

    model_config = {"json_schema_extra": {"examples": [{
        "audio_id": EXAMPLE_ID, "audio_url": f"/api/audio/get/{EXAMPLE_ID}", "title": "My Song", "duration": 201.4,
        "format": "mp3", "file_size_bytes": 4834560, "metadata": {"source": "upload", "source_format": "wav", "sample_rate": 44100, "channels": 2},
    }]}}


class DownloadRequest(BaseModel):
    """Import the audio of one YouTube video (or of a URL on an operator-allowed host)."""

    url: str = Field(..., min_length=8, max_length=2048, examples=["https://www.youtube.com/watch?v=dQw4w9WgXcQ"])
    audio_quality: Literal["128", "192", "256", "320"] = Field("192", description="mp3 bitrate in kbit/s.")


class AudioInfo(BaseModel):
    """Everything the UI shows about a track."""

    audio_id: str
    title: str
    source: str = Field(..., description="upload, download or trim.")
    duration: float
    format: Literal["mp3"] = "mp3"
    sample_rate: int
    channels: int
    file_size_bytes: int
    parent_id: str | None = Field(None, description="The track this one was trimmed from.")
    start_offset: float = Field(0, description="Seconds from the start of the original track (cumulative over trims).")
    peaks: list[float] = Field(default_factory=list, description="Peak amplitudes 0..1 across the track, for drawing it.")

    model_config = {"json_schema_extra": {"examples": [{
        "audio_id": EXAMPLE_ID, "title": "My Song", "source": "trim", "duration": 171.4, "format": "mp3", "sample_rate": 44100,
        "channels": 2, "file_size_bytes": 4114560, "parent_id": "6b1f0c52-3c2e-4f7a-a0d9-5a1e2b3c4d5e", "start_offset": 30, "peaks": [0.12, 0.5, 0.87],
    }]}}


class TrimRequest(BaseModel):
    """Cut the track so it starts at `start_at` seconds."""

    audio_id: uuid.UUID = Field(..., examples=[EXAMPLE_ID])
    start_at: int = Field(..., ge=0, le=86400, strict=True, description="Whole seconds from the start of this track.", examples=[30])


class TrimResponse(BaseModel):
    """The new, trimmed track."""

    audio_id: str
    audio_url: str
    original_audio_id: str
    start_at: int
    duration: float
    file_size_bytes: int
    metadata: dict[str, Any] = Field(default_factory=dict, description="start_offset, root_id, title, cloud_url when uploaded to S3.")

    model_config = {"json_schema_extra": {"examples": [{
        "audio_id": EXAMPLE_ID, "audio_url": f"/api/audio/get/{EXAMPLE_ID}", "original_audio_id": "6b1f0c52-3c2e-4f7a-a0d9-5a1e2b3c4d5e",
        "start_at": 30, "duration": 171.4, "file_size_bytes": 4114560, "metadata": {"start_offset": 30},
    }]}}

"""Estimate, ledger and spend shapes."""

from __future__ import annotations

import uuid
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from mv.core.errors import ErrorBody
from mv.flavors.formats import AspectRatio

Unit = Literal["run", "image", "second"]


class EstimateRequest(BaseModel):
    """What a run will make: the flavor prices it, the mode says whether anything is paid."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"config_flavor": "mv1", "mode": "full", "number_of_scenes": 6, "character_images": 4, "lipsync_seconds": 16, "aspect_ratio": "9:16"}
            ]
        },
    )

    config_flavor: str | None = Field(None, max_length=64)
    mode: Literal["draft", "full"] = "full"
    number_of_scenes: int | None = Field(None, ge=0, le=200, strict=True, description="Clips to make; default from `audio_id`, else the flavor's number.")
    audio_id: uuid.UUID | None = Field(None, description="A stored song: one clip per scene duration of its length.")
    plan_scenes: bool = Field(True, strict=True, description="Whether the scene plan is written by the flavor's language model.")
    character_images: int | None = Field(None, ge=0, le=8, strict=True, description="Character images to generate; default the flavor's number, 0 with an uploaded image.")
    lipsync_seconds: float = Field(0.0, ge=0, le=7200, strict=True, description="Seconds of clips to lipsync.")
    aspect_ratio: AspectRatio | None = Field(None, description="Checked against the flavor's models; default the flavor's.")


class EstimateItem(BaseModel):
    """One priced step: `count` units of `unit` at the flavor's price."""

    step: Literal["scenes", "character_images", "clips", "lipsync"]
    model: str
    count: float
    unit: Unit
    usd: float


class Estimate(BaseModel):
    """The estimated cost of a run, and what the instance allows."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "total_usd": 9.77,
                    "items": [
                        {"step": "scenes", "model": "google/gemini-2.5-flash", "count": 1, "unit": "run", "usd": 0.01},
                        {"step": "character_images", "model": "google/imagen-4", "count": 4, "unit": "image", "usd": 0.16},
                        {"step": "clips", "model": "google/veo-3.1", "count": 48, "unit": "second", "usd": 9.6},
                    ],
                    "config_flavor": "mv1",
                    "mode": "full",
                    "aspect_ratio": "16:9",
                    "aspect_ratios": ["16:9", "9:16"],
                    "confirm_above_usd": 5.0,
                    "confirm_required": True,
                    "cap_usd_per_day": 20.0,
                    "left_today_usd": 14.5,
                }
            ]
        }
    )

    total_usd: float
    items: list[EstimateItem]
    config_flavor: str
    mode: Literal["draft", "full"]
    aspect_ratio: AspectRatio
    aspect_ratios: list[AspectRatio] = Field(..., description="The ratios this flavor's clip and image models take.")
    confirm_above_usd: float = Field(..., description="`MV_CONFIRM_ABOVE_USD`: above it a client asks before starting.")
    confirm_required: bool = Field(..., description="Whether `total_usd` is above `confirm_above_usd`.")
    cap_usd_per_day: float | None = Field(..., description="`MV_MAX_SPEND_USD_PER_DAY`; null when there is no cap.")
    left_today_usd: float | None = Field(..., description="What the cap leaves over the last 24 hours; null without a cap.")


class SpendLine(BaseModel):
    """One finished prediction: its step, model, Replicate's predict time and the estimated USD."""

    job_id: str
    step: str
    model: str
    prediction_id: str | None
    seconds: float | None = Field(..., description="Replicate's `metrics.predict_time`, when it reported one.")
    usd: float
    created_at: float


class SpendReport(BaseModel):
    """Per-prediction spend of some jobs."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "total_usd": 1.6,
                    "lines": [
                        {
                            "job_id": "3f1c2a9e-8d4b-4c1e-9a57-2b6f0e4d8c11", "step": "clip", "model": "google/veo-3.1",
                            "prediction_id": "q1w2e3r4t5", "seconds": 74.2, "usd": 1.6, "created_at": 1764670000.0,
                        }
                    ],
                }
            ]
        }
    )

    total_usd: float
    lines: list[SpendLine]


class SpendToday(BaseModel):
    """Estimated spend reserved over the last 24 hours against the cap."""

    spent_usd: float
    cap_usd_per_day: float | None
    left_usd: float | None


SPEND_CAP_RESPONSE: dict[str, Any] = {
    "model": ErrorBody,
    "description": "`SpendCapReached`: the request's estimated cost would pass MV_MAX_SPEND_USD_PER_DAY; `detail` names the cap and what is left.",
}

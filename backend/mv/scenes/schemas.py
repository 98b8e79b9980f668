"""Scene planning shapes."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

ProviderChoice = Literal["local", "replicate"]


class CreateScenesRequest(BaseModel):
    """What the plan is about; fields left out come from the flavor's `parameters.yaml`."""

    model_config = ConfigDict(
        str_strip_whitespace=True,
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "idea": "a band plays its last show before splitting up",
                    "character_description": "a woman in her thirties with short silver hair and a leather jacket",
                    "number_of_scenes": 4,
                    "config_flavor": "mv1",
                    "provider": "local",
                }
            ]
        },
    )

    idea: str = Field(..., min_length=1, max_length=2000)
    character_description: str = Field(..., min_length=1, max_length=2000)
    character_characteristics: str | None = Field(None, max_length=1000)
    number_of_scenes: int | None = Field(None, ge=1, le=24)
    video_type: str | None = Field(None, max_length=500)
    video_characteristics: str | None = Field(None, max_length=1000)
    camera_angle: str | None = Field(None, max_length=500)
    config_flavor: str | None = Field(None, max_length=64)
    provider: ProviderChoice | None = None


class SceneOut(BaseModel):
    """One planned scene."""

    description: str
    negative_description: str


class ScenesResult(BaseModel):
    """The plan and how it was made."""

    scenes: list[SceneOut]
    metadata: dict[str, Any]

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "scenes": [{"description": "Wide shot of the outdoor stadium stage at dusk…", "negative_description": "indoor venue, text"}],
                    "metadata": {"config_flavor": "mv1", "provider": "local", "model": "local/draft-scenes", "draft": True},
                }
            ]
        }
    )

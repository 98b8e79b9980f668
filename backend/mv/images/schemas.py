"""Character reference shapes."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from mv.flavors.formats import AspectRatio
from mv.scenes.schemas import ProviderChoice


class GenerateCharacterRequest(BaseModel):
    """Who to draw, and how many variants (the flavor's `num_images` when left out)."""

    model_config = ConfigDict(
        str_strip_whitespace=True,
        extra="forbid",
        json_schema_extra={
            "examples": [{"character_description": "a lead singer with a red mohawk and a denim jacket", "num_images": 2, "provider": "local"}]
        },
    )

    character_description: str = Field(..., min_length=1, max_length=2000)
    num_images: int | None = Field(None, ge=1, le=4)
    aspect_ratio: AspectRatio | None = Field(None, description="16:9, 9:16 or 1:1 where the flavor's image model takes it; default the flavor's.")
    config_flavor: str | None = Field(None, max_length=64)
    provider: ProviderChoice | None = None


class CharacterImage(BaseModel):
    """One stored character reference."""

    id: str
    url: str


class CharacterImages(BaseModel):
    """Images and how they were made."""

    images: list[CharacterImage]
    metadata: dict[str, Any]

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "images": [{"id": "3f1c2a9e-8d4b-4c1e-9a57-2b6f0e4d8c11", "url": "/api/mv/get_character_reference/3f1c2a9e-8d4b-4c1e-9a57-2b6f0e4d8c11"}],
                    "metadata": {"config_flavor": "default", "provider": "local", "model": "local/draft-image", "draft": True},
                }
            ]
        }
    )

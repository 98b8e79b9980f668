"""Scene planning shapes."""

from __future__ import annotations

import uuid
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

ProviderChoice = Literal["local", "replicate"]
SceneTiming = Literal["fixed", "music"]


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
    audio_id: uuid.UUID | None = Field(
        None, description="The song: scenes get its windows, sections, energy, vocals and lyrics (the plan waits for its analysis).",
    )
    scene_timing: SceneTiming | None = Field(
        None,
        description="`fixed`: one scene per `scene_duration` from 0; `music`: cuts on beats (downbeats and section changes "
        "preferred), 2-8 s windows covering the whole song, `number_of_scenes` ignored. Default: the flavor's `scene_timing`.",
    )

    @model_validator(mode="after")
    def _music_needs_a_song(self) -> CreateScenesRequest:
        if self.scene_timing == "music" and self.audio_id is None:
            raise ValueError("scene_timing music needs an audio_id")
        return self


class LyricLineOut(BaseModel):
    """A lyric line that is sung during a scene."""

    start: float
    end: float
    text: str


class SceneOut(BaseModel):
    """One planned scene, its window in the song and, with a song, what the music does there."""

    description: str
    negative_description: str
    start_time: float = Field(..., description="Start of the scene's window in the song (seconds).")
    end_time: float = Field(..., description="End of the window; the clip is cut to it when stitched.")
    section: str | None = Field(None, description="The song section the window mostly lies in (`A`, `B`…, `intro`, `outro`); null without a song.")
    energy: Literal["low", "mid", "high"] | None = Field(None, description="The music's energy in the window, on the song's own scale.")
    vocals: bool | None = Field(None, description="Whether a voice (estimated) or a lyric line sounds in the window.")
    lyrics: list[LyricLineOut] = Field(default_factory=list, description="Lyric lines sung during the window.")
    lipsync_suggested: bool = Field(False, description="The scene has vocals: a good one to lipsync over its own window.")


class ScenesResult(BaseModel):
    """The plan and how it was made."""

    scenes: list[SceneOut]
    metadata: dict[str, Any]

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "scenes": [{
                        "description": "Wide shot of the outdoor stadium stage at dusk…", "negative_description": "indoor venue, text",
                        "start_time": 0.0, "end_time": 3.87, "section": "A", "energy": "high", "vocals": True,
                        "lyrics": [{"start": 0.5, "end": 3.2, "text": "Hold on to the night"}], "lipsync_suggested": True,
                    }],
                    "metadata": {"config_flavor": "mv1", "provider": "local", "model": "local/draft-scenes", "draft": True},
                }
            ]
        }
    )

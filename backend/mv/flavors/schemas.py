"""One pydantic model per flavor file; unknown keys and wrong types are refused at startup."""

from __future__ import annotations

import string
from typing import Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator


def check_template(template: str, allowed: frozenset[str]) -> str:
    """Refuse a template whose placeholders are unknown or malformed."""
    try:
        fields = {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}
    except ValueError as exc:
        raise ValueError(f"malformed template: {exc}") from None
    unknown = {f for f in fields if f not in allowed}
    if unknown or any(not f for f in fields):
        raise ValueError(f"unknown placeholders {sorted(unknown) or ['{}']}; allowed: {sorted(allowed)}")
    return template


class FlavorFile(BaseModel):
    """Base for flavor files: strict, immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    file_name: ClassVar[str]


class ModelChoice(FlavorFile):
    """A hosted model and the inputs sent with every call."""

    model: str = Field(..., pattern=r"^[a-z0-9][a-z0-9_.-]*/[a-z0-9][a-z0-9_.-]*(:[0-9a-f]{64})?$")
    input: dict[str, Any] = Field(default_factory=dict, description="Extra model inputs passed through unchanged.")


SCENE_FIELDS = frozenset(
    {"idea", "character_description", "character_characteristics", "number_of_scenes", "video_type",
     "video_characteristics", "camera_angle", "scene_duration"}
)


class Parameters(FlavorFile):
    """Defaults for scene planning and the LLM that writes the plan."""

    file_name: ClassVar[str] = "parameters"
    character_characteristics: str
    video_type: str
    video_characteristics: str
    camera_angle: str
    number_of_scenes: int = Field(..., ge=1, le=24)
    scene_duration: float = Field(8.0, gt=0, le=20)
    scene_model: ModelChoice
    scene_price_per_run: float = Field(0.0, ge=0)


class ScenePrompts(FlavorFile):
    """The scene-planning prompt, its repair prompt, and the offline draft shot list."""

    file_name: ClassVar[str] = "scene_prompts"
    system_prompt: str = ""
    scene_generation_prompt: str
    repair_prompt: str
    draft_shots: tuple[str, ...] = Field(..., min_length=1)
    draft_negative: str = ""

    @field_validator("scene_generation_prompt", "system_prompt", "draft_negative")
    @classmethod
    def _scene_placeholders(cls, value: str) -> str:
        return check_template(value, SCENE_FIELDS)

    @field_validator("repair_prompt")
    @classmethod
    def _repair_placeholders(cls, value: str) -> str:
        return check_template(value, SCENE_FIELDS | {"problem", "previous_output"})

    @field_validator("draft_shots")
    @classmethod
    def _shot_placeholders(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(check_template(v, SCENE_FIELDS) for v in value)


class ImageParams(FlavorFile):
    """Character reference image model and parameters."""

    file_name: ClassVar[str] = "image_params"
    model: str = Field(..., pattern=r"^[a-z0-9][a-z0-9_.-]*/[a-z0-9][a-z0-9_.-]*$")
    aspect_ratio: str = "1:1"
    output_format: Literal["png", "jpg", "webp"] = "png"
    num_images: int = Field(4, ge=1, le=4)
    price_per_image: float = Field(0.0, ge=0)
    input: dict[str, Any] = Field(default_factory=dict)


class ImagePrompts(FlavorFile):
    """The character reference prompt."""

    file_name: ClassVar[str] = "image_prompts"
    character_reference_prompt: str

    @field_validator("character_reference_prompt")
    @classmethod
    def _placeholders(cls, value: str) -> str:
        return check_template(value, frozenset({"character_description"}))


class VideoParams(FlavorFile):
    """Clip model, its parameters, and the rules appended to every clip prompt."""

    file_name: ClassVar[str] = "video_params"
    model: str = Field(..., pattern=r"^[a-z0-9][a-z0-9_.-]*/[a-z0-9][a-z0-9_.-]*$")
    duration: int = Field(8, ge=1, le=20)
    aspect_ratio: Literal["16:9", "9:16", "1:1"] = "16:9"
    resolution: str = "720p"
    generate_audio: bool = False
    reference_input: Literal["reference_images", "image", "none"] = "reference_images"
    rules_template: str = ""
    price_per_second: float = Field(0.0, ge=0)
    input: dict[str, Any] = Field(default_factory=dict)

    @field_validator("rules_template")
    @classmethod
    def _placeholders(cls, value: str) -> str:
        return check_template(value, frozenset({"aspect_ratio", "duration"}))


class LipsyncParams(FlavorFile):
    """Lipsync model and parameters."""

    file_name: ClassVar[str] = "lipsync_params"
    model: str = Field(..., pattern=r"^[a-z0-9][a-z0-9_.-]*/[a-z0-9][a-z0-9_.-]*$")
    price_per_second: float = Field(0.0, ge=0)
    input: dict[str, Any] = Field(default_factory=dict)


FILE_TYPES: tuple[type[FlavorFile], ...] = (Parameters, ScenePrompts, ImageParams, ImagePrompts, VideoParams, LipsyncParams)


class FlavorList(BaseModel):
    """Available flavors, `default` first."""

    flavors: list[str]

    model_config = {"json_schema_extra": {"examples": [{"flavors": ["default", "example", "mv1"]}]}}

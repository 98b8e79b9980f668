"""One pydantic model per flavor file; unknown keys and wrong types are refused at startup."""

from __future__ import annotations

import string
from typing import Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from mv.flavors.models import MODEL_REF, ModelKind, ModelLimits, limits, system_input


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


def _known_model(info: ValidationInfo, kind: ModelKind) -> ModelLimits | None:
    """The table entry for the model this file names, once the model is known to be of `kind` (None: unknown)."""
    ref = info.data.get("model")
    known = limits(ref) if isinstance(ref, str) else None
    if known is None or known.kind != kind:
        return None
    return known


def check_choice(info: ValidationInfo, kind: ModelKind, input_name: str, value: Any) -> Any:
    """Refuse a value the file's model does not allow for `input_name`."""
    known = _known_model(info, kind)
    problem = known.problem(input_name, value) if known is not None and input_name in known.inputs else None
    if problem:
        raise ValueError(problem)
    return value


KIND_NAMES = {"llm": "a language", "image": "an image", "video": "a video", "lipsync": "a lipsync"}


def check_model(ref: str, kind: ModelKind) -> str:
    """Refuse a known model of another kind (a video model named as the image model, say)."""
    known = limits(ref)
    if known is not None and known.kind != kind:
        raise ValueError(f"{known.name} is {KIND_NAMES[known.kind]} model; this file needs {KIND_NAMES[kind]} model")
    return ref


def check_inputs(info: ValidationInfo, kind: ModelKind, extra: dict[str, Any], managed: frozenset[str]) -> dict[str, Any]:
    """Refuse extra inputs that Encore sets itself, and, for a known model, inputs it lacks or values it refuses."""
    ref = info.data.get("model")
    known = _known_model(info, kind)
    taken = managed | ({system_input(ref)} if kind == "llm" and isinstance(ref, str) else set())
    for key, value in extra.items():
        if key in taken:
            raise ValueError(f"input.{key} is set by Encore from this file's own keys; remove it from input")
        problem = known.problem(key, value) if known is not None else None
        if problem:
            raise ValueError(f"input.{key}: {problem}")
    return extra


class FlavorFile(BaseModel):
    """Base for flavor files: strict, immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    file_name: ClassVar[str]


class ModelChoice(FlavorFile):
    """A hosted language model and the inputs sent with every call."""

    model: str = Field(..., pattern=MODEL_REF)
    input: dict[str, Any] = Field(default_factory=dict, description="Extra model inputs passed through unchanged.")

    @field_validator("model")
    @classmethod
    def _model_kind(cls, value: str) -> str:
        return check_model(value, "llm")

    @field_validator("input")
    @classmethod
    def _legal_inputs(cls, value: dict[str, Any], info: ValidationInfo) -> dict[str, Any]:
        return check_inputs(info, "llm", value, frozenset({"prompt"}))


SCENE_FIELDS = frozenset(
    {"idea", "character_description", "character_characteristics", "number_of_scenes", "video_type",
     "video_characteristics", "camera_angle", "scene_duration", "music_plan"}
)


class TranscriptionChoice(FlavorFile):
    """A speech-to-text model on Replicate that times a song's words when it has no lyrics (Whisper-like: segments with start, end, text)."""

    model: str = Field(..., pattern=MODEL_REF)
    input: dict[str, Any] = Field(default_factory=dict, description="Extra model inputs passed through unchanged (`audio` is set by Encore).")
    price_per_run: float = Field(0.0, ge=0)

    @field_validator("input")
    @classmethod
    def _no_audio(cls, value: dict[str, Any]) -> dict[str, Any]:
        if "audio" in value:
            raise ValueError("`audio` is set by Encore; remove it from input")
        return value


class Parameters(FlavorFile):
    """Defaults for scene planning and the LLM that writes the plan."""

    file_name: ClassVar[str] = "parameters"
    character_characteristics: str
    video_type: str
    video_characteristics: str
    camera_angle: str
    number_of_scenes: int = Field(..., ge=1, le=24)
    scene_duration: float = Field(8.0, gt=0, le=20)
    scene_timing: Literal["fixed", "music"] = Field(
        "fixed", description="`fixed`: scene i covers i × scene_duration; `music`: cuts on beats, 2-8 s windows covering the song.",
    )
    scene_model: ModelChoice
    scene_price_per_run: float = Field(0.0, ge=0)
    transcription_model: TranscriptionChoice | None = Field(
        None, description="With Replicate: transcribe songs stored without lyrics through this speech-to-text model.",
    )


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
    model: str = Field(..., pattern=MODEL_REF)
    aspect_ratio: str = Field("1:1", validate_default=True)
    output_format: Literal["png", "jpg", "webp"] = Field("png", validate_default=True)
    num_images: int = Field(4, ge=1, le=4)
    price_per_image: float = Field(0.0, ge=0)
    input: dict[str, Any] = Field(default_factory=dict)

    @field_validator("model")
    @classmethod
    def _model_kind(cls, value: str) -> str:
        return check_model(value, "image")

    @field_validator("aspect_ratio", "output_format")
    @classmethod
    def _legal_for_model(cls, value: str, info: ValidationInfo) -> str:
        return check_choice(info, "image", str(info.field_name), value)  # type: ignore[no-any-return]

    @field_validator("input")
    @classmethod
    def _legal_inputs(cls, value: dict[str, Any], info: ValidationInfo) -> dict[str, Any]:
        return check_inputs(info, "image", value, frozenset({"prompt", "aspect_ratio", "output_format"}))


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
    model: str = Field(..., pattern=MODEL_REF)
    duration: int = Field(8, ge=1, le=20, validate_default=True)
    aspect_ratio: Literal["16:9", "9:16", "1:1"] = Field("16:9", validate_default=True)
    resolution: str = Field("720p", validate_default=True)
    generate_audio: bool = False
    reference_input: Literal["reference_images", "image", "none"] = Field("reference_images", validate_default=True)
    rules_template: str = ""
    price_per_second: float = Field(0.0, ge=0)
    input: dict[str, Any] = Field(default_factory=dict)

    @field_validator("model")
    @classmethod
    def _model_kind(cls, value: str) -> str:
        return check_model(value, "video")

    @field_validator("duration", "aspect_ratio", "resolution")
    @classmethod
    def _legal_for_model(cls, value: Any, info: ValidationInfo) -> Any:
        return check_choice(info, "video", str(info.field_name), value)

    @field_validator("reference_input")
    @classmethod
    def _reference_fits_model(cls, value: str, info: ValidationInfo) -> str:
        known = _known_model(info, "video")
        if known is None or value == "none":
            return value
        if value not in known.inputs:
            raise ValueError(f"{known.name} has no {value} input; use one of {', '.join(k for k in ('reference_images', 'image') if k in known.inputs)} or none")
        needs = known.reference_images_with if value == "reference_images" else None
        if needs and "aspect_ratio" in info.data and "duration" in info.data and (info.data.get("aspect_ratio"), info.data.get("duration")) != needs:
            raise ValueError(
                f"{known.name} takes reference_images only at {needs[0]} and {needs[1]} s; "
                "use reference_input: image (the character as first frame) or none"
            )
        return value

    @field_validator("input")
    @classmethod
    def _legal_inputs(cls, value: dict[str, Any], info: ValidationInfo) -> dict[str, Any]:
        managed = {"prompt", "aspect_ratio", "duration", "resolution", "generate_audio", "negative_prompt", "seed"}
        reference = info.data.get("reference_input")
        return check_inputs(info, "video", value, frozenset(managed | ({reference} if reference and reference != "none" else set())))

    @field_validator("rules_template")
    @classmethod
    def _placeholders(cls, value: str) -> str:
        return check_template(value, frozenset({"aspect_ratio", "duration"}))


class LipsyncParams(FlavorFile):
    """Lipsync model and parameters."""

    file_name: ClassVar[str] = "lipsync_params"
    model: str = Field(..., pattern=MODEL_REF)
    price_per_second: float = Field(0.0, ge=0)
    input: dict[str, Any] = Field(default_factory=dict)

    @field_validator("model")
    @classmethod
    def _model_kind(cls, value: str) -> str:
        return check_model(value, "lipsync")

    @field_validator("input")
    @classmethod
    def _legal_inputs(cls, value: dict[str, Any], info: ValidationInfo) -> dict[str, Any]:
        return check_inputs(info, "lipsync", value, frozenset({"video", "audio"}))


FILE_TYPES: tuple[type[FlavorFile], ...] = (Parameters, ScenePrompts, ImageParams, ImagePrompts, VideoParams, LipsyncParams)


class FlavorList(BaseModel):
    """Available flavors, `default` first."""

    flavors: list[str]

    model_config = {"json_schema_extra": {"examples": [{"flavors": ["default", "example", "mv1"]}]}}

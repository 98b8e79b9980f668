"""What Encore knows about the hosted models its flavors name: kind, inputs and their legal values.

One table, asked by flavor validation at startup and by any feature that needs a model's limits
("which durations does this model allow", "which aspect ratios"). Sources: the models' Replicate API
pages as recorded in the project's research notes. A model not in the table is passed through unchecked.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Literal

MODEL_REF = r"^[a-z0-9][a-z0-9_.-]*/[a-z0-9][a-z0-9_.-]*(:[0-9a-f]{64})?$"
"""`owner/name`, optionally pinned to a version as `owner/name:<64 hex digits>`."""

ModelKind = Literal["llm", "image", "video", "lipsync"]


def split_ref(ref: str) -> tuple[str, str | None]:
    """`owner/name[:version]` as (`owner/name`, version or None)."""
    name, _, version = ref.partition(":")
    return name, version or None


def is_model_ref(ref: str) -> bool:
    """Whether `ref` is a well-formed model reference."""
    return re.fullmatch(MODEL_REF, ref) is not None


@dataclass(frozen=True)
class Rule:
    """The legal values of one input: a set of choices, a numeric range, or a type."""

    choices: tuple[Any, ...] | None = None
    minimum: float | None = None
    maximum: float | None = None
    kind: Literal["text", "bool", "int", "number", "url", "urls", "any"] = "any"

    def problem(self, value: Any) -> str | None:
        """Why `value` is not legal, or None."""
        if self.choices is not None:
            if isinstance(value, bool) or value not in self.choices:
                return f"must be one of {', '.join(map(str, self.choices))} (got {value!r})"
            return None
        if self.kind == "bool" and not isinstance(value, bool):
            return f"must be true or false (got {value!r})"
        if self.kind == "text" and not isinstance(value, str):
            return f"must be text (got {value!r})"
        if self.kind in ("url", "urls"):
            values = value if self.kind == "urls" and isinstance(value, list) else [value]
            if not all(isinstance(v, str) and v.startswith("https://") for v in values):
                return f"must be {'a list of https URLs' if self.kind == 'urls' else 'an https URL'}"
        if self.kind in ("int", "number"):
            wanted = int if self.kind == "int" else (int, float)
            if isinstance(value, bool) or not isinstance(value, wanted):
                return f"must be {'a whole number' if self.kind == 'int' else 'a number'} (got {value!r})"
            if self.minimum is not None and value < self.minimum:
                return f"must be at least {self.minimum:g} (got {value!r})"
            if self.maximum is not None and value > self.maximum:
                return f"must be at most {self.maximum:g} (got {value!r})"
        return None


TEXT, BOOL, URL, URLS, ANY = Rule(kind="text"), Rule(kind="bool"), Rule(kind="url"), Rule(kind="urls"), Rule()
SEED = Rule(kind="int", minimum=0)


@dataclass(frozen=True)
class ModelLimits:
    """One model: its kind, every input it accepts with its legal values, and model-specific couplings."""

    name: str
    kind: ModelKind
    inputs: Mapping[str, Rule]
    system_input: str | None = None
    """Where an LLM takes its system prompt."""
    reference_images_with: tuple[str, int] | None = None
    """(aspect ratio, duration) that `reference_images` requires, when the model restricts it."""

    def choices(self, input_name: str) -> tuple[Any, ...] | None:
        """The legal values of an input, when it has a fixed set."""
        rule = self.inputs.get(input_name)
        return rule.choices if rule is not None else None

    def problem(self, input_name: str, value: Any) -> str | None:
        """Why this input or value is not one the model takes, or None."""
        rule = self.inputs.get(input_name)
        if rule is None:
            return f"{self.name} has no input {input_name!r}; it takes {', '.join(sorted(self.inputs))}"
        found = rule.problem(value)
        return f"{self.name} {input_name} {found}" if found else None


def _model(name: str, kind: ModelKind, inputs: dict[str, Rule], **extra: Any) -> tuple[str, ModelLimits]:
    return name, ModelLimits(name=name, kind=kind, inputs=MappingProxyType(inputs), **extra)


_VEO_3 = {
    "prompt": TEXT, "aspect_ratio": Rule(choices=("16:9", "9:16")), "duration": Rule(choices=(4, 6, 8)),
    "image": URL, "negative_prompt": TEXT, "resolution": Rule(choices=("720p", "1080p")),
    "generate_audio": BOOL, "seed": SEED,
}
_IMAGEN_4 = {
    "prompt": TEXT, "aspect_ratio": Rule(choices=("1:1", "9:16", "16:9", "3:4", "4:3")),
    "output_format": Rule(choices=("jpg", "png")),
    "safety_filter_level": Rule(choices=("block_low_and_above", "block_medium_and_above", "block_only_high")),
}
_SYNC_LIPSYNC = {
    "video": URL, "audio": URL, "sync_mode": Rule(choices=("loop", "bounce", "remap", "cut_off", "silence")),
    "temperature": Rule(kind="number", minimum=0, maximum=1), "active_speaker": BOOL,
}
_OPENAI_CHAT = {"prompt": TEXT, "system_prompt": TEXT, "messages": ANY, "image_input": ANY, "max_completion_tokens": Rule(kind="int", minimum=1)}

MODELS: Mapping[str, ModelLimits] = MappingProxyType(dict([
    _model("google/veo-3.1", "video", {**_VEO_3, "last_frame": URL, "reference_images": URLS}, reference_images_with=("16:9", 8)),
    _model("google/veo-3.1-fast", "video", {**_VEO_3, "last_frame": URL}),
    _model("google/veo-3-fast", "video", _VEO_3),
    _model("google/imagen-4", "image", _IMAGEN_4),
    _model("google/imagen-4-fast", "image", _IMAGEN_4),
    _model("google/imagen-4-ultra", "image", {**_IMAGEN_4, "image_size": Rule(choices=("1K", "2K"))}),
    _model("sync/lipsync-2-pro", "lipsync", _SYNC_LIPSYNC),
    _model("sync/lipsync-2", "lipsync", {**_SYNC_LIPSYNC, "text": TEXT, "occlusion_detection": BOOL}),
    _model("google/gemini-2.5-flash", "llm", {
        "prompt": TEXT, "system_instruction": TEXT, "temperature": Rule(kind="number", minimum=0, maximum=2),
        "top_p": Rule(kind="number", minimum=0, maximum=1), "max_output_tokens": Rule(kind="int", minimum=1, maximum=65535),
        "thinking_budget": Rule(kind="int", minimum=0, maximum=24576), "dynamic_thinking": BOOL, "images": URLS, "videos": URLS,
    }, system_input="system_instruction"),
    _model("openai/gpt-4.1-mini", "llm", {
        **_OPENAI_CHAT, "temperature": Rule(kind="number", minimum=0, maximum=2), "top_p": Rule(kind="number", minimum=0, maximum=1),
        "frequency_penalty": Rule(kind="number", minimum=-2, maximum=2), "presence_penalty": Rule(kind="number", minimum=-2, maximum=2),
    }, system_input="system_prompt"),
    _model("openai/gpt-5-nano", "llm", {**_OPENAI_CHAT, "reasoning_effort": TEXT, "verbosity": TEXT}, system_input="system_prompt"),
]))


def limits(ref: str) -> ModelLimits | None:
    """What is known about the model `ref` names (a pinned version shares its model's limits)."""
    return MODELS.get(split_ref(ref)[0])


def system_input(ref: str) -> str:
    """The input an LLM takes its system prompt in (`system_prompt` when the model is not in the table)."""
    known = limits(ref)
    return (known.system_input if known and known.system_input else None) or "system_prompt"


def durations(ref: str) -> tuple[int, ...] | None:
    """The clip durations a video model allows, shortest first (None: not known)."""
    known = limits(ref)
    choices = known.choices("duration") if known else None
    return tuple(sorted(choices)) if choices else None


def aspect_ratios(ref: str) -> tuple[str, ...] | None:
    """The aspect ratios a model allows (None: not known)."""
    known = limits(ref)
    return known.choices("aspect_ratio") if known else None


def shortest_duration_covering(ref: str, seconds: float) -> int | None:
    """The shortest duration the model allows that lasts at least `seconds` (None: unknown model or none long enough)."""
    allowed = durations(ref)
    return next((d for d in allowed if d >= seconds), None) if allowed else None


def clip_duration(ref: str, window_seconds: float | None, configured: int, *, reference_images: bool = False) -> int:
    """The duration to ask the video model for: the shortest legal one covering the window (`configured` when unknown).

    A model that takes `reference_images` only at one duration gets that duration when they are sent.
    """
    known = limits(ref)
    if window_seconds is None or known is None:
        return configured
    if reference_images and known.reference_images_with is not None:
        return known.reference_images_with[1]
    return shortest_duration_covering(ref, window_seconds - 1e-6) or configured

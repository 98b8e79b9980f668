"""Aspect ratios: which ones a flavor's models allow, the flavor files adjusted to one, and frame sizes."""

from __future__ import annotations

from typing import Literal

from mv.core.errors import BadRequest
from mv.flavors.models import aspect_ratios, limits
from mv.flavors.schemas import ImageParams, VideoParams

AspectRatio = Literal["16:9", "9:16", "1:1"]
ASPECT_RATIOS: tuple[AspectRatio, ...] = ("16:9", "9:16", "1:1")
FRAME_SIZES: dict[str, tuple[int, int]] = {"16:9": (1280, 720), "9:16": (720, 1280), "1:1": (720, 720)}
"""Width and height of a draft clip, and of a stitch, at each ratio."""


def frame_size(aspect_ratio: str | None) -> tuple[int, int]:
    """The (width, height) Encore renders at this ratio (16:9 when unknown)."""
    return FRAME_SIZES.get(aspect_ratio or "16:9", FRAME_SIZES["16:9"])


def allowed(video: VideoParams, image: ImageParams) -> list[str]:
    """The ratios both the flavor's clip and image models take (a model not in the table takes any)."""
    video_ok = aspect_ratios(video.model) or ASPECT_RATIOS
    image_ok = aspect_ratios(image.model) or ASPECT_RATIOS
    return [r for r in ASPECT_RATIOS if r in video_ok and r in image_ok]


def _refuse(model: str, ratio: str, legal: tuple[str, ...]) -> BadRequest:
    return BadRequest(f"aspect_ratio {ratio} is not available with {model}; it takes {', '.join(r for r in legal if r in ASPECT_RATIOS)}.")


def video_params_at(params: VideoParams, ratio: str | None) -> VideoParams:
    """The flavor's clip settings at `ratio`: refused when the model does not take it; a character reference
    the model takes only at another ratio (Veo 3.1 `reference_images`: 16:9 and 8 s) goes as the first frame instead."""
    if ratio is None or ratio == params.aspect_ratio:
        return params
    legal = aspect_ratios(params.model)
    if legal is not None and ratio not in legal:
        raise _refuse(params.model, ratio, legal)
    known = limits(params.model)
    reference = params.reference_input
    needs = known.reference_images_with if known and reference == "reference_images" else None
    if needs and (ratio, params.duration) != needs:
        reference = "image" if "image" in known.inputs else "none"  # type: ignore[union-attr]
    return params.model_copy(update={"aspect_ratio": ratio, "reference_input": reference})


def image_params_at(params: ImageParams, ratio: str | None) -> ImageParams:
    """The flavor's character image settings at `ratio`, refused when the model does not take it."""
    if ratio is None or ratio == params.aspect_ratio:
        return params
    legal = aspect_ratios(params.model)
    if legal is not None and ratio not in legal:
        raise _refuse(params.model, ratio, legal)
    return params.model_copy(update={"aspect_ratio": ratio})

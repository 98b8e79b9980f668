"""The provider interface every implementation follows."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, Protocol

from mv.flavors.schemas import ImageParams, ImagePrompts, LipsyncParams, Parameters, ScenePrompts, VideoParams
from mv.jobs.runner import JobContext
from mv.scenes.music import SceneMusic, prompt_text

ProviderName = Literal["local", "replicate"]


@dataclass(frozen=True)
class Provenance:
    """Who made an asset, from what, how long it took and what it cost."""

    provider: ProviderName
    model: str
    inputs: dict[str, Any] = field(default_factory=dict)
    prediction_id: str | None = None
    seconds: float = 0.0
    cost_estimate: float = 0.0
    draft: bool = False

    def as_dict(self) -> dict[str, Any]:
        """Plain data for asset info and response metadata."""
        return {
            "provider": self.provider,
            "model": self.model,
            "inputs": self.inputs,
            "prediction_id": self.prediction_id,
            "seconds": round(self.seconds, 3),
            "cost_estimate": round(self.cost_estimate, 4),
            "draft": self.draft,
        }


@dataclass(frozen=True)
class SceneBrief:
    """Everything a scene planner needs, after flavor defaults are applied."""

    idea: str
    character_description: str
    character_characteristics: str
    number_of_scenes: int
    video_type: str
    video_characteristics: str
    camera_angle: str
    scene_duration: float
    music: tuple[SceneMusic, ...] = ()
    tempo: float | None = None

    def fields(self) -> dict[str, Any]:
        """Template values."""
        return {
            "idea": self.idea,
            "character_description": self.character_description,
            "character_characteristics": self.character_characteristics,
            "number_of_scenes": self.number_of_scenes,
            "video_type": self.video_type,
            "video_characteristics": self.video_characteristics,
            "camera_angle": self.camera_angle,
            "scene_duration": f"{self.scene_duration:g}",
            "music_plan": prompt_text(self.tempo, self.music),
        }

    def prompt(self, template: str, **extra: Any) -> str:
        """A filled prompt template; the musical context is appended when the template does not place it."""
        values = self.fields()
        text = template.format(**values, **extra)
        if values["music_plan"] and "{music_plan}" not in template:
            text = f"{text.rstrip()}\n\n{values['music_plan']}\n"
        return text


@dataclass(frozen=True)
class Scene:
    """One planned scene."""

    description: str
    negative_description: str


@dataclass(frozen=True)
class MusicWindow:
    """The song around one clip, every time in seconds from the clip's start (spans as `(start, end, text)`)."""

    tempo: float
    beats: tuple[float, ...] = ()
    downbeats: tuple[float, ...] = ()
    energy: tuple[float, ...] = ()
    sections: tuple[tuple[float, float, str], ...] = ()
    lyrics: tuple[tuple[float, float, str], ...] = ()


@dataclass(frozen=True)
class ClipBrief:
    """What one clip must show, with the media it is made from (`music`: the song's analysis around it, when known)."""

    prompt: str
    negative_prompt: str
    reference_image: Path | None
    audio_segment: Path | None
    seed: int | None = None
    duration: int | None = None
    """Seconds to ask the model for (None: the flavor's `duration`)."""
    music: MusicWindow | None = None


class Provider(Protocol):
    """Scene planning, character images, clips and lipsync. `ctx` lets a call checkpoint prediction ids."""

    name: ProviderName

    async def plan_scenes(
        self, ctx: JobContext, brief: SceneBrief, params: Parameters, prompts: ScenePrompts
    ) -> tuple[list[Scene], Provenance]:
        """Write `brief.number_of_scenes` scenes."""
        ...

    async def character_images(
        self, ctx: JobContext, description: str, count: int, params: ImageParams, prompts: ImagePrompts, workdir: Path
    ) -> list[tuple[Path, Provenance]]:
        """Render `count` character reference images into `workdir`."""
        ...

    async def clip(self, ctx: JobContext, brief: ClipBrief, params: VideoParams, workdir: Path) -> tuple[Path, Provenance]:
        """Render one clip (MP4) into `workdir`."""
        ...

    async def lipsync(
        self, ctx: JobContext, video: Path, audio: Path, params: LipsyncParams, workdir: Path
    ) -> tuple[Path, Provenance]:
        """Lipsync `video` to `audio` (already cut to the clip's window) into `workdir`."""
        ...


def response_metadata(flavor: str, provenance: Provenance, parameters: dict[str, Any]) -> dict[str, Any]:
    """The `metadata` every generation response carries: flavor, provider, model, parameters, draft flag, cost."""
    return {
        "config_flavor": flavor,
        "provider": provenance.provider,
        "model": provenance.model,
        "draft": provenance.draft,
        "parameters": parameters,
        "prediction_id": provenance.prediction_id,
        "seconds": round(provenance.seconds, 3),
        "cost_estimate": round(provenance.cost_estimate, 4),
    }

"""Project shapes: what a project keeps, what the list shows, and a share link."""

from __future__ import annotations

import uuid
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

Mode = Literal["draft", "full"]
AspectRatio = Literal["16:9", "9:16", "1:1"]
ClipKind = Literal["generated", "regenerated", "lipsync"]
SceneId = str

EXAMPLE_ID = "3f1c2a9e-8d4b-4c1e-9a57-2b6f0e4d8c11"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class ProjectSong(_Strict):
    """The song: the audio used (trimmed or not), the one it was trimmed from, and where the trim starts."""

    audio_id: uuid.UUID | None = None
    original_audio_id: uuid.UUID | None = None
    title: str | None = Field(None, max_length=500)
    duration: float | None = Field(None, ge=0, le=86_400)
    trim_start: float | None = Field(None, ge=0, le=86_400)


class ProjectCharacter(_Strict):
    """The character: its description, the images offered, and the one chosen."""

    description: str = Field("", max_length=2000)
    image_id: uuid.UUID | None = None
    image_ids: list[uuid.UUID] = Field(default_factory=list, max_length=16)


class ProjectScene(_Strict):
    """One planned scene, with the text the creator edited it to."""

    id: SceneId = Field(..., min_length=1, max_length=64)
    description: str = Field("", max_length=5000)
    negative_description: str = Field("", max_length=5000)
    edited_text: str | None = Field(None, max_length=5000)
    start_time: float | None = Field(None, ge=0)
    end_time: float | None = Field(None, ge=0)


class ClipVersion(_Strict):
    """One clip made for a scene: generated, regenerated or lipsynced."""

    scene_id: SceneId = Field(..., min_length=1, max_length=64)
    video_id: uuid.UUID
    kind: ClipKind = "generated"
    created_at: float | None = None


class FinalVideo(_Strict):
    """One stitched video and the clips it was stitched from."""

    video_id: uuid.UUID
    clip_ids: list[uuid.UUID] = Field(default_factory=list, max_length=200)
    created_at: float | None = None


class ProjectContent(_Strict):
    """Everything a project keeps besides its title."""

    song: ProjectSong = Field(default_factory=ProjectSong)
    idea: str = Field("", max_length=2000)
    character: ProjectCharacter = Field(default_factory=ProjectCharacter)
    config_flavor: str | None = Field(None, max_length=64)
    mode: Mode = "draft"
    aspect_ratio: AspectRatio = "16:9"
    scenes: list[ProjectScene] = Field(default_factory=list, max_length=64)
    clips: list[ClipVersion] = Field(default_factory=list, max_length=2000)
    current_clips: dict[SceneId, uuid.UUID] = Field(default_factory=dict, description="The clip shown for each scene id.")
    finals: list[FinalVideo] = Field(default_factory=list, max_length=500)

    @model_validator(mode="after")
    def _current_clips_are_versions(self) -> ProjectContent:
        made = {(c.scene_id, c.video_id) for c in self.clips}
        for scene_id, video_id in self.current_clips.items():
            if (scene_id, video_id) not in made:
                raise ValueError(f"current_clips names {video_id} for scene {scene_id!r}, which is not one of its clips")
        return self


class ProjectCreate(ProjectContent):
    """A new project; the title defaults to the song's title or the idea."""

    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        json_schema_extra={"examples": [{
            "title": "Last show",
            "song": {"audio_id": EXAMPLE_ID, "title": "Last show", "duration": 36.0},
            "idea": "a band plays its last show before splitting up",
            "character": {"description": "a woman with short silver hair"},
            "config_flavor": "mv1", "mode": "draft", "aspect_ratio": "9:16",
        }]},
    )

    title: str | None = Field(None, max_length=200)


class ProjectPatch(_Strict):
    """Fields to replace; those left out stay as they are (lists and objects are replaced whole)."""

    title: str | None = Field(None, min_length=1, max_length=200)
    song: ProjectSong | None = None
    idea: str | None = Field(None, max_length=2000)
    character: ProjectCharacter | None = None
    config_flavor: str | None = Field(None, max_length=64)
    mode: Mode | None = None
    aspect_ratio: AspectRatio | None = None
    scenes: list[ProjectScene] | None = Field(None, max_length=64)
    clips: list[ClipVersion] | None = Field(None, max_length=2000)
    current_clips: dict[SceneId, uuid.UUID] | None = None
    finals: list[FinalVideo] | None = Field(None, max_length=500)


class Project(ProjectContent):
    """A project as stored and served."""

    model_config = ConfigDict(extra="forbid")

    id: str
    title: str
    created_at: float
    updated_at: float
    shared: bool = Field(False, description="Whether a read-only share link exists.")
    poster_url: str | None = Field(None, description="The newest final video's poster, else the chosen character image.")
    cost_usd: float | None = Field(None, description="Estimated USD of the project's finished paid predictions (the spend ledger's lines for its assets' jobs).")


class ProjectSummary(BaseModel):
    """One line of the project list."""

    id: str
    title: str
    poster_url: str | None
    duration: float | None = Field(None, description="The song's length in seconds.")
    mode: Mode
    config_flavor: str | None
    aspect_ratio: AspectRatio
    scene_count: int
    final_video_id: str | None = Field(None, description="The newest final video, if any.")
    cost_usd: float | None
    created_at: float
    updated_at: float


class ProjectPage(BaseModel):
    """A page of projects, newest first."""

    items: list[ProjectSummary]
    total: int
    limit: int
    offset: int


class ShareLink(BaseModel):
    """A read-only link to one project; whoever holds the token can read it, nothing more."""

    token: str
    url: str = Field(..., description="The read-only API route for this token.")

    model_config = ConfigDict(json_schema_extra={"examples": [{"token": "q2N0n6…", "url": "/api/shared/q2N0n6…"}]})


class StoredProject(BaseModel):
    """A project row."""

    id: str
    workspace_id: str
    title: str
    document: dict[str, object]
    share_token_hash: str | None = None
    created_at: float
    updated_at: float

"""Asset shapes."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

AssetKind = Literal["audio", "image", "video"]
Status = Literal["queued", "running", "succeeded", "failed", "canceled"]


class Asset(BaseModel):
    """A stored artefact and where it came from."""

    id: str
    kind: AssetKind
    status: Status
    job_id: str | None = None
    parent_id: str | None = None
    storage_key: str | None = Field(None, description="Key under the media root, e.g. audio/{id}.mp3")
    s3_key: str | None = None
    info: dict[str, Any] = Field(default_factory=dict)
    created_at: float
    updated_at: float

    @property
    def ready(self) -> bool:
        """Whether the asset's file can be served."""
        return self.status == "succeeded" and self.storage_key is not None

"""Health shapes."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel


class Health(BaseModel):
    """Liveness plus what the frontend needs to offer generation modes."""

    status: Literal["ok"]
    default_provider: Literal["local", "replicate"]
    replicate_available: bool
    version: str

    model_config = {"json_schema_extra": {"examples": [{"status": "ok", "default_provider": "local", "replicate_available": False, "version": "0.1.0"}]}}

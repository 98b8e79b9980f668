"""UUID identifiers: the only ids Encore hands out or accepts."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Path

from mv.core.errors import NotFound


def new_id() -> str:
    """A fresh random UUID in canonical text form."""
    return str(uuid.uuid4())


def parse_id(value: str) -> str:
    """Canonicalise a UUID string, raising ValueError for anything else."""
    return str(uuid.UUID(str(value)))


def require_id(value: str, what: str = "resource") -> str:
    """Parse an id that came from stored data; unknown shapes read as not found."""
    try:
        return parse_id(value)
    except ValueError:
        raise NotFound(f"No {what} has that id.") from None


IdPath = Annotated[uuid.UUID, Path(description="A UUID.", examples=["3f1c2a9e-8d4b-4c1e-9a57-2b6f0e4d8c11"])]

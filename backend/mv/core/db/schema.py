"""The metadata every table registers on, and the column types shared by both engines."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import MetaData, Text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator, TypeEngine

metadata = MetaData(
    naming_convention={
        "ix": "%(table_name)s_%(column_0_N_name)s",
        "uq": "%(table_name)s_%(column_0_N_name)s_key",
        "ck": "%(table_name)s_%(constraint_name)s_check",
        "fk": "%(table_name)s_%(column_0_N_name)s_fkey",
    }
)
"""Every table Encore keeps; Alembic compares its migrations against it."""


class Json(TypeDecorator[Any]):
    """A JSON document: JSONB on PostgreSQL, JSON text on SQLite (as Encore has always stored it); None is NULL."""

    impl = Text
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        """JSONB where the engine has it."""
        if dialect.name == "postgresql":
            return dialect.type_descriptor(JSONB(none_as_null=True))
        return dialect.type_descriptor(Text())

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        """Encode for SQLite; PostgreSQL's driver encodes JSONB itself."""
        if dialect.name == "postgresql" or value is None:
            return value
        return json.dumps(value)

    def process_result_value(self, value: Any, dialect: Dialect) -> Any:
        """Decode SQLite's text; an empty text is no document."""
        if dialect.name == "postgresql" or value is None:
            return value
        return json.loads(value) if value else None

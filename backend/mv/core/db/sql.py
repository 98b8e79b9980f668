"""Statements whose spelling differs between SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Column, Table, bindparam, func, literal
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql.elements import ColumnElement


def insert_or_ignore(conn: AsyncConnection, table: Table, *keys: str) -> Any:
    """An INSERT that does nothing when a row with the same `keys` exists."""
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    return dialect.insert(table).on_conflict_do_nothing(index_elements=list(keys))


def jsonb_merged(column: Column[Any], patch: dict[str, Any]) -> ColumnElement[Any]:
    """PostgreSQL: the JSONB document with `patch`'s top-level keys set, in the UPDATE itself (no read before the write)."""
    empty = literal({}, type_=JSONB)
    return func.coalesce(column, empty).op("||", return_type=JSONB)(bindparam(None, patch, type_=JSONB))

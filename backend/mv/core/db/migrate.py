"""Alembic migrations, run in the caller's transaction: from an empty database, a legacy one, or an older revision."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection

MIGRATIONS_DIR = Path(__file__).resolve().parents[2] / "migrations"
LOCK = "encore.migrations"
"""Name of the lock one migrating process holds while others wait."""

_alembic = threading.Lock()

LEGACY_REVISIONS = {1: "0001", 2: "0002"}
"""`PRAGMA user_version` of the hand-written SQLite store Encore used before Alembic, and the revision it equals."""


UNMODELLED_PREFIXES = ("procrastinate_", "encore_rate_")
"""Tables written by hand in migrations, not declared on `metadata`: Procrastinate's queue, the shared rate limits."""


def include_object(obj: object, name: str | None, type_: str, reflected: bool, compare_to: object) -> bool:
    """Autogenerate compares only what `metadata` declares; hand-written tables (and their indexes) are left out."""
    table = getattr(obj, "table", obj) if type_ != "table" else obj
    table_name = getattr(table, "name", name) or ""
    return not (reflected and compare_to is None and table_name.startswith(UNMODELLED_PREFIXES))


class UnknownSchema(RuntimeError):
    """The database holds a schema this Encore did not make."""


@asynccontextmanager
async def one_at_a_time() -> AsyncIterator[None]:
    """Alembic keeps its running context in module globals: one migration at a time in this process,
    whatever thread or event loop asks (taken before any database lock, so it cannot deadlock with one)."""
    while not _alembic.acquire(blocking=False):
        await asyncio.sleep(0.01)
    try:
        yield
    finally:
        _alembic.release()


def config(connection: Connection | None = None) -> Config:
    """Alembic's configuration for Encore's migrations, bound to `connection` when given."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.attributes["connection"] = connection
    return cfg


def head() -> str:
    """The newest revision."""
    return ScriptDirectory.from_config(config()).get_current_head() or ""


def current(connection: Connection) -> str | None:
    """The revision the database is at, None before any."""
    return MigrationContext.configure(connection).get_current_revision()


def _legacy_revision(connection: Connection) -> str | None:
    """The revision a pre-Alembic SQLite store equals, None for an empty database."""
    if connection.dialect.name != "sqlite":
        return None
    version = int(connection.exec_driver_sql("PRAGMA user_version").scalar() or 0)
    if version == 0:
        return None
    if version not in LEGACY_REVISIONS:
        raise UnknownSchema(f"The database has schema version {version}, which this Encore does not know.")
    return LEGACY_REVISIONS[version]


def upgrade_to_head(connection: Connection) -> tuple[str | None, str | None]:
    """Stamp a legacy store with the revision it equals, then apply every newer migration; (before, after)."""
    cfg = config(connection)
    before = current(connection)
    if before is None:
        legacy = _legacy_revision(connection)
        if legacy is not None:
            command.stamp(cfg, legacy)
            before = f"legacy-{legacy}"
    command.upgrade(cfg, "head")
    return before, current(connection)

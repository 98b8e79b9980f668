"""The metadata store: one async engine on SQLite or PostgreSQL, and the transactions repositories share."""

from __future__ import annotations

import asyncio
import contextvars
import hashlib
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager, nullcontext
from pathlib import Path
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.engine import URL, Connection
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

from mv.core.db import migrate
from mv.core.db.ping import ping_idle_connections
from mv.core.db.url import engine_url
from mv.core.logging import get_logger

log = get_logger(__name__)

_WRITE = "encore_write"
_current: contextvars.ContextVar[tuple[Store, asyncio.Task[Any] | None, AsyncConnection] | None] = contextvars.ContextVar(
    "encore_transaction", default=None
)


def lock_key(name: str) -> int:
    """A stable signed 64-bit key for a PostgreSQL advisory lock named `name`."""
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)


def _install_sqlite_hooks(engine: AsyncEngine) -> None:
    """Let Encore, not the driver, emit BEGIN: IMMEDIATE for writes (one writer at a time); reads are single
    statements, each atomic on its own, so they begin nothing and never hold a snapshot open."""

    @event.listens_for(engine.sync_engine, "connect")
    def _connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        for pragma in ("PRAGMA synchronous=NORMAL", "PRAGMA foreign_keys=ON", "PRAGMA busy_timeout=30000"):
            cursor.execute(pragma)
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _begin(conn: Connection) -> None:
        if conn.get_execution_options().get(_WRITE):
            conn.exec_driver_sql("BEGIN IMMEDIATE")


class Store:
    """Assets and jobs on SQLite (embedded) or PostgreSQL (shared), migrated on first use.

    Writes go through `transaction()`. A repository call made by the task that holds a transaction joins
    it, so a caller can commit several writes, or a write and a queue entry, together.
    """

    def __init__(self, url: str | URL, *, pool_size: int = 10, max_overflow: int = 20) -> None:
        self.url = engine_url(url) if isinstance(url, str) else url
        self.dialect = self.url.get_backend_name()
        if self.is_sqlite:
            Path(self.url.database or "").parent.mkdir(parents=True, exist_ok=True)
            self.engine = create_async_engine(self.url, connect_args={"timeout": 30})
            _install_sqlite_hooks(self.engine)
        else:
            self.engine = create_async_engine(self.url, pool_size=pool_size, max_overflow=max_overflow)
            ping_idle_connections(self.engine)
        self._writer = asyncio.Lock()
        self._opening = asyncio.Lock()
        self._opened = False

    @property
    def is_sqlite(self) -> bool:
        """Whether this is the embedded SQLite store."""
        return self.dialect == "sqlite"

    @property
    def conninfo(self) -> str:
        """The PostgreSQL URL as libpq takes it (for LISTEN connections and the job queue)."""
        return self.url.set(drivername="postgresql").render_as_string(hide_password=False)

    async def open(self) -> None:
        """Prepare the database (WAL on SQLite) and migrate it to the newest schema; safe to call again."""
        if self._opened:
            return
        async with self._opening:
            if self._opened:
                return
            if self.is_sqlite:
                await self._enable_wal()
            async with migrate.one_at_a_time(), self.begin(exclusive=migrate.LOCK) as conn:
                before, after = await conn.run_sync(migrate.upgrade_to_head)
            if before != after:
                log.info("database_migrated", engine=self.dialect, revision_from=before, revision_to=after)
            self._opened = True

    async def _enable_wal(self, attempts: int = 100) -> None:
        """Switch to WAL; SQLite answers "locked" without waiting while another process does the same."""
        async with self.engine.connect() as conn:
            raw = (await conn.get_raw_connection()).driver_connection
            for attempt in range(attempts):
                try:
                    await raw.execute("PRAGMA journal_mode=WAL")
                    return
                except Exception as exc:  # aiosqlite raises sqlite3.OperationalError
                    if "locked" not in str(exc) or attempt == attempts - 1:
                        raise
                    await asyncio.sleep(0.05)

    def joined(self) -> AsyncConnection | None:
        """The connection of the transaction the current task holds on this store, if any."""
        current = _current.get()
        if current is None or current[0] is not self or current[1] is not asyncio.current_task():
            return None
        return current[2]

    @asynccontextmanager
    async def transaction(self, *, exclusive: str | None = None) -> AsyncIterator[AsyncConnection]:
        """One write transaction, committed when the block ends (rolled back if it raises).

        Repository calls made by this task inside the block join it; tasks it starts do not (on SQLite, do not
        await their writes inside the block: they wait for it to end). `exclusive` also holds a lock of that
        name across every process sharing the database until the transaction ends.
        """
        joined = self.joined()
        if joined is not None:
            if exclusive is not None:
                await self._lock(joined, exclusive)
            yield joined
            return
        await self.open()
        async with self.begin(exclusive=exclusive) as conn:
            yield conn

    @asynccontextmanager
    async def begin(self, *, exclusive: str | None = None) -> AsyncIterator[AsyncConnection]:
        """A new write transaction that neither joins nor migrates first (migrations use it).

        On SQLite there is one writer per process (a lock here) and one per file (BEGIN IMMEDIATE waits for it).
        """
        serial: AbstractAsyncContextManager[Any] = self._writer if self.is_sqlite else nullcontext()
        async with serial, self.engine.connect() as conn:
            if self.is_sqlite:
                await conn.execution_options(**{_WRITE: True})
            async with conn.begin():
                if exclusive is not None:
                    await self._lock(conn, exclusive)
                token = _current.set((self, asyncio.current_task(), conn))
                try:
                    yield conn
                finally:
                    _current.reset(token)

    async def _lock(self, conn: AsyncConnection, name: str) -> None:
        """Hold the named lock until the transaction ends (SQLite's write lock already excludes everyone)."""
        if not self.is_sqlite:
            await conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": lock_key(name)})

    @asynccontextmanager
    async def statement(self) -> AsyncIterator[AsyncConnection]:
        """A connection for one write statement: this task's open transaction when there is one; else on PostgreSQL
        the statement commits on its own (no BEGIN and COMMIT round trips), on SQLite it is a transaction."""
        joined = self.joined()
        if joined is not None:
            yield joined
            return
        if self.is_sqlite:
            async with self.transaction() as conn:
                yield conn
            return
        await self.open()
        async with self.engine.connect() as conn:
            yield await conn.execution_options(isolation_level="AUTOCOMMIT")

    @asynccontextmanager
    async def read(self) -> AsyncIterator[AsyncConnection]:
        """A connection for single-statement reads (on PostgreSQL without a transaction around them); inside an open
        transaction, that transaction's connection."""
        joined = self.joined()
        if joined is not None:
            yield joined
            return
        await self.open()
        async with self.engine.connect() as conn:
            yield await conn.execution_options(isolation_level="AUTOCOMMIT") if not self.is_sqlite else conn

    async def close(self) -> None:
        """Close every pooled connection."""
        await self.engine.dispose()


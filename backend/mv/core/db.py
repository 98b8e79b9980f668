"""SQLite metadata store with versioned migrations, safe across threads and restarts."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")

MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE assets (
        id TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        status TEXT NOT NULL,
        job_id TEXT,
        parent_id TEXT,
        storage_key TEXT,
        s3_key TEXT,
        info TEXT NOT NULL DEFAULT '{}',
        created_at REAL NOT NULL,
        updated_at REAL NOT NULL
    );
    CREATE INDEX assets_job ON assets(job_id);
    CREATE TABLE jobs (
        id TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        status TEXT NOT NULL,
        progress REAL NOT NULL DEFAULT 0,
        message TEXT,
        request TEXT NOT NULL DEFAULT '{}',
        state TEXT NOT NULL DEFAULT '{}',
        result TEXT,
        error TEXT,
        attempts INTEGER NOT NULL DEFAULT 0,
        created_at REAL NOT NULL,
        updated_at REAL NOT NULL
    );
    CREATE INDEX jobs_status ON jobs(status);
    """,
    """
    ALTER TABLE jobs ADD COLUMN idempotency_key TEXT;
    ALTER TABLE jobs ADD COLUMN request_hash TEXT;
    CREATE UNIQUE INDEX jobs_idempotency_key ON jobs(idempotency_key);
    """,
)


def _enable_wal(conn: sqlite3.Connection, attempts: int = 100) -> None:
    """Switch to WAL; SQLite answers "locked" without waiting while another process does the same."""
    for _ in range(attempts - 1):
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc):
                raise
            time.sleep(0.05)
    conn.execute("PRAGMA journal_mode=WAL")


class Database:
    """One SQLite connection in WAL mode, serialised by a lock, used from worker threads."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._lock = threading.Lock()
        self._conn = sqlite3.connect(path, check_same_thread=False, isolation_level=None, timeout=30)
        self._conn.row_factory = sqlite3.Row
        _enable_wal(self._conn)
        self._conn.execute("PRAGMA synchronous=NORMAL")
        self._conn.execute("PRAGMA foreign_keys=ON")
        self.migrate()

    @property
    def schema_version(self) -> int:
        """The applied migration count."""
        return int(self._conn.execute("PRAGMA user_version").fetchone()[0])

    def migrate(self) -> None:
        """Apply every migration newer than the stored schema version; safe when processes start together."""
        with self._lock:
            while True:
                self._conn.execute("BEGIN IMMEDIATE")
                try:
                    current = self.schema_version
                    if current >= len(MIGRATIONS):
                        self._conn.execute("COMMIT")
                        return
                    for statement in filter(str.strip, MIGRATIONS[current].split(";")):
                        self._conn.execute(statement)
                    self._conn.execute(f"PRAGMA user_version = {current + 1}")
                    self._conn.execute("COMMIT")
                except Exception:
                    self._conn.execute("ROLLBACK")
                    raise

    def run_sync(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        """Run `fn` inside one transaction while holding the lock."""
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                result = fn(self._conn)
            except Exception:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")
            return result

    async def run(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        """Run `fn` in a transaction off the event loop."""
        return await asyncio.to_thread(self.run_sync, fn)

    def close(self) -> None:
        """Close the connection."""
        with self._lock:
            self._conn.close()


def row_dict(row: sqlite3.Row | None) -> dict[str, Any] | None:
    """A row as a plain dict."""
    return dict(row) if row is not None else None

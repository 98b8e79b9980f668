"""All SQL for jobs."""

from __future__ import annotations

import json
import sqlite3
import time
from typing import Any

from mv.core.db import Database
from mv.jobs.schemas import Job

_JSON = ("request", "state", "result", "error")


def _to_job(row: sqlite3.Row | None) -> Job | None:
    if row is None:
        return None
    data = dict(row)
    for key in _JSON:
        data[key] = json.loads(data[key]) if data[key] else None
    data["request"] = data["request"] or {}
    data["state"] = data["state"] or {}
    return Job(**data)


class JobRepository:
    """Reads and writes job rows."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def insert(
        self, job_id: str, kind: str, request: dict[str, Any], idempotency: tuple[str, str] | None = None
    ) -> Job:
        """Create a queued job."""
        now = time.time()

        def op(conn: sqlite3.Connection) -> Job:
            conn.execute(
                "INSERT INTO jobs (id, kind, status, request, state, created_at, updated_at, idempotency_key, request_hash)"
                " VALUES (?, ?, 'queued', ?, '{}', ?, ?, ?, ?)",
                (job_id, kind, json.dumps(request), now, now, *(idempotency or (None, None))),
            )
            return _to_job(conn.execute("SELECT * FROM jobs WHERE id = ?", (job_id,)).fetchone())  # type: ignore[return-value]

        return await self.db.run(op)

    async def get(self, job_id: str) -> Job | None:
        """The job with this id, if any."""
        return await self.db.run(lambda conn: _to_job(conn.execute("SELECT * FROM jobs WHERE id = ?", (job_id,)).fetchone()))

    async def update(self, job_id: str, *, state_patch: dict[str, Any] | None = None, **fields: Any) -> Job:
        """Set columns (JSON ones encoded) and merge `state_patch` into the job's state."""

        def op(conn: sqlite3.Connection) -> Job:
            row = conn.execute("SELECT state FROM jobs WHERE id = ?", (job_id,)).fetchone()
            values: dict[str, Any] = {}
            for key, value in fields.items():
                values[key] = json.dumps(value) if key in _JSON and value is not None else value
            if state_patch:
                state = json.loads(row["state"] or "{}")
                state.update(state_patch)
                values["state"] = json.dumps(state)
            values["updated_at"] = time.time()
            assignments = ", ".join(f"{k} = ?" for k in values)
            conn.execute(f"UPDATE jobs SET {assignments} WHERE id = ?", (*values.values(), job_id))
            return _to_job(conn.execute("SELECT * FROM jobs WHERE id = ?", (job_id,)).fetchone())  # type: ignore[return-value]

        return await self.db.run(op)

    async def by_idempotency_key(self, key: str) -> Job | None:
        """The job a request with this idempotency key created, if any."""
        return await self.db.run(
            lambda conn: _to_job(conn.execute("SELECT * FROM jobs WHERE idempotency_key = ?", (key,)).fetchone())
        )

    async def unfinished(self) -> list[Job]:
        """Jobs that were queued or running, oldest first."""
        rows = await self.db.run(
            lambda conn: conn.execute(
                "SELECT * FROM jobs WHERE status IN ('queued', 'running') ORDER BY created_at"
            ).fetchall()
        )
        return [j for j in map(_to_job, rows) if j is not None]

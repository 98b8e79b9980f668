"""All SQL for jobs."""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy import Column, Double, Index, Integer, Row, Table, Text, func, insert, select, text, update

from mv.core.db import Json, Store, metadata
from mv.core.db.sql import jsonb_merged
from mv.core.workspace import DEFAULT_WORKSPACE, current_workspace
from mv.jobs.schemas import Job

jobs = Table(
    "jobs",
    metadata,
    Column("id", Text, primary_key=True),
    Column("kind", Text, nullable=False),
    Column("status", Text, nullable=False),
    Column("progress", Double, nullable=False, server_default=text("0")),
    Column("message", Text),
    Column("request", Json, nullable=False, server_default=text("'{}'")),
    Column("state", Json, nullable=False, server_default=text("'{}'")),
    Column("result", Json),
    Column("error", Json),
    Column("attempts", Integer, nullable=False, server_default=text("0")),
    Column("created_at", Double, nullable=False),
    Column("updated_at", Double, nullable=False),
    Column("idempotency_key", Text),
    Column("request_hash", Text),
    Column("workspace_id", Text, nullable=False, server_default=text(f"'{DEFAULT_WORKSPACE}'")),
    Index("jobs_status", "status"),
    Index("jobs_idempotency_key", "idempotency_key", unique=True),
)

_UPDATABLE = frozenset(jobs.c.keys()) - {"id", "created_at", "updated_at", "workspace_id"}


def _to_job(row: Row[Any] | None) -> Job | None:
    if row is None:
        return None
    data = dict(row._mapping)
    data["request"] = data["request"] or {}
    data["state"] = data["state"] or {}
    return Job(**data)


class JobRepository:
    """Reads and writes job rows."""

    def __init__(self, store: Store) -> None:
        self.store = store

    async def insert(
        self, job_id: str, kind: str, request: dict[str, Any], idempotency: tuple[str, str] | None = None
    ) -> Job:
        """Create a queued job in the current workspace."""
        now = time.time()
        key, digest = idempotency or (None, None)
        row = {
            "id": job_id, "kind": kind, "status": "queued", "request": request, "state": {},
            "created_at": now, "updated_at": now, "idempotency_key": key, "request_hash": digest,
            "workspace_id": current_workspace(),
        }
        async with self.store.statement() as conn:
            stored = (await conn.execute(insert(jobs).values(**row).returning(jobs))).first()
        return _to_job(stored)  # type: ignore[return-value]

    async def get(self, job_id: str, *, workspace: str | None = None) -> Job | None:
        """The job with this id (only if it belongs to `workspace`, when given), if any."""
        query = select(jobs).where(jobs.c.id == job_id)
        if workspace is not None:
            query = query.where(jobs.c.workspace_id == workspace)
        async with self.store.read() as conn:
            return _to_job((await conn.execute(query)).first())

    async def update(self, job_id: str, *, state_patch: dict[str, Any] | None = None, **fields: Any) -> Job:
        """Set columns and merge `state_patch` into the job's state (the row is locked while it merges)."""
        unknown = set(fields) - _UPDATABLE
        if unknown:
            raise ValueError(f"unknown job columns: {sorted(unknown)}")
        async with self.store.statement() as conn:
            values = {**fields, "updated_at": time.time()}
            if state_patch and not self.store.is_sqlite:
                values["state"] = jsonb_merged(jobs.c.state, state_patch)
            elif state_patch:
                current = (await conn.execute(select(jobs.c.state).where(jobs.c.id == job_id).with_for_update())).first()
                values["state"] = {**((current.state if current else None) or {}), **state_patch}
            row = (await conn.execute(update(jobs).where(jobs.c.id == job_id).values(**values).returning(jobs))).first()
        return _to_job(row)  # type: ignore[return-value]

    async def begin_attempt(self, job_id: str) -> Job | None:
        """Mark an unfinished job running with one more attempt, in one statement; None when it is unknown or finished."""
        statement = (
            update(jobs)
            .where(jobs.c.id == job_id, jobs.c.status.in_(("queued", "running")))
            .values(status="running", attempts=jobs.c.attempts + 1, updated_at=time.time())
            .returning(jobs)
        )
        async with self.store.statement() as conn:
            return _to_job((await conn.execute(statement)).first())

    async def by_idempotency_key(self, key: str) -> Job | None:
        """The job a request with this idempotency key created, if any."""
        async with self.store.read() as conn:
            return _to_job((await conn.execute(select(jobs).where(jobs.c.idempotency_key == key))).first())

    async def unfinished(self) -> list[Job]:
        """Jobs that were queued or running, oldest first."""
        query = select(jobs).where(jobs.c.status.in_(("queued", "running"))).order_by(jobs.c.created_at)
        async with self.store.read() as conn:
            rows = (await conn.execute(query)).all()
        return [j for j in map(_to_job, rows) if j is not None]

    async def count(self, kind: str | None = None) -> int:
        """How many jobs exist (of one kind)."""
        query = select(func.count()).select_from(jobs)
        if kind is not None:
            query = query.where(jobs.c.kind == kind)
        async with self.store.read() as conn:
            return int((await conn.execute(query)).scalar_one())

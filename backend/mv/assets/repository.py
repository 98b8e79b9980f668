"""All SQL for assets."""

from __future__ import annotations

import json
import sqlite3
import time
from typing import Any

from mv.assets.schemas import Asset, AssetKind, Status
from mv.core.db import Database

_COLUMNS = ("id", "kind", "status", "job_id", "parent_id", "storage_key", "s3_key", "info", "created_at", "updated_at")


def _to_asset(row: sqlite3.Row | None) -> Asset | None:
    if row is None:
        return None
    data = dict(row)
    data["info"] = json.loads(data["info"] or "{}")
    return Asset(**data)


class AssetRepository:
    """Reads and writes asset rows."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def insert(
        self,
        *,
        asset_id: str,
        kind: AssetKind,
        status: Status,
        job_id: str | None = None,
        parent_id: str | None = None,
        storage_key: str | None = None,
        info: dict[str, Any] | None = None,
    ) -> Asset:
        """Create an asset row; inserting an existing id returns the stored row unchanged."""
        now = time.time()

        def op(conn: sqlite3.Connection) -> Asset:
            conn.execute(
                "INSERT OR IGNORE INTO assets (id, kind, status, job_id, parent_id, storage_key, info, created_at, updated_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (asset_id, kind, status, job_id, parent_id, storage_key, json.dumps(info or {}), now, now),
            )
            row = conn.execute("SELECT * FROM assets WHERE id = ?", (asset_id,)).fetchone()
            return _to_asset(row)  # type: ignore[return-value]

        return await self.db.run(op)

    async def get(self, asset_id: str) -> Asset | None:
        """The asset with this id, if any."""
        return await self.db.run(
            lambda conn: _to_asset(conn.execute("SELECT * FROM assets WHERE id = ?", (asset_id,)).fetchone())
        )

    async def update(self, asset_id: str, *, info_patch: dict[str, Any] | None = None, **fields: Any) -> Asset | None:
        """Set columns and merge `info_patch` into the info document."""
        unknown = set(fields) - set(_COLUMNS)
        if unknown:
            raise ValueError(f"unknown asset columns: {sorted(unknown)}")

        def op(conn: sqlite3.Connection) -> Asset | None:
            row = conn.execute("SELECT * FROM assets WHERE id = ?", (asset_id,)).fetchone()
            if row is None:
                return None
            info = json.loads(row["info"] or "{}")
            info.update(info_patch or {})
            values = {**fields, "info": json.dumps(info), "updated_at": time.time()}
            assignments = ", ".join(f"{k} = ?" for k in values)
            conn.execute(f"UPDATE assets SET {assignments} WHERE id = ?", (*values.values(), asset_id))
            return _to_asset(conn.execute("SELECT * FROM assets WHERE id = ?", (asset_id,)).fetchone())

        return await self.db.run(op)

    async def by_job(self, job_id: str) -> list[Asset]:
        """Assets produced by one job, oldest first."""
        rows = await self.db.run(
            lambda conn: conn.execute("SELECT * FROM assets WHERE job_id = ? ORDER BY created_at", (job_id,)).fetchall()
        )
        return [a for a in map(_to_asset, rows) if a is not None]

    async def count(self, kind: AssetKind | None = None) -> int:
        """How many assets exist (of one kind)."""
        if kind is None:
            return await self.db.run(lambda conn: conn.execute("SELECT COUNT(*) FROM assets").fetchone()[0])
        return await self.db.run(lambda conn: conn.execute("SELECT COUNT(*) FROM assets WHERE kind = ?", (kind,)).fetchone()[0])

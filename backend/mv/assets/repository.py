"""All SQL for assets."""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy import Column, Double, Index, Row, Table, Text, delete, func, select, text, update

from mv.assets.schemas import Asset, AssetKind, Status
from mv.core.db import Json, Store, metadata
from mv.core.db.sql import insert_or_ignore, jsonb_merged

assets = Table(
    "assets",
    metadata,
    Column("id", Text, primary_key=True),
    Column("kind", Text, nullable=False),
    Column("status", Text, nullable=False),
    Column("job_id", Text),
    Column("parent_id", Text),
    Column("storage_key", Text),
    Column("s3_key", Text),
    Column("info", Json, nullable=False, server_default=text("'{}'")),
    Column("created_at", Double, nullable=False),
    Column("updated_at", Double, nullable=False),
    Index("assets_job", "job_id"),
)

_UPDATABLE = frozenset(assets.c.keys()) - {"id", "info", "created_at", "updated_at"}


def _to_asset(row: Row[Any] | None) -> Asset | None:
    if row is None:
        return None
    data = dict(row._mapping)
    data["info"] = data["info"] or {}
    return Asset(**data)


class AssetRepository:
    """Reads and writes asset rows."""

    def __init__(self, store: Store) -> None:
        self.store = store

    async def insert(
        self,
        *,
        asset_id: str,
        kind: AssetKind,
        status: Status,
        job_id: str | None = None,
        parent_id: str | None = None,
        storage_key: str | None = None,
        s3_key: str | None = None,
        info: dict[str, Any] | None = None,
    ) -> Asset:
        """Create an asset row; inserting an existing id returns the stored row unchanged."""
        now = time.time()
        row = {
            "id": asset_id, "kind": kind, "status": status, "job_id": job_id, "parent_id": parent_id,
            "storage_key": storage_key, "s3_key": s3_key, "info": info or {}, "created_at": now, "updated_at": now,
        }
        async with self.store.transaction() as conn:
            stored = (await conn.execute(insert_or_ignore(conn, assets, "id").values(**row).returning(*assets.c))).first()
            if stored is None:
                stored = (await conn.execute(select(assets).where(assets.c.id == asset_id))).first()
        return _to_asset(stored)  # type: ignore[return-value]

    async def get(self, asset_id: str) -> Asset | None:
        """The asset with this id, if any."""
        async with self.store.read() as conn:
            return _to_asset((await conn.execute(select(assets).where(assets.c.id == asset_id))).first())

    async def update(self, asset_id: str, *, info_patch: dict[str, Any] | None = None, **fields: Any) -> Asset | None:
        """Set columns and merge `info_patch` into the info document (the row is locked while it merges)."""
        unknown = set(fields) - _UPDATABLE
        if unknown:
            raise ValueError(f"unknown asset columns: {sorted(unknown)}")
        async with self.store.statement() as conn:
            values = {**fields, "updated_at": time.time()}
            if info_patch and not self.store.is_sqlite:
                values["info"] = jsonb_merged(assets.c.info, info_patch)
            elif info_patch:
                locked = select(assets.c.info).where(assets.c.id == asset_id).with_for_update()
                current = (await conn.execute(locked)).first()
                if current is None:
                    return None
                values["info"] = {**(current.info or {}), **info_patch}
            row = (await conn.execute(update(assets).where(assets.c.id == asset_id).values(**values).returning(assets))).first()
        return _to_asset(row)

    async def by_job(self, job_id: str) -> list[Asset]:
        """Assets produced by one job, oldest first."""
        async with self.store.read() as conn:
            rows = (await conn.execute(select(assets).where(assets.c.job_id == job_id).order_by(assets.c.created_at))).all()
        return [a for a in map(_to_asset, rows) if a is not None]

    async def count(self, kind: AssetKind | None = None) -> int:
        """How many assets exist (of one kind)."""
        query = select(func.count()).select_from(assets)
        if kind is not None:
            query = query.where(assets.c.kind == kind)
        async with self.store.read() as conn:
            return int((await conn.execute(query)).scalar_one())

    async def many(self, asset_ids: list[str]) -> list[Asset]:
        """The assets with these ids that exist."""
        if not asset_ids:
            return []
        async with self.store.read() as conn:
            rows = (await conn.execute(select(assets).where(assets.c.id.in_(asset_ids)))).all()
        return [a for a in map(_to_asset, rows) if a is not None]

    async def delete(self, asset_ids: list[str]) -> int:
        """Remove these asset rows; how many there were."""
        if not asset_ids:
            return 0
        async with self.store.transaction() as conn:
            result = await conn.execute(delete(assets).where(assets.c.id.in_(asset_ids)))
        return int(result.rowcount)

"""All SQL for projects and the assets they use."""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy import Column, Double, Index, Row, Table, Text, delete, func, insert, select, text, update

from mv.core.db import Json, Store, metadata
from mv.projects.schemas import StoredProject

projects = Table(
    "projects",
    metadata,
    Column("id", Text, primary_key=True),
    Column("workspace_id", Text, nullable=False),
    Column("title", Text, nullable=False),
    Column("document", Json, nullable=False, server_default=text("'{}'")),
    Column("share_token_hash", Text),
    Column("created_at", Double, nullable=False),
    Column("updated_at", Double, nullable=False),
    Index("projects_workspace_created", "workspace_id", "created_at"),
    Index("projects_share_token_hash", "share_token_hash", unique=True),
)

project_assets = Table(
    "project_assets",
    metadata,
    Column("project_id", Text, primary_key=True),
    Column("asset_id", Text, primary_key=True),
    Index("project_assets_asset", "asset_id"),
)


def _to_project(row: Row[Any] | None) -> StoredProject | None:
    if row is None:
        return None
    data = dict(row._mapping)
    data["document"] = data["document"] or {}
    return StoredProject(**data)


class ProjectRepository:
    """Reads and writes project rows; every read and write names the workspace it happens in."""

    def __init__(self, store: Store) -> None:
        self.store = store

    async def insert(self, *, project_id: str, workspace: str, title: str, document: dict[str, Any], asset_ids: set[str]) -> StoredProject:
        """Create a project and record the assets it uses."""
        now = time.time()
        row = {"id": project_id, "workspace_id": workspace, "title": title, "document": document, "created_at": now, "updated_at": now}
        async with self.store.transaction() as conn:
            stored = (await conn.execute(insert(projects).values(**row).returning(projects))).first()
            await self._link(conn, project_id, asset_ids)
        return _to_project(stored)  # type: ignore[return-value]

    @staticmethod
    async def _link(conn: Any, project_id: str, asset_ids: set[str]) -> None:
        await conn.execute(delete(project_assets).where(project_assets.c.project_id == project_id))
        if asset_ids:
            await conn.execute(insert(project_assets), [{"project_id": project_id, "asset_id": a} for a in sorted(asset_ids)])

    async def get(self, project_id: str, workspace: str) -> StoredProject | None:
        """The project with this id in this workspace, if any."""
        query = select(projects).where(projects.c.id == project_id, projects.c.workspace_id == workspace)
        async with self.store.read() as conn:
            return _to_project((await conn.execute(query)).first())

    async def by_share_token_hash(self, token_hash: str) -> StoredProject | None:
        """The project shared under this token hash, whatever its workspace."""
        async with self.store.read() as conn:
            return _to_project((await conn.execute(select(projects).where(projects.c.share_token_hash == token_hash))).first())

    async def page(self, workspace: str, *, limit: int, offset: int) -> tuple[list[StoredProject], int]:
        """One page of the workspace's projects, newest first, and how many there are."""
        query = (
            select(projects).where(projects.c.workspace_id == workspace)
            .order_by(projects.c.created_at.desc(), projects.c.id.desc()).limit(limit).offset(offset)
        )
        count = select(func.count()).select_from(projects).where(projects.c.workspace_id == workspace)
        async with self.store.read() as conn:
            rows = (await conn.execute(query)).all()
        async with self.store.read() as conn:
            total = int((await conn.execute(count)).scalar_one())
        return [p for p in map(_to_project, rows) if p is not None], total

    async def update(
        self, project_id: str, workspace: str, *, title: str, document: dict[str, Any], asset_ids: set[str]
    ) -> StoredProject | None:
        """Replace the title and document, and the assets the project uses; None when it is not in this workspace."""
        where = (projects.c.id == project_id, projects.c.workspace_id == workspace)
        async with self.store.transaction() as conn:
            values = {"title": title, "document": document, "updated_at": time.time()}
            row = (await conn.execute(update(projects).where(*where).values(**values).returning(projects))).first()
            if row is not None:
                await self._link(conn, project_id, asset_ids)
        return _to_project(row)

    async def set_share_token_hash(self, project_id: str, workspace: str, token_hash: str | None) -> bool:
        """Replace the project's share token (None revokes it); False when it is not in this workspace."""
        where = (projects.c.id == project_id, projects.c.workspace_id == workspace)
        async with self.store.transaction() as conn:
            result = await conn.execute(update(projects).where(*where).values(share_token_hash=token_hash))
        return bool(result.rowcount)

    async def delete(self, project_id: str, workspace: str) -> list[str] | None:
        """Remove the project; the ids of its assets no other project uses, or None when it is not in this workspace."""
        where = (projects.c.id == project_id, projects.c.workspace_id == workspace)
        async with self.store.transaction() as conn:
            gone = (await conn.execute(delete(projects).where(*where).returning(projects.c.id))).first()
            if gone is None:
                return None
            used = select(project_assets.c.asset_id).where(project_assets.c.project_id == project_id)
            mine = set((await conn.execute(used)).scalars())
            await conn.execute(delete(project_assets).where(project_assets.c.project_id == project_id))
            if not mine:
                return []
            still = select(project_assets.c.asset_id).where(project_assets.c.asset_id.in_(mine)).distinct()
            shared = set((await conn.execute(still)).scalars())
        return sorted(mine - shared)

"""The SQLite store: migrations, restarts, concurrency."""

from __future__ import annotations

import asyncio
import threading

from mv.assets.repository import AssetRepository
from mv.core.db import MIGRATIONS, Database
from mv.core.ids import new_id
from mv.jobs.repository import JobRepository


async def test_migrations_are_versioned_and_idempotent(tmp_path) -> None:
    db = Database(tmp_path / "encore.db")
    assert db.schema_version == len(MIGRATIONS)
    db.migrate()
    assert db.schema_version == len(MIGRATIONS)
    db.close()


async def test_rows_survive_a_restart(tmp_path) -> None:
    db = Database(tmp_path / "encore.db")
    asset_id = new_id()
    await AssetRepository(db).insert(asset_id=asset_id, kind="audio", status="succeeded", info={"title": "Song"})
    job = await JobRepository(db).insert(new_id(), "demo", {"x": 1})
    db.close()
    again = Database(tmp_path / "encore.db")
    asset = await AssetRepository(again).get(asset_id)
    assert asset is not None and asset.info["title"] == "Song"
    stored = await JobRepository(again).get(job.id)
    assert stored is not None and stored.request == {"x": 1} and stored.status == "queued"
    again.close()


async def test_concurrent_writes_do_not_lose_updates(tmp_path) -> None:
    db = Database(tmp_path / "encore.db")
    repo = AssetRepository(db)
    asset_id = new_id()
    await repo.insert(asset_id=asset_id, kind="video", status="queued")
    await asyncio.gather(*(repo.update(asset_id, info_patch={f"k{i}": i}) for i in range(100)))
    asset = await repo.get(asset_id)
    assert asset is not None and len(asset.info) == 100
    ids = [new_id() for _ in range(200)]
    await asyncio.gather(*(repo.insert(asset_id=i, kind="audio", status="queued") for i in ids))
    assert await repo.count("audio") == 200
    db.close()


def test_processes_starting_together_migrate_once(tmp_path) -> None:
    for round_ in range(10):
        path = tmp_path / f"round{round_}" / "encore.db"
        start = threading.Barrier(6)
        errors: list[Exception] = []
        opened: list[Database] = []

        def open_database() -> None:
            start.wait()
            try:
                opened.append(Database(path))
            except Exception as exc:  # noqa: BLE001 - collected and asserted below
                errors.append(exc)

        threads = [threading.Thread(target=open_database) for _ in range(6)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == []
        assert {db.schema_version for db in opened} == {len(MIGRATIONS)}
        for db in opened:
            db.close()

"""The store on SQLite and PostgreSQL: migrations, restarts, concurrency, shared transactions, URLs."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text
from structlog.testing import capture_logs

from mv.assets.repository import AssetRepository
from mv.core.db import Store, metadata
from mv.core.db.migrate import head, include_object
from mv.core.ids import new_id
from mv.core.settings import SettingsError, load_settings
from mv.jobs.repository import JobRepository
from live import ROOT
from pg import PostgresServer


async def _revision(store: Store) -> str | None:
    async with store.read() as conn:
        return (await conn.execute(text("SELECT version_num FROM alembic_version"))).scalar_one_or_none()


async def _schema_drift(store: Store) -> list:
    async with store.read() as conn:
        return await conn.run_sync(lambda sync: compare_metadata(MigrationContext.configure(sync, opts={"include_object": include_object}), metadata))


async def test_migrations_are_versioned_and_idempotent(database_url: str) -> None:
    first = Store(database_url)
    await first.open()
    assert await _revision(first) == head()
    async with first.read() as conn:
        tables = set(await conn.run_sync(lambda sync: inspect(sync).get_table_names()))
    assert {"assets", "jobs", "alembic_version"} <= tables
    await first.close()
    again = Store(database_url)
    with capture_logs() as logs:
        await again.open()
    assert [e for e in logs if e["event"] == "database_migrated"] == []
    assert await _revision(again) == head()
    await again.close()


async def test_migrations_build_exactly_the_tables_the_code_uses(store: Store) -> None:
    assert await _schema_drift(store) == []


async def test_rows_survive_a_restart(database_url: str) -> None:
    store = Store(database_url)
    asset_id = new_id()
    await AssetRepository(store).insert(asset_id=asset_id, kind="audio", status="succeeded", info={"title": "Song"})
    job = await JobRepository(store).insert(new_id(), "demo", {"x": 1})
    await store.close()
    again = Store(database_url)
    asset = await AssetRepository(again).get(asset_id)
    assert asset is not None and asset.info["title"] == "Song"
    stored = await JobRepository(again).get(job.id)
    assert stored is not None and stored.request == {"x": 1} and stored.status == "queued"
    await again.close()


async def test_concurrent_writes_do_not_lose_updates(database_url: str) -> None:
    store, other = Store(database_url), Store(database_url)
    repo, other_repo = AssetRepository(store), AssetRepository(other)
    asset_id = new_id()
    await repo.insert(asset_id=asset_id, kind="video", status="queued")
    await asyncio.gather(
        *(repo.update(asset_id, info_patch={f"k{i}": i}) for i in range(60)),
        *(other_repo.update(asset_id, info_patch={f"o{i}": i}) for i in range(40)),
    )
    asset = await repo.get(asset_id)
    assert asset is not None and len(asset.info) == 100
    jobs, other_jobs = JobRepository(store), JobRepository(other)
    job = await jobs.insert(new_id(), "demo", {})
    await asyncio.gather(
        *(jobs.update(job.id, state_patch={f"s{i}": i}, progress=i / 100) for i in range(50)),
        *(other_jobs.update(job.id, state_patch={f"t{i}": i}) for i in range(50)),
    )
    stored = await jobs.get(job.id)
    assert stored is not None and len(stored.state) == 100
    ids = [new_id() for _ in range(200)]
    await asyncio.gather(*(repo.insert(asset_id=i, kind="audio", status="queued") for i in ids))
    assert await repo.count("audio") == 200
    await store.close()
    await other.close()


OPENER = """
import asyncio, json, os, sys, time
from pathlib import Path
from sqlalchemy import text
from structlog.testing import capture_logs
from mv.core.db import Store

async def open_store(url):
    store = Store(url)
    try:
        with capture_logs() as logs:
            await store.open()
        async with store.read() as conn:
            revision = (await conn.execute(text("SELECT version_num FROM alembic_version"))).scalar_one()
        return {"migrated": any(e["event"] == "database_migrated" for e in logs), "revision": revision}
    finally:
        await store.close()

work, urls = Path(sys.argv[1]), sys.argv[2:]
(work / f"ready-{os.getpid()}").touch()
for round_, url in enumerate(urls):
    while not (work / f"go-{round_}").exists():
        time.sleep(0.002)
    try:
        result = asyncio.run(open_store(url))
    except Exception as exc:
        result = {"error": repr(exc)}
    print(json.dumps({"round": round_, **result}), flush=True)
"""


def _wait_for(condition, procs: list[subprocess.Popen], what: str, seconds: float = 180) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            for proc in procs:
                proc.kill()
            pytest.fail(f"the store openers hung waiting for {what}")
        time.sleep(0.01)


def test_processes_starting_together_migrate_once(engine: str, new_database, tmp_path: Path) -> None:
    urls = [new_database(engine) for _ in range(6)]
    env = {**os.environ, "PYTHONPATH": str(ROOT / "backend")}
    procs = [
        subprocess.Popen([sys.executable, "-c", OPENER, str(tmp_path), *urls], env=env, stdout=subprocess.PIPE, text=True)
        for _ in range(5)
    ]
    _wait_for(lambda: len(list(tmp_path.glob("ready-*"))) == len(procs), procs, "start")
    lines: list[str] = []
    readers = [threading.Thread(target=lambda p=p: lines.extend(p.stdout)) for p in procs]
    for reader in readers:
        reader.start()
    for round_ in range(len(urls)):
        (tmp_path / f"go-{round_}").touch()
        _wait_for(lambda: sum(f'"round": {round_},' in line for line in list(lines)) == len(procs), procs, f"round {round_}")
    for proc, reader in zip(procs, readers, strict=True):
        assert proc.wait(timeout=60) == 0
        reader.join()
    results = [json.loads(line) for line in lines]
    assert [r for r in results if "error" in r] == []
    assert {r["revision"] for r in results} == {head()}
    for round_ in range(len(urls)):
        assert sum(r["migrated"] for r in results if r["round"] == round_) == 1, f"round {round_} migrated more than once"


class Boom(Exception):
    """Raised to abandon a transaction."""


async def test_writes_in_one_transaction_commit_or_vanish_together(store: Store) -> None:
    assets, jobs = AssetRepository(store), JobRepository(store)
    kept_job, kept_asset = new_id(), new_id()
    async with store.transaction():
        await jobs.insert(kept_job, "demo", {"n": 1})
        await assets.insert(asset_id=kept_asset, kind="video", status="queued", job_id=kept_job)
        assert (await jobs.get(kept_job)) is not None
    assert (await assets.by_job(kept_job))[0].id == kept_asset
    lost_job, lost_asset, elsewhere = new_id(), new_id(), new_id()
    with pytest.raises(Boom):
        async with store.transaction():
            await jobs.insert(lost_job, "demo", {})
            await assets.update(kept_asset, status="running")
            await assets.insert(asset_id=lost_asset, kind="video", status="queued", job_id=lost_job)
            other_task = asyncio.create_task(assets.insert(asset_id=elsewhere, kind="audio", status="queued"))
            raise Boom
    await other_task
    assert await jobs.get(lost_job) is None and await assets.get(lost_asset) is None
    assert (await assets.get(kept_asset)).status == "queued"
    assert await assets.get(elsewhere) is not None, "another task's write is its own transaction"


async def test_the_store_reconnects_after_postgresql_restarts(pg_server: PostgresServer) -> None:
    url = pg_server.create_database()
    store = Store(url)
    try:
        repo = AssetRepository(store)
        asset_id = new_id()
        await repo.insert(asset_id=asset_id, kind="audio", status="queued")
        await asyncio.to_thread(pg_server.restart, "immediate")
        assert (await repo.update(asset_id, status="succeeded")).status == "succeeded"
        assert (await repo.get(asset_id)).status == "succeeded"
    finally:
        await store.close()
        pg_server.drop_database(url)


async def test_busy_connections_skip_the_ping_and_a_restart_is_still_noticed(pg_server: PostgresServer, monkeypatch: pytest.MonkeyPatch) -> None:
    url = pg_server.create_database()
    store = Store(url)
    pings: list[object] = []
    real = store.engine.dialect.do_ping
    monkeypatch.setattr(store.engine.dialect, "do_ping", lambda connection: pings.append(connection) or real(connection))
    try:
        repo = AssetRepository(store)
        asset_id = new_id()
        await repo.insert(asset_id=asset_id, kind="audio", status="queued")
        for _ in range(20):
            await repo.get(asset_id)
        assert pings == [], "a connection in steady use is handed out without a round trip"
        await asyncio.to_thread(pg_server.restart, "immediate")
        assert (await repo.update(asset_id, status="succeeded")).status == "succeeded"
        assert pings, "the closed socket was noticed and the connection checked"
    finally:
        await store.close()
        pg_server.drop_database(url)


def test_operators_give_plain_urls_and_encore_picks_the_driver(tmp_path) -> None:
    default = load_settings(_env_file=None, mv_data_dir=tmp_path)
    assert Store(default.database_url).url.render_as_string() == f"sqlite+aiosqlite:///{tmp_path / 'encore.db'}"
    for given in ("postgresql://u:p@db.internal:5432/encore", "postgres://u:p@db.internal:5432/encore"):
        url = Store(load_settings(_env_file=None, mv_database_url=given).database_url).url
        assert url.drivername == "postgresql+psycopg" and url.host == "db.internal" and url.database == "encore"
    for refused in ("mysql://u:hunter2@db/encore", "sqlite:///:memory:", "not a url"):
        with pytest.raises(SettingsError) as info:
            load_settings(_env_file=None, mv_database_url=refused)
        assert "MV_DATABASE_URL" in str(info.value) and "hunter2" not in str(info.value)

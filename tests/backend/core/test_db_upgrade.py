"""A data folder made by the hand-written SQLite store (before Alembic) upgrades in place with nothing lost."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine
from sqlalchemy.exc import IntegrityError

from mv.core.db import Store, metadata
from mv.core.db.migrate import LEGACY_REVISIONS, UnknownSchema, config, head, include_object
from mv.core.ids import new_id
from mv.jobs.repository import JobRepository
from mv.jobs.runner import JobContext, JobRunner

LEGACY_MIGRATIONS = (
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
"""The schema exactly as the hand-written store created it, one entry per `PRAGMA user_version`."""

SONG, IMAGE, CLIP = new_id(), new_id(), new_id()
DONE, BROKEN, RUNNING = new_id(), new_id(), new_id()


def legacy_store(path: Path, version: int = 2) -> None:
    """A database as the hand-written store left it at `version`, with assets and jobs in every state."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA journal_mode=WAL")
        for migration in LEGACY_MIGRATIONS[:version]:
            for statement in filter(str.strip, migration.split(";")):
                conn.execute(statement)
        conn.execute(f"PRAGMA user_version = {version}")
        assets = [
            (SONG, "audio", "succeeded", None, None, f"audio/{SONG}.mp3", f"mv/outputs/audio/{SONG}.mp3",
             {"title": "Café del Mar", "duration": 187.25, "peaks": [0.1, 0.5, 1.0]}, 1700000000.125, 1700000001.5),
            (IMAGE, "image", "succeeded", DONE, None, f"character_reference/{IMAGE}.png", None,
             {"provider": "local", "prompt": "a singer in a green coat"}, 1700000002.0, 1700000003.0),
            (CLIP, "video", "queued", RUNNING, IMAGE, None, None, {}, 1700000004.0, 1700000004.0),
        ]
        conn.executemany(
            "INSERT INTO assets VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(*row[:7], json.dumps(row[7]), *row[8:]) for row in assets],
        )
        jobs = [
            (DONE, "generate_character_reference", "succeeded", 1.0, None, {"prompt": "a singer"}, {"step": 2},
             {"image_ids": [IMAGE]}, None, 1, 1700000002.0, 1700000003.0),
            (BROKEN, "stitch_video", "failed", 0.4, "That clip is not ready.", {"video_ids": [CLIP]}, {},
             None, {"error": "Conflict", "detail": "That clip is not ready."}, 1, 1700000005.0, 1700000006.0),
            (RUNNING, "demo", "running", 0.25, "rendering", {"prompt": "Scene 1"}, {"prediction_id": "p-123"},
             None, None, 1, 1700000007.0, 1700000008.0),
        ]
        for job in jobs:
            conn.execute(
                "INSERT INTO jobs (id, kind, status, progress, message, request, state, result, error, attempts,"
                " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (*job[:5], json.dumps(job[5]), json.dumps(job[6]), *(json.dumps(v) if v else None for v in job[7:9]), *job[9:]),
            )
        if version >= 2:
            conn.execute("UPDATE jobs SET idempotency_key = 'scenes-attempt-1', request_hash = 'abc123' WHERE id = ?", (DONE,))


def rows(path: Path) -> dict[str, list[tuple]]:
    """Every row of both tables, as SQLite returns them."""
    with sqlite3.connect(path) as conn:
        return {table: conn.execute(f"SELECT * FROM {table} ORDER BY id").fetchall() for table in ("assets", "jobs")}


async def _drift(store: Store) -> list:
    async with store.read() as conn:
        return await conn.run_sync(lambda sync: compare_metadata(MigrationContext.configure(sync, opts={"include_object": include_object}), metadata))


async def test_a_data_folder_from_the_hand_written_store_upgrades_in_place(app_client, tmp_path: Path) -> None:
    path = tmp_path / "data" / "encore.db"
    legacy_store(path, version=2)
    before = rows(path)
    client = await app_client()
    services = client.app.state.services

    song = await services.assets.get(SONG)
    assert song.info == {"title": "Café del Mar", "duration": 187.25, "peaks": [0.1, 0.5, 1.0]}
    assert (song.storage_key, song.s3_key, song.created_at, song.updated_at) == (f"audio/{SONG}.mp3", f"mv/outputs/audio/{SONG}.mp3", 1700000000.125, 1700000001.5)
    assert [a.id for a in await services.assets.by_job(DONE)] == [IMAGE]
    assert (await services.assets.get(CLIP)).parent_id == IMAGE
    assert await services.assets.count() == 3
    done = (await client.get(f"/api/jobs/{DONE}")).json()
    assert done["status"] == "succeeded" and done["result"] == {"image_ids": [IMAGE]}
    broken = (await client.get(f"/api/jobs/{BROKEN}")).json()
    assert broken["error"] == {"error": "Conflict", "detail": "That clip is not ready."} and broken["progress"] == 0.4
    remembered = await services.jobs.by_idempotency_key("scenes-attempt-1")
    assert remembered.id == DONE and remembered.request_hash == "abc123" and remembered.state == {"step": 2}

    assert rows(path)["assets"] == before["assets"]
    after_jobs = rows(path)["jobs"]
    assert [row[:-1] for row in after_jobs if row[0] != RUNNING] == [row for row in before["jobs"] if row[0] != RUNNING]
    assert {row[-1] for row in after_jobs} == {"default"}  # every older job joins the default workspace
    with pytest.raises(IntegrityError):
        await services.jobs.insert(new_id(), "demo", {}, ("scenes-attempt-1", "other"))
    assert await _drift(services.store) == []
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchall() == [(head(),)]
        assert ("jobs_idempotency_key", 1) in [(row[1], row[2]) for row in conn.execute("PRAGMA index_list(jobs)")]


async def test_unfinished_legacy_jobs_resume_from_their_checkpoint(tmp_path: Path) -> None:
    path = tmp_path / "encore.db"
    legacy_store(path)
    store = Store(f"sqlite:///{path}")
    runner = JobRunner(JobRepository(store))
    seen: list[dict] = []

    async def demo(ctx: JobContext) -> dict:
        seen.append({"request": ctx.request, "state": ctx.state})
        return {"video_id": CLIP}

    runner.register("demo", demo)
    assert await runner.resume() == 1
    finished = await runner.wait(RUNNING, 10)
    assert seen == [{"request": {"prompt": "Scene 1"}, "state": {"prediction_id": "p-123"}}]
    assert finished.status == "succeeded" and finished.attempts == 2 and finished.result == {"video_id": CLIP}
    await store.close()


async def test_a_store_from_before_idempotency_keys_gains_them(tmp_path: Path) -> None:
    path = tmp_path / "encore.db"
    legacy_store(path, version=1)
    before = rows(path)
    store = Store(f"sqlite:///{path}")
    await store.open()
    after = rows(path)
    assert [row[:-3] for row in after["jobs"]] == before["jobs"] and {row[-3:] for row in after["jobs"]} == {(None, None, "default")}
    assert after["assets"] == before["assets"]
    assert await _drift(store) == []
    job = await JobRepository(store).insert(new_id(), "demo", {}, ("first-key-1", "hash"))
    assert (await JobRepository(store).by_idempotency_key("first-key-1")).id == job.id
    await store.close()


async def test_a_store_of_unknown_version_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "encore.db"
    legacy_store(path)
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA user_version = 9")
    before = rows(path)
    store = Store(f"sqlite:///{path}")
    with pytest.raises(UnknownSchema):
        await store.open()
    await store.close()
    assert rows(path) == before
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT name FROM sqlite_master WHERE name = 'alembic_version'").fetchall() == []


def _shape(path: Path) -> dict[str, list]:
    """Columns (name, type, not null, default, primary key) and indexes (name, unique, columns) of both tables."""
    with sqlite3.connect(path) as conn:
        shape: dict[str, list] = {}
        for table in ("assets", "jobs"):
            shape[table] = [row[1:] for row in conn.execute(f"PRAGMA table_info({table})")]
            shape[f"{table} indexes"] = sorted(
                (name, unique, [c[2] for c in conn.execute(f"PRAGMA index_info({name})")])
                for _, name, unique, origin, _ in conn.execute(f"PRAGMA index_list({table})") if origin == "c"
            )
        return shape


def test_the_stamped_revisions_are_the_hand_written_schemas(tmp_path: Path) -> None:
    for version, revision in LEGACY_REVISIONS.items():
        legacy, fresh = tmp_path / f"legacy{version}.db", tmp_path / f"fresh{version}.db"
        legacy_store(legacy, version)
        with create_engine(f"sqlite:///{fresh}").begin() as conn:
            command.upgrade(config(conn), revision)
        assert _shape(fresh) == _shape(legacy)

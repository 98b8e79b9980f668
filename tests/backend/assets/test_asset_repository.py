"""The asset repository on each engine: every method, JSON documents kept exactly, unknown columns refused."""

from __future__ import annotations

import pytest

from mv.assets.repository import AssetRepository
from mv.core.db import Store
from mv.core.ids import new_id

INFO = {"title": "Ünïcode ♫ song", "duration": 187.125, "peaks": [0.0, 0.5, 1.0], "nested": {"a": [1, {"b": None}]}, "ok": True}


async def test_insert_get_and_insert_again_keep_the_first_row(store: Store) -> None:
    repo = AssetRepository(store)
    asset_id, job_id, parent_id = new_id(), new_id(), new_id()
    first = await repo.insert(asset_id=asset_id, kind="video", status="queued", job_id=job_id, parent_id=parent_id,
                              storage_key=f"jobs/{asset_id}/video.mp4", info=INFO)
    again = await repo.insert(asset_id=asset_id, kind="audio", status="failed", info={"other": 1})
    stored = await repo.get(asset_id)
    assert first == again == stored
    assert stored.info == INFO and stored.kind == "video" and stored.job_id == job_id and stored.parent_id == parent_id
    assert stored.storage_key == f"jobs/{asset_id}/video.mp4" and stored.s3_key is None
    assert stored.created_at == stored.updated_at > 0
    assert await repo.get(new_id()) is None


async def test_update_sets_columns_and_merges_info(store: Store) -> None:
    repo = AssetRepository(store)
    asset_id = new_id()
    await repo.insert(asset_id=asset_id, kind="video", status="queued", info={"keep": 1, "replace": "old"})
    running = await repo.update(asset_id, status="running")
    assert running.status == "running" and running.info == {"keep": 1, "replace": "old"}
    done = await repo.update(asset_id, status="succeeded", storage_key="jobs/x/video.mp4", s3_key="mv/jobs/x/video.mp4",
                             info_patch={"replace": "new", "added": [1, 2]})
    assert done.info == {"keep": 1, "replace": "new", "added": [1, 2]}
    assert (done.status, done.storage_key, done.s3_key) == ("succeeded", "jobs/x/video.mp4", "mv/jobs/x/video.mp4")
    assert done.updated_at >= running.updated_at and done.created_at == running.created_at
    assert await repo.get(asset_id) == done
    assert await repo.update(new_id(), status="failed") is None
    assert await repo.update(new_id(), info_patch={"x": 1}) is None
    with pytest.raises(ValueError, match="unknown asset columns"):
        await repo.update(asset_id, colour="red")


async def test_by_job_is_oldest_first_and_count_filters_by_kind(store: Store) -> None:
    repo = AssetRepository(store)
    job_id = new_id()
    made = [new_id() for _ in range(4)]
    for asset_id in made:
        await repo.insert(asset_id=asset_id, kind="image", status="succeeded", job_id=job_id)
    await repo.insert(asset_id=new_id(), kind="audio", status="succeeded", job_id=new_id())
    assert [a.id for a in await repo.by_job(job_id)] == made
    assert await repo.by_job(new_id()) == []
    assert (await repo.count(), await repo.count("image"), await repo.count("audio"), await repo.count("video")) == (5, 4, 1, 0)

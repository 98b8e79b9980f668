"""The project repository on each engine: workspaces apart, newest first, shared assets survive a delete."""

from __future__ import annotations

from mv.core.db import Store
from mv.core.ids import new_id
from mv.projects.repository import ProjectRepository

DOCUMENT = {"idea": "Ünïcode ♫ idea", "scenes": [{"id": "s1", "description": "wide", "edited_text": None}], "nested": {"a": [1, None]}}


async def test_insert_get_and_workspaces_are_apart(store: Store) -> None:
    repo = ProjectRepository(store)
    project_id = new_id()
    made = await repo.insert(project_id=project_id, workspace="w1", title="First", document=DOCUMENT, asset_ids={"a1"})
    assert made.document == DOCUMENT and made.workspace_id == "w1" and made.title == "First"
    assert await repo.get(project_id, "w1") == made
    assert await repo.get(project_id, "w2") is None
    assert await repo.update(project_id, "w2", title="x", document={}, asset_ids=set()) is None
    assert await repo.delete(project_id, "w2") is None
    assert not await repo.set_share_token_hash(project_id, "w2", "h")
    assert await repo.get(project_id, "w1") == made


async def test_pages_are_newest_first_per_workspace(store: Store) -> None:
    repo = ProjectRepository(store)
    ids = [new_id() for _ in range(5)]
    for index, project_id in enumerate(ids):
        await repo.insert(project_id=project_id, workspace="w1", title=f"p{index}", document={}, asset_ids=set())
    await repo.insert(project_id=new_id(), workspace="w2", title="other", document={}, asset_ids=set())
    first, total = await repo.page("w1", limit=2, offset=0)
    rest, _ = await repo.page("w1", limit=10, offset=2)
    assert total == 5
    assert [p.id for p in first + rest] == ids[::-1]
    assert (await repo.page("w3", limit=10, offset=0)) == ([], 0)


async def test_update_replaces_document_and_assets(store: Store) -> None:
    repo = ProjectRepository(store)
    project_id = new_id()
    await repo.insert(project_id=project_id, workspace="w", title="t", document={"a": 1}, asset_ids={"x", "y"})
    updated = await repo.update(project_id, "w", title="t2", document={"b": 2}, asset_ids={"y"})
    assert (updated.title, updated.document) == ("t2", {"b": 2})
    assert await repo.delete(project_id, "w") == ["y"]


async def test_delete_keeps_assets_another_project_uses(store: Store) -> None:
    repo = ProjectRepository(store)
    first, second = new_id(), new_id()
    await repo.insert(project_id=first, workspace="w1", title="a", document={}, asset_ids={"song", "image", "clip1"})
    await repo.insert(project_id=second, workspace="w2", title="b", document={}, asset_ids={"song", "clip2"})
    assert await repo.delete(first, "w1") == ["clip1", "image"]
    assert await repo.get(first, "w1") is None
    assert await repo.delete(second, "w2") == ["clip2", "song"]


async def test_share_token_hash_finds_the_project_in_any_workspace(store: Store) -> None:
    repo = ProjectRepository(store)
    project_id = new_id()
    await repo.insert(project_id=project_id, workspace="w1", title="t", document={}, asset_ids=set())
    assert await repo.set_share_token_hash(project_id, "w1", "hash-1")
    assert (await repo.by_share_token_hash("hash-1")).id == project_id
    assert await repo.set_share_token_hash(project_id, "w1", None)
    assert await repo.by_share_token_hash("hash-1") is None

"""Projects through the API: create, read, list newest first, change, duplicate, share read-only."""

from __future__ import annotations

import httpx

from mv.core.ids import new_id
from media import MediaFactory
from project_media import character_image, clip, project_body, upload_song


async def test_a_project_keeps_everything_it_is_given(client: httpx.AsyncClient, media: MediaFactory) -> None:
    song = await upload_song(client, media.tone(12.0))
    image = await character_image(client)
    made = await clip(client)
    body = project_body(
        song,
        character={"description": "a drummer", "image_id": image, "image_ids": [image]},
        scenes=[{"id": "s1", "description": "wide shot", "negative_description": "text", "edited_text": "wider shot", "start_time": 0, "end_time": 8}],
        clips=[{"scene_id": "s1", "video_id": made["video_id"], "kind": "generated"}],
        current_clips={"s1": made["video_id"]},
    )
    created = await client.post("/api/projects", json=body)
    assert created.status_code == 201, created.text
    project = created.json()
    assert project["title"] == song["title"]  # defaults to the song's title
    again = (await client.get(f"/api/projects/{project['id']}")).json()
    assert again == project
    assert again["song"]["audio_id"] == song["audio_id"] and again["aspect_ratio"] == "9:16" and again["mode"] == "draft"
    assert again["scenes"][0]["edited_text"] == "wider shot"
    assert again["current_clips"] == {"s1": made["video_id"]}
    assert again["poster_url"] == f"/api/mv/get_character_reference/{image}"
    assert again["cost_usd"] == 0.0 and again["shared"] is False
    assert (await client.get(again["poster_url"])).status_code == 200


async def test_patch_replaces_fields_and_keeps_every_clip_version(client: httpx.AsyncClient, media: MediaFactory) -> None:
    song = await upload_song(client, media.tone(12.0))
    first, second = await clip(client), await clip(client)
    project = (await client.post("/api/projects", json=project_body(song, title="Mine"))).json()
    versions = [
        {"scene_id": "s1", "video_id": first["video_id"], "kind": "generated"},
        {"scene_id": "s1", "video_id": second["video_id"], "kind": "lipsync"},
    ]
    patched = await client.patch(f"/api/projects/{project['id']}", json={"clips": versions, "current_clips": {"s1": second["video_id"]}, "mode": "full"})
    assert patched.status_code == 200, patched.text
    stored = (await client.get(f"/api/projects/{project['id']}")).json()
    assert [c["kind"] for c in stored["clips"]] == ["generated", "lipsync"]
    assert stored["current_clips"] == {"s1": second["video_id"]} and stored["mode"] == "full"
    assert stored["title"] == "Mine" and stored["idea"] == project["idea"] and stored["updated_at"] >= project["updated_at"]
    finals = await client.patch(f"/api/projects/{project['id']}", json={"finals": [{"video_id": second["video_id"], "clip_ids": [second["video_id"]]}]})
    assert finals.json()["poster_url"] == second["poster_url"]


async def test_bad_projects_are_refused_with_nothing_changed(client: httpx.AsyncClient, media: MediaFactory) -> None:
    song = await upload_song(client, media.tone(12.0))
    project = (await client.post("/api/projects", json=project_body(song))).json()
    unknown = await client.post("/api/projects", json=project_body(song, character={"image_id": new_id()}))
    assert unknown.status_code == 404 and unknown.json()["error"] == "NotFound"
    wrong_kind = await client.patch(f"/api/projects/{project['id']}", json={"clips": [{"scene_id": "s1", "video_id": song["audio_id"]}]})
    assert wrong_kind.status_code == 404
    not_a_version = await client.patch(f"/api/projects/{project['id']}", json={"current_clips": {"s1": new_id()}})
    assert not_a_version.status_code == 422 and set(not_a_version.json()) == {"error", "detail"}
    assert "not one of its clips" in not_a_version.json()["detail"]
    bad_ratio = await client.post("/api/projects", json=project_body(song, aspect_ratio="4:3"))
    assert bad_ratio.status_code == 422
    assert (await client.get(f"/api/projects/{project['id']}")).json() == project
    assert (await client.get(f"/api/projects/{new_id()}")).status_code == 404
    assert (await client.get("/api/projects/not-a-uuid")).status_code == 422
    refused = await client.put(f"/api/projects/{project['id']}", json={})
    assert refused.status_code == 405 and refused.headers["allow"] == "DELETE, GET, PATCH"  # every route at the path


async def test_the_list_is_newest_first_and_paginated(client: httpx.AsyncClient, media: MediaFactory) -> None:
    song = await upload_song(client, media.tone(12.0))
    ids = [(await client.post("/api/projects", json=project_body(song, title=f"Video {i}"))).json()["id"] for i in range(5)]
    first = (await client.get("/api/projects?limit=2")).json()
    rest = (await client.get("/api/projects?limit=10&offset=2")).json()
    assert first["total"] == 5 and (first["limit"], first["offset"]) == (2, 0)
    assert [p["id"] for p in first["items"] + rest["items"]] == ids[::-1]
    line = first["items"][0]
    assert (line["title"], line["mode"], line["config_flavor"], line["aspect_ratio"]) == ("Video 4", "draft", "mv1", "9:16")
    assert line["duration"] == song["duration"] and line["scene_count"] == 0 and line["cost_usd"] == 0.0
    assert (await client.get("/api/projects?limit=0")).status_code == 422


async def test_duplicate_keeps_song_and_idea_with_a_new_empty_plan(client: httpx.AsyncClient, media: MediaFactory) -> None:
    song = await upload_song(client, media.tone(12.0))
    made = await clip(client)
    body = project_body(
        song, title="Original",
        scenes=[{"id": "s1", "description": "wide"}],
        clips=[{"scene_id": "s1", "video_id": made["video_id"]}],
        current_clips={"s1": made["video_id"]},
    )
    original = (await client.post("/api/projects", json=body)).json()
    response = await client.post(f"/api/projects/{original['id']}/duplicate")
    assert response.status_code == 201, response.text
    copy = response.json()
    assert copy["id"] != original["id"] and copy["title"] == "Original (copy)"
    assert (copy["song"], copy["idea"], copy["character"], copy["aspect_ratio"]) == (original["song"], original["idea"], original["character"], original["aspect_ratio"])
    assert (copy["scenes"], copy["clips"], copy["current_clips"], copy["finals"]) == ([], [], {}, [])
    assert [p["id"] for p in (await client.get("/api/projects")).json()["items"]] == [copy["id"], original["id"]]


async def test_a_share_link_reads_the_project_and_nothing_else(client: httpx.AsyncClient, media: MediaFactory) -> None:
    song = await upload_song(client, media.tone(12.0))
    project = (await client.post("/api/projects", json=project_body(song))).json()
    link = (await client.post(f"/api/projects/{project['id']}/share")).json()
    assert len(link["token"]) >= 40 and link["url"] == f"/api/shared/{link['token']}"
    shared = (await client.get(link["url"])).json()
    assert shared["id"] == project["id"] and shared["shared"] is True
    for method in ("patch", "delete", "post"):
        assert (await client.request(method.upper(), link["url"], json={})).status_code in (404, 405)
    newer = (await client.post(f"/api/projects/{project['id']}/share")).json()
    assert (await client.get(link["url"])).status_code == 404  # a new link replaces the old one
    assert (await client.get(newer["url"])).status_code == 200
    assert (await client.delete(f"/api/projects/{project['id']}/share")).status_code == 204
    assert (await client.get(newer["url"])).status_code == 404
    assert (await client.get("/api/shared/" + "A" * 43)).json()["error"] == "NotFound"

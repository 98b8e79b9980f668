"""Deleting a project removes its media locally and in S3, and keeps media another project still uses."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx

from media import MediaFactory
from project_media import character_image, clip, project_body, upload_song
from s3_bucket import s3_object


async def test_delete_removes_local_and_s3_media_but_not_what_a_duplicate_shares(
    app_client: Callable[..., Any], s3_settings: dict[str, Any], s3_server: str, media: MediaFactory
) -> None:
    client: httpx.AsyncClient = await app_client(**s3_settings)
    services = client.app.state.services  # type: ignore[attr-defined]
    song = await upload_song(client, media.tone(12.0))
    image = await character_image(client)
    made = await clip(client)
    assert (await client.get(made["poster_url"])).status_code == 200, "the poster is made when first shown"
    body = project_body(
        song,
        character={"description": "a drummer", "image_id": image, "image_ids": [image]},
        scenes=[{"id": "s1", "description": "wide"}],
        clips=[{"scene_id": "s1", "video_id": made["video_id"]}],
        current_clips={"s1": made["video_id"]},
    )
    original = (await client.post("/api/projects", json=body)).json()
    copy = (await client.post(f"/api/projects/{original['id']}/duplicate")).json()

    keys = {
        "song": f"audio/{song['audio_id']}.mp3",
        "image": f"character_reference/{image}.png",
        "clip": f"jobs/{made['video_id']}/video.mp4",
        "poster": f"jobs/{made['video_id']}/poster.jpg",
    }
    s3_keys = {name: ("mv/" + key if key.startswith("jobs/") else "mv/outputs/" + key) for name, key in keys.items()}
    assert all(services.storage.exists(key) for key in keys.values())
    assert all(s3_object(s3_server, key) for key in s3_keys.values())

    assert (await client.delete(f"/api/projects/{original['id']}")).status_code == 204
    assert (await client.get(f"/api/projects/{original['id']}")).status_code == 404
    assert not services.storage.exists(keys["clip"]) and not services.storage.exists(keys["poster"])
    assert s3_object(s3_server, s3_keys["clip"]) is None and s3_object(s3_server, s3_keys["poster"]) is None
    assert (await client.get(f"/api/mv/get_video/{made['video_id']}")).status_code == 404
    assert services.storage.exists(keys["song"]) and services.storage.exists(keys["image"])  # the copy uses them
    assert s3_object(s3_server, s3_keys["song"]) and s3_object(s3_server, s3_keys["image"])
    assert (await client.get(f"/api/audio/get/{song['audio_id']}")).status_code == 200

    assert (await client.delete(f"/api/projects/{copy['id']}")).status_code == 204
    assert not services.storage.exists(keys["song"]) and not services.storage.exists(keys["image"])
    assert s3_object(s3_server, s3_keys["song"]) is None and s3_object(s3_server, s3_keys["image"]) is None
    assert (await client.delete(f"/api/projects/{copy['id']}")).status_code == 404

"""A project's cost is what the spend ledger recorded for the jobs that made its media (the fake Replicate)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from fake_replicate import FakeReplicate, replicate_settings
from helpers_mv import standard_fake
from media import MediaFactory
from project_media import project_body, upload_song


async def test_a_project_costs_what_its_clips_and_images_spent(app_client: Callable[..., Any], fake_replicate: FakeReplicate, media: MediaFactory) -> None:
    client = await app_client(**replicate_settings(standard_fake(fake_replicate, media)))
    song = await upload_song(client, media.tone(12.0))
    clip = await client.post("/api/mv/generate_video?wait=20", json={"prompt": "Wide shot of the stage", "config_flavor": "mv1"})
    images = await client.post("/api/mv/generate_character_reference?wait=20", json={"character_description": "a drummer", "num_images": 2})
    assert clip.status_code == 200 and images.status_code == 200, (clip.text, images.text)
    video_id, image_id = clip.json()["video_id"], images.json()["images"][0]["id"]
    body = project_body(
        song, mode="full",
        character={"description": "a drummer", "image_id": image_id, "image_ids": [image_id]},
        scenes=[{"id": "s1", "description": "wide"}],
        clips=[{"scene_id": "s1", "video_id": video_id}],
        current_clips={"s1": video_id},
    )
    project = (await client.post("/api/projects", json=body)).json()
    assert project["cost_usd"] == pytest.approx(1.6 + 2 * 0.04)  # one Veo clip and the image job's two Imagen images
    listed = (await client.get("/api/projects")).json()["items"][0]
    assert listed["cost_usd"] == pytest.approx(1.68)
    copy = (await client.post(f"/api/projects/{project['id']}/duplicate")).json()
    assert copy["cost_usd"] == pytest.approx(0.08)  # a new plan: only the character it kept

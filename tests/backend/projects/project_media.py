"""Making the media a project uses through the real API (offline provider, real ffmpeg)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx

from helpers_mv import finish


async def upload_song(client: httpx.AsyncClient, path: Path, headers: dict[str, str] | None = None) -> dict[str, Any]:
    """Upload a song; the audio asset."""
    with path.open("rb") as handle:
        response = await client.post("/api/audio/upload", files={"file": (path.name, handle, "audio/mpeg")}, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


async def _result(client: httpx.AsyncClient, path: str, body: dict[str, Any]) -> dict[str, Any]:
    """The result of a long operation, following its job when it outlasts the wait (a busy machine)."""
    response = await client.post(f"{path}?wait=30", json=body)
    if response.status_code == 202:
        job = await finish(client, response.json()["job_id"], timeout=300)
        assert job["status"] == "succeeded", job
        return dict(job["result"])
    assert response.status_code == 200, response.text
    return dict(response.json())


async def character_image(client: httpx.AsyncClient) -> str:
    """One offline character image; its id."""
    body = {"character_description": "a drummer with a green beanie", "num_images": 1, "provider": "local"}
    return str((await _result(client, "/api/mv/generate_character_reference", body))["images"][0]["id"])


async def clip(client: httpx.AsyncClient) -> dict[str, Any]:
    """One offline clip; the video result."""
    return await _result(client, "/api/mv/generate_video", {"prompt": "a wide shot of the stage", "provider": "local"})


def project_body(song: dict[str, Any], **fields: Any) -> dict[str, Any]:
    """A project body for this song."""
    return {
        "song": {"audio_id": song["audio_id"], "title": song["title"], "duration": song["duration"]},
        "idea": "a band plays its last show",
        "character": {"description": "a drummer with a green beanie"},
        "config_flavor": "mv1",
        "mode": "draft",
        "aspect_ratio": "9:16",
        **fields,
    }

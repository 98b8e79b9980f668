"""Helpers shared by the scenes, images, videos and providers tests."""

from __future__ import annotations

import asyncio
import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import httpx

from fake_replicate import FakeReplicate, install_standard_models
from media import MediaFactory


def ffprobe(path: Path) -> dict[str, Any]:
    """Streams and format of a media file."""
    out = subprocess.run(
        ["ffprobe", "-v", "error", "-print_format", "json", "-show_format", "-show_streams", str(path)],
        check=True, capture_output=True, text=True,
    ).stdout
    return json.loads(out)


def standard_fake(fake: FakeReplicate, media: MediaFactory, *, seconds: float = 0.2) -> FakeReplicate:
    """The fake with the shipped flavors' models installed, returning real PNG and MP4 outputs."""
    install_standard_models(
        fake, image=media.image(size="640x640", name="fake_out.png").read_bytes(),
        video=media.video(8.0, audio=False).read_bytes(), seconds=seconds,
    )
    return fake


async def finish(client: httpx.AsyncClient, job_id: str, timeout: float = 120.0) -> dict[str, Any]:
    """Poll a job until it reaches a final status."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        job = (await client.get(f"/api/jobs/{job_id}")).json()
        if job["status"] in ("succeeded", "failed", "canceled"):
            return job
        assert asyncio.get_running_loop().time() < deadline, f"job {job_id} still {job['status']}"
        await asyncio.sleep(0.1)


async def add_audio(client: httpx.AsyncClient, path: Path) -> str:
    """Store a song as an audio asset through the audio service; its audio id."""
    from mv.audio.service import ingest_file

    services = client.app.state.services  # type: ignore[attr-defined]
    with services.storage.workspace() as workdir:
        copy = workdir / path.name
        shutil.copyfile(path, copy)
        asset = await ingest_file(services, copy, filename=path.name, workdir=workdir)
    return asset.audio_id


async def upload_song(client: httpx.AsyncClient, path: Path) -> str:
    """Upload a song through the API; its audio id."""
    with path.open("rb") as handle:
        response = await client.post("/api/audio/upload", files={"file": (path.name, handle, "audio/mpeg")})
    assert response.status_code == 200, response.text
    return str(response.json()["audio_id"])


async def result_of(client: httpx.AsyncClient, response: httpx.Response) -> dict[str, Any]:
    """A job-creating request's result, following its job when it answered 202."""
    assert response.status_code in (200, 202), response.text
    if response.status_code == 200:
        return response.json()  # type: ignore[no-any-return]
    job = await finish(client, response.json()["job_id"], timeout=300)
    assert job["status"] == "succeeded", job
    return job["result"]  # type: ignore[no-any-return]

"""A full media root gives a clear 507 and leaves nothing half-written behind."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest


@pytest.fixture
def small_media_root(tmp_path: Path):
    mount = tmp_path / "media"
    mount.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(mount)], capture_output=True).returncode:
        pytest.skip("this machine cannot mount a small tmpfs")
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=False)


async def test_trim_into_a_full_disk(app_client, media, small_media_root: Path) -> None:
    client = await app_client(mv_media_root=small_media_root)
    song = media.tone(120.0, freq=523)
    with song.open("rb") as handle:
        uploaded = await client.post("/api/audio/upload", files={"file": ("song.mp3", handle, "audio/mpeg")})
    assert uploaded.status_code == 200, uploaded.text
    (small_media_root / "other-data").write_bytes(b"\0" * 1_500_000)
    before = sorted(p.name for p in (small_media_root / "audio").iterdir())
    response = await client.post("/api/audio/trim", json={"audio_id": uploaded.json()["audio_id"], "start_at": 1})
    assert response.status_code == 507, response.text
    assert response.json() == {"error": "InsufficientStorage", "detail": "The media storage is full."}
    assert sorted(p.name for p in (small_media_root / "audio").iterdir()) == before
    leftovers = [p for p in (small_media_root / ".tmp").rglob("*") if p.is_file()]
    assert leftovers == []
    assert (await client.get(f"/api/audio/get/{uploaded.json()['audio_id']}")).status_code == 200

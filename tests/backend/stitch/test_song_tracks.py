"""Preparing songs' AAC tracks runs in its own low-priority slot: uploads never wait behind it."""

from __future__ import annotations

import subprocess
from typing import Any

import httpx

from media import MediaFactory
from mv.core import ffmpeg
from stitch.clipkit import services_of


async def test_an_image_upload_right_after_12_song_uploads_does_not_wait_behind_their_song_tracks(
    client: httpx.AsyncClient, media: MediaFactory, monkeypatch: Any
) -> None:
    started: list[str] = []
    real_start = ffmpeg._start

    def recording(argv: list[str], niceness: int = 10) -> subprocess.Popen[bytes]:
        command = " ".join(argv)
        encoding = argv[0] == "ffmpeg"
        started.append("song_track" if encoding and "/.cache/songs/" in command else "image" if "-c:v png" in command else "other")
        return real_start(argv, niceness)

    monkeypatch.setattr(ffmpeg, "_start", recording)
    song = media.long_mp3(60).read_bytes()
    for n in range(12):
        response = await client.post("/api/audio/upload", files={"file": (f"song{n}.mp3", song, "audio/mpeg")})
        assert response.status_code == 200, response.text
    image = await client.post("/api/mv/upload_character_reference", files={"file": ("me.png", media.image().read_bytes(), "image/png")})
    assert image.status_code == 200, image.text
    before_image = started[: started.index("image")]
    assert before_image.count("song_track") < 12, "the image conversion must not wait behind every queued song track"
    assert services_of(client).extras["stitch_song_tracks"], "song tracks were still queued when the image was converted"

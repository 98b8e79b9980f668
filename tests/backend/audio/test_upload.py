"""Uploading songs: accepted formats, canonical mp3, and everything that must be refused."""

from __future__ import annotations

import pytest

from media import probe_duration

FORMATS = ["mp3", "wav", "m4a", "ogg", "opus", "flac", "webm"]


def stored_files(client) -> list:
    root = client.app.state.services.storage.root
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


@pytest.mark.parametrize("ext", FORMATS)
async def test_upload_accepts_common_audio(client, media, ext):
    source = media.tone(6.0, ext=ext)
    response = await client.post("/api/audio/upload", files={"file": (f"My Song.{ext}", source.read_bytes(), "application/octet-stream")})
    assert response.status_code == 200, response.text
    body = response.json()
    audio_id = body["audio_id"]
    assert set(body) == {"audio_id", "audio_url", "title", "duration", "format", "file_size_bytes", "metadata"}
    assert body["audio_url"] == f"/api/audio/get/{audio_id}"
    assert body["format"] == "mp3" and body["title"] == "My Song"
    assert body["duration"] == pytest.approx(6.0, abs=0.06)
    stored = client.app.state.services.storage.path(f"audio/{audio_id}.mp3")
    assert stored.stat().st_size == body["file_size_bytes"]
    assert probe_duration(stored) == pytest.approx(6.0, abs=0.08)
    assert stored_files(client) == [f"audio/{audio_id}.mp3"]
    asset = await client.app.state.services.assets.get(audio_id)
    assert asset.kind == "audio" and asset.status == "succeeded"
    assert asset.info["source"] == "upload" and asset.info["source_format"] in (ext, {"m4a": "mov", "opus": "ogg", "webm": "matroska"}.get(ext))


async def test_mp3_upload_is_stream_copied_and_title_comes_from_tags(client, media, tmp_path):
    import subprocess

    tagged = tmp_path / "tagged.mp3"
    subprocess.run(["ffmpeg", "-nostdin", "-loglevel", "error", "-i", str(media.tone(5.0)), "-c", "copy",
                    "-metadata", "title=Night\x07 Drive  \n(Live)", str(tagged)], check=True)
    response = await client.post("/api/audio/upload", files={"file": ("../../evil name.mp3", tagged.read_bytes(), "audio/mpeg")})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["title"] == "Night Drive (Live)"
    assert body["metadata"]["source_format"] == "mp3"
    assert stored_files(client) == [f"audio/{body['audio_id']}.mp3"]


async def test_title_falls_back_to_the_file_name_stem(client, media):
    response = await client.post("/api/audio/upload", files={"file": ("C:\\music\\..\\Summer $(rm -rf).wav", media.tone(3.0, ext="wav").read_bytes())})
    assert response.status_code == 200, response.text
    assert response.json()["title"] == "Summer $(rm -rf)"
    assert stored_files(client) == [f"audio/{response.json()['audio_id']}.mp3"]


async def test_text_named_mp3_is_415(client, media):
    text = media.text("this is not a song\n" * 50, "song.mp3")
    response = await client.post("/api/audio/upload", files={"file": ("song.mp3", text.read_bytes(), "audio/mpeg")})
    assert response.status_code == 415
    assert response.json()["error"] == "UnsupportedMediaType"
    assert stored_files(client) == []
    assert await client.app.state.services.assets.count() == 0


async def test_hls_playlist_disguised_as_mp3_is_refused(client, media):
    playlist = media.text("#EXTM3U\n#EXT-X-TARGETDURATION:10\n#EXTINF:10,\nfile:///etc/passwd\n#EXT-X-ENDLIST\n", "playlist.mp3")
    response = await client.post("/api/audio/upload", files={"file": ("playlist.mp3", playlist.read_bytes(), "audio/mpeg")})
    assert response.status_code == 415
    assert "passwd" not in response.text and "root:" not in response.text
    assert stored_files(client) == []


async def test_video_without_audio_is_415(client, media):
    response = await client.post("/api/audio/upload", files={"file": ("clip.mp3", media.video(2.0).read_bytes())})
    assert response.status_code == 415
    assert response.json()["detail"] == "The file has no audio track."


async def test_oversize_upload_is_413_before_anything_is_stored(app_client, media):
    client = await app_client(mv_max_upload_mb=1)
    big = media.tone(120.0, ext="wav")
    assert big.stat().st_size > 2**20
    response = await client.post("/api/audio/upload", files={"file": ("big.wav", big.read_bytes())})
    assert response.status_code == 413
    assert response.json()["error"] == "PayloadTooLarge"
    assert stored_files(client) == []
    assert await client.app.state.services.assets.count() == 0


async def test_upload_without_content_length_is_411(app_client, media):
    client = await app_client()

    async def body():
        yield b"--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"s.mp3\"\r\n\r\n"
        yield media.tone(1.0).read_bytes()
        yield b"\r\n--b--\r\n"

    response = await client.post("/api/audio/upload", content=body(), headers={"Content-Type": "multipart/form-data; boundary=b"})
    assert response.status_code == 411
    assert stored_files(client) == []


async def test_upload_longer_than_declared_is_cut_off_while_streaming(app_client, media):
    client = await app_client(mv_max_upload_mb=1)
    big = media.tone(120.0, ext="wav").read_bytes()
    boundary = "encoreboundary"

    async def body():
        yield (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.wav\"\r\n\r\n").encode()
        for i in range(0, len(big), 65536):
            yield big[i:i + 65536]
        yield f"\r\n--{boundary}--\r\n".encode()

    headers = {"Content-Type": f"multipart/form-data; boundary={boundary}", "Content-Length": "1000"}
    response = await client.post("/api/audio/upload", content=body(), headers=headers)
    assert response.status_code == 413
    assert stored_files(client) == []


async def test_too_long_audio_is_413(app_client, media):
    client = await app_client(mv_max_audio_seconds=10)
    response = await client.post("/api/audio/upload", files={"file": ("long.mp3", media.tone(12.0).read_bytes())})
    assert response.status_code == 413
    assert stored_files(client) == []


async def test_missing_file_field_is_422(client):
    response = await client.post("/api/audio/upload", files={"other": ("x.mp3", b"abc")})
    assert response.status_code == 422
    assert response.json()["error"] == "ValidationError"


async def test_not_multipart_is_415(client):
    response = await client.post("/api/audio/upload", content=b"ID3....", headers={"Content-Type": "audio/mpeg"})
    assert response.status_code == 415

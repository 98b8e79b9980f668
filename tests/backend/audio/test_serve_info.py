"""Serving songs with Range, describing them, and refusing ids that are not UUIDs."""

from __future__ import annotations

import uuid

import pytest


async def upload(client, path, name="song.mp3") -> dict:
    response = await client.post("/api/audio/upload", files={"file": (name, path.read_bytes())})
    assert response.status_code == 200, response.text
    return response.json()


async def test_get_streams_the_whole_file(client, media):
    body = await upload(client, media.tone(5.0))
    response = await client.get(body["audio_url"])
    assert response.status_code == 200
    assert response.headers["content-type"] == "audio/mpeg"
    assert response.headers["accept-ranges"] == "bytes"
    stored = client.app.state.services.storage.path(f"audio/{body['audio_id']}.mp3")
    assert response.content == stored.read_bytes()


async def test_get_honours_ranges(client, media):
    body = await upload(client, media.tone(5.0))
    data = client.app.state.services.storage.path(f"audio/{body['audio_id']}.mp3").read_bytes()
    response = await client.get(body["audio_url"], headers={"Range": "bytes=100-199"})
    assert response.status_code == 206
    assert response.headers["content-range"] == f"bytes 100-199/{len(data)}"
    assert response.content == data[100:200]
    tail = await client.get(body["audio_url"], headers={"Range": "bytes=-50"})
    assert tail.status_code == 206 and tail.content == data[-50:]
    beyond = await client.get(body["audio_url"], headers={"Range": f"bytes={len(data) + 10}-"})
    assert beyond.status_code == 416
    assert beyond.headers["content-range"] == f"bytes */{len(data)}"
    assert beyond.json()["error"] == "RangeNotSatisfiable"


async def test_unknown_audio_is_404(client):
    missing = uuid.uuid4()
    for path in (f"/api/audio/get/{missing}", f"/api/audio/info/{missing}"):
        response = await client.get(path)
        assert response.status_code == 404
        assert response.json() == {"error": "NotFound", "detail": f"No audio has the id {missing}."}


@pytest.mark.parametrize("bad", ["..%2F..%2Fetc%2Fpasswd", "%2e%2e", "not-a-uuid", "1234567890"])
async def test_non_uuid_ids_are_422_with_nothing_read(client, bad, monkeypatch):
    from mv.assets.repository import AssetRepository

    reads = []
    original = AssetRepository.get

    async def spy(self, asset_id):
        reads.append(asset_id)
        return await original(self, asset_id)

    monkeypatch.setattr(AssetRepository, "get", spy)
    for path in (f"/api/audio/get/{bad}", f"/api/audio/info/{bad}"):
        response = await client.get(path)
        assert response.status_code in (404, 422)
        if response.status_code == 422:
            assert response.json()["error"] == "ValidationError"
    trim = await client.post("/api/audio/trim", json={"audio_id": bad, "start_at": 1})
    assert trim.status_code == 422
    assert reads == []


async def test_traversal_path_never_reaches_a_file(client):
    response = await client.get("/api/audio/get/../../etc/passwd")
    assert response.status_code in (404, 422)
    assert "root:" not in response.text
    response = await client.get("/api/audio/info/%2e%2e")
    assert response.status_code == 422


async def test_info_describes_the_track_and_caches_peaks(client, media):
    body = await upload(client, media.clicks(20.0, at=(10.0,)), "Click Track.mp3")
    response = await client.get(f"/api/audio/info/{body['audio_id']}")
    assert response.status_code == 200
    info = response.json()
    assert info["audio_id"] == body["audio_id"]
    assert info["title"] == "Click Track" and info["source"] == "upload"
    assert info["duration"] == pytest.approx(20.0, abs=0.05)
    assert info["format"] == "mp3" and info["sample_rate"] == 44100 and info["channels"] == 1
    assert info["file_size_bytes"] == body["file_size_bytes"]
    assert info["parent_id"] is None and info["start_offset"] == 0
    peaks = info["peaks"]
    assert len(peaks) == 400 and all(0 <= p <= 1 for p in peaks)
    loud = max(range(400), key=peaks.__getitem__)
    assert abs(loud - 200) <= 2 and peaks[loud] > 0.5
    assert max(peaks[:190]) < 0.1
    asset = await client.app.state.services.assets.get(body["audio_id"])
    assert asset.info["peaks"] == peaks
    again = await client.get(f"/api/audio/info/{body['audio_id']}")
    assert again.json()["peaks"] == peaks

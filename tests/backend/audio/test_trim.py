"""Trimming a song's start (seed v5): a new asset, exact to the sample, original untouched."""

from __future__ import annotations

import hashlib
import uuid

import pytest

from audio.helpers import decode, lag_of, onset
from media import probe_duration

RATE = 44100


async def upload(client, path, name="song.mp3") -> dict:
    response = await client.post("/api/audio/upload", files={"file": (name, path.read_bytes())})
    assert response.status_code == 200, response.text
    return response.json()


def stored(client, audio_id):
    return client.app.state.services.storage.path(f"audio/{audio_id}.mp3")


@pytest.mark.parametrize("ext", ["mp3", "wav"])
async def test_trim_makes_a_new_accurate_track(client, media, ext):
    original = await upload(client, media.clicks(40.0, at=(10.0, 33.0), ext=ext), f"clicks.{ext}")
    before = hashlib.sha256(stored(client, original["audio_id"]).read_bytes()).hexdigest()
    response = await client.post("/api/audio/trim", json={"audio_id": original["audio_id"], "start_at": 7})
    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) == {"audio_id", "audio_url", "original_audio_id", "start_at", "duration", "file_size_bytes", "metadata"}
    assert body["audio_id"] != original["audio_id"] and uuid.UUID(body["audio_id"])
    assert body["original_audio_id"] == original["audio_id"] and body["start_at"] == 7
    assert body["audio_url"] == f"/api/audio/get/{body['audio_id']}"
    path = stored(client, body["audio_id"])
    assert path.stat().st_size == body["file_size_bytes"]
    assert "cloud_url" not in body["metadata"]
    # The original is byte-for-byte unchanged.
    assert hashlib.sha256(stored(client, original["audio_id"]).read_bytes()).hexdigest() == before
    # Duration: original minus start_at. What plays is exact to the sample; the response says so within
    # a millisecond; ffprobe's container figure also counts the encoder-delay samples players drop.
    full = decode(stored(client, original["audio_id"]))
    trimmed = decode(path)
    assert len(trimmed) == len(full) - 7 * RATE
    assert body["duration"] == pytest.approx(len(trimmed) / RATE, abs=0.001)
    assert body["duration"] == pytest.approx(original["duration"] - 7, abs=0.002)
    assert probe_duration(path) == pytest.approx(probe_duration(stored(client, original["audio_id"])) - 7, abs=0.08)
    # The opening matches the original at 7 s, to the sample.
    assert onset(trimmed) == onset(full) - 7 * RATE
    assert lag_of(full[: 20 * RATE], trimmed[: 5 * RATE]) == 7 * RATE
    assert abs(trimmed[: RATE] - full[7 * RATE: 8 * RATE]).max() < 0.02
    later = onset(trimmed[20 * RATE:]) + 20 * RATE
    assert later == onset(full[30 * RATE:]) + 30 * RATE - 7 * RATE


async def test_trimming_a_trimmed_track_trims_further(client, media):
    original = await upload(client, media.clicks(40.0, at=(10.0, 33.0)))
    first = (await client.post("/api/audio/trim", json={"audio_id": original["audio_id"], "start_at": 5})).json()
    second = await client.post("/api/audio/trim", json={"audio_id": first["audio_id"], "start_at": 3})
    assert second.status_code == 200, second.text
    second = second.json()
    assert second["original_audio_id"] == first["audio_id"]
    assert second["duration"] == pytest.approx(original["duration"] - 8, abs=0.05)
    trimmed = decode(stored(client, second["audio_id"]))
    full = decode(stored(client, original["audio_id"]))
    assert onset(trimmed) == onset(full) - 8 * RATE
    info = (await client.get(f"/api/audio/info/{second['audio_id']}")).json()
    assert info["parent_id"] == first["audio_id"]
    assert info["start_offset"] == 8
    assert info["source"] == "trim" and info["title"] == "song"
    assert info["duration"] == pytest.approx(second["duration"], abs=0.001)


async def test_trim_at_or_past_the_end_is_400_with_the_length(client, media):
    original = await upload(client, media.tone(6.0))
    for start_at in (6, 7, 500):
        response = await client.post("/api/audio/trim", json={"audio_id": original["audio_id"], "start_at": start_at})
        assert response.status_code == 400
        assert response.json()["error"] == "BadRequest"
        assert "6.0" in response.json()["detail"]
    assert await client.app.state.services.assets.count() == 1


async def test_trim_unknown_id_is_404(client):
    response = await client.post("/api/audio/trim", json={"audio_id": str(uuid.uuid4()), "start_at": 1})
    assert response.status_code == 404


@pytest.mark.parametrize("start_at", [-1, 2.5, "3", None, True])
async def test_trim_needs_a_whole_non_negative_start(client, media, start_at):
    original = await upload(client, media.tone(6.0))
    response = await client.post("/api/audio/trim", json={"audio_id": original["audio_id"], "start_at": start_at})
    assert response.status_code == 422
    assert response.json()["error"] == "ValidationError"


async def test_trim_at_zero_copies_the_whole_track(client, media):
    original = await upload(client, media.clicks(12.0, at=(3.0,)))
    body = (await client.post("/api/audio/trim", json={"audio_id": original["audio_id"], "start_at": 0})).json()
    assert body["duration"] == pytest.approx(original["duration"], abs=0.03)
    assert onset(decode(stored(client, body["audio_id"]))) == onset(decode(stored(client, original["audio_id"])))

"""`cut_segment` and `audio_path`: the functions other domains call to get a piece of the song."""

from __future__ import annotations

import uuid

import pytest

from audio.helpers import decode, ingest, lag_of, onset
from media import probe_duration
from mv.audio import service
from mv.core.errors import BadRequest, NotFound

RATE = 44100


async def test_audio_path_is_the_canonical_mp3(client, media):
    services = client.app.state.services
    audio_id = await ingest(services, media.tone(5.0, ext="wav"))
    path = await service.audio_path(services, audio_id)
    assert path == services.storage.path(f"audio/{audio_id}.mp3")
    assert path.read_bytes()[:2] in (b"\xff\xfb", b"\xff\xf3", b"\xff\xfa")


async def test_audio_path_unknown_id_is_not_found(client):
    with pytest.raises(NotFound):
        await service.audio_path(client.app.state.services, str(uuid.uuid4()))


async def test_cut_segment_is_sample_accurate(client, media, tmp_path):
    services = client.app.state.services
    audio_id = await ingest(services, media.clicks(30.0, at=(10.0, 21.5)))
    original = decode(await service.audio_path(services, audio_id))
    out = await service.cut_segment(services, audio_id, 7.25, 15.25, tmp_path)
    assert out.parent == tmp_path and out.suffix == ".wav"
    assert probe_duration(out) == pytest.approx(8.0, abs=0.002)
    segment = decode(out)
    # The click at 10 s sits 2.75 s into the segment, to the sample.
    assert onset(segment) - (onset(original) - round(7.25 * RATE)) == 0
    assert lag_of(original[: RATE * 15], segment[: RATE * 4]) == round(7.25 * RATE)
    window = original[round(7.25 * RATE): round(8.25 * RATE)]
    assert abs(segment[: RATE] - window).max() < 0.01


async def test_cut_segment_pads_past_the_end_with_silence(client, media, tmp_path):
    services = client.app.state.services
    audio_id = await ingest(services, media.clicks(12.0, at=(10.0,)))
    out = await service.cut_segment(services, audio_id, 8.0, 16.0, tmp_path, fmt="wav")
    assert probe_duration(out) == pytest.approx(8.0, abs=0.002)
    segment = decode(out)
    assert abs(segment[: RATE * 4]).max() > 0.5
    assert abs(segment[RATE * 4 + 2048:]).max() < 1e-3


async def test_cut_segment_to_the_end_and_as_mp3(client, media, tmp_path):
    services = client.app.state.services
    audio_id = await ingest(services, media.clicks(12.0, at=(10.0,)))
    out = await service.cut_segment(services, audio_id, 4.0, None, tmp_path, fmt="mp3")
    assert out.suffix == ".mp3"
    assert probe_duration(out) == pytest.approx(8.0, abs=0.06)


async def test_cut_segment_refuses_bad_windows(client, media, tmp_path):
    tmp_path = tmp_path / "work"
    tmp_path.mkdir()
    services = client.app.state.services
    audio_id = await ingest(services, media.clicks(12.0, at=(10.0,)))
    with pytest.raises(BadRequest, match="12.0"):
        await service.cut_segment(services, audio_id, 12.5, None, tmp_path)
    with pytest.raises(BadRequest):
        await service.cut_segment(services, audio_id, 5.0, 4.0, tmp_path)
    with pytest.raises(NotFound):
        await service.cut_segment(services, str(uuid.uuid4()), 0, None, tmp_path)
    assert list(tmp_path.iterdir()) == []

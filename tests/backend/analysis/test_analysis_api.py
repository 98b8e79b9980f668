"""The analysis endpoint: a job after every import, 202 then 200, its own analysis per trim, never on the event loop."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import httpx
import mir_eval
import numpy as np

from analysis.music import Truth


async def upload(client: httpx.AsyncClient, path: Path) -> str:
    """Upload a song file; its id."""
    with path.open("rb") as handle:
        response = await client.post("/api/audio/upload", files={"file": (path.name, handle, "audio/mpeg")})
    assert response.status_code == 200, response.text
    return response.json()["audio_id"]


async def finished_analysis(client: httpx.AsyncClient, audio_id: str) -> dict[str, Any]:
    """Follow the analysis until it answers 200."""
    for _ in range(60):
        response = await client.get(f"/api/audio/analysis/{audio_id}", params={"wait": 10})
        if response.status_code == 200:
            return response.json()  # type: ignore[no-any-return]
        assert response.status_code == 202, response.text
    raise AssertionError("the analysis never finished")


async def test_a_stored_song_is_analysed_in_the_background(client: httpx.AsyncClient, clicks: dict[str, tuple[Truth, Path]]) -> None:
    truth, path = clicks["120"]
    audio_id = await upload(client, path)
    asset = await client.app.state.services.assets.get(audio_id)  # type: ignore[attr-defined]
    started = asset.info["analysis_job"]

    first = await client.get(f"/api/audio/analysis/{audio_id}")
    assert first.status_code == 202
    assert first.json()["job_id"] == started and first.json()["status_url"] == f"/api/jobs/{started}"

    result = await finished_analysis(client, audio_id)
    assert set(result) >= {"audio_id", "tempo", "beats", "downbeats", "sections", "energy", "vocals", "lyrics"}
    assert result["audio_id"] == audio_id and result["beats_per_bar"] == 4
    assert mir_eval.beat.f_measure(truth.beats, np.array(result["beats"]), f_measure_threshold=0.07) >= 0.9
    assert abs(result["tempo"] - 120) <= 2.4
    assert len(result["energy"]) == len(result["beats"])
    job = (await client.get(f"/api/jobs/{started}")).json()
    assert job["status"] == "succeeded" and job["kind"] == "analyse_song"


async def test_a_trimmed_song_gets_its_own_analysis_offset_by_the_cut(client: httpx.AsyncClient, clicks: dict[str, tuple[Truth, Path]]) -> None:
    truth, path = clicks["96"]
    original = await upload(client, path)
    trimmed = (await client.post("/api/audio/trim", json={"audio_id": original, "start_at": 7})).json()["audio_id"]
    whole, cut = await finished_analysis(client, original), await finished_analysis(client, trimmed)
    assert cut["audio_id"] == trimmed and abs(cut["duration"] - (whole["duration"] - 7)) < 0.1
    expected = truth.beats[truth.beats > 7.2] - 7
    assert mir_eval.beat.f_measure(expected, np.array(cut["beats"]), f_measure_threshold=0.07) >= 0.9
    shifted = np.array(whole["beats"]) - 7
    assert mir_eval.beat.f_measure(shifted[shifted > 0.2], np.array(cut["beats"]), f_measure_threshold=0.07) >= 0.9


async def test_the_analysis_never_blocks_the_event_loop(client: httpx.AsyncClient, band_song: tuple[Truth, Path]) -> None:
    audio_id = await upload(client, band_song[1])
    asset = await client.app.state.services.assets.get(audio_id)  # type: ignore[attr-defined]
    job_url = f"/api/jobs/{asset.info['analysis_job']}"
    for _ in range(2000):
        job = (await client.get(job_url)).json()
        if job["status"] == "running" and job["progress"] >= 0.2 or job["status"] == "succeeded":
            break
        await asyncio.sleep(0.01)
    assert job["status"] == "running", "the analysis finished before it could be observed"
    health = await client.get("/healthz")
    assert health.status_code == 200
    assert (await client.get(job_url)).json()["status"] == "running"
    await finished_analysis(client, audio_id)


async def test_unknown_and_malformed_ids(client: httpx.AsyncClient) -> None:
    missing = await client.get("/api/audio/analysis/3f1c2a9e-8d4b-4c1e-9a57-2b6f0e4d8c11")
    assert missing.status_code == 404 and missing.json()["error"] == "NotFound"
    assert (await client.get("/api/audio/analysis/not-a-uuid")).status_code == 422
    assert (await client.post("/api/audio/lyrics/3f1c2a9e-8d4b-4c1e-9a57-2b6f0e4d8c11", json={"text": "hi"})).status_code == 404


async def test_lyrics_are_stored_with_the_song_and_carried_into_a_trim(client: httpx.AsyncClient, clicks: dict[str, tuple[Truth, Path]]) -> None:
    _, path = clicks["140"]
    audio_id = await upload(client, path)
    bad = await client.post(f"/api/audio/lyrics/{audio_id}", json={"text": "[00:01.00]one\n[00:03.00]two\nthree"})
    assert bad.status_code == 422
    assert bad.json() == {"error": "InvalidLyrics", "detail": 'Line 3 does not start with a [mm:ss.xx] timestamp: "three".'}

    good = await client.post(f"/api/audio/lyrics/{audio_id}", json={"text": "[00:02.00]first line\n[00:09.50]second line\n[00:14.00]"})
    assert good.status_code == 200
    assert good.json()["lines"] == [{"start": 2.0, "end": 9.5, "text": "first line"}, {"start": 9.5, "end": 14.0, "text": "second line"}]
    result = await finished_analysis(client, audio_id)
    assert result["lyrics"] == good.json()["lines"] and result["lyrics_timing"] == "lrc"

    trimmed = (await client.post("/api/audio/trim", json={"audio_id": audio_id, "start_at": 5})).json()["audio_id"]
    carried = await finished_analysis(client, trimmed)
    assert carried["lyrics"] == [{"start": 0.0, "end": 4.5, "text": "first line"}, {"start": 4.5, "end": 9.0, "text": "second line"}]


async def test_plain_lyrics_are_timed_over_the_vocal_stretches(client: httpx.AsyncClient, clicks: dict[str, tuple[Truth, Path]]) -> None:
    _, path = clicks["70"]
    audio_id = await upload(client, path)
    await finished_analysis(client, audio_id)
    answer = await client.post(f"/api/audio/lyrics/{audio_id}", json={"text": "la la la\n\nsing it loud", "format": "plain"})
    assert answer.status_code == 200
    lines = answer.json()["lines"]
    assert [l["text"] for l in lines] == ["la la la", "sing it loud"] and answer.json()["timing"] == "vocals"
    assert lines[0]["start"] == 0.0 and lines[0]["end"] == lines[1]["start"] and lines[1]["end"] <= 24.1
    assert (await finished_analysis(client, audio_id))["lyrics"] == lines


async def test_a_song_can_be_analysed_again_on_demand(client: httpx.AsyncClient, clicks: dict[str, tuple[Truth, Path]]) -> None:
    _, path = clicks["174"]
    audio_id = await upload(client, path)
    first = await finished_analysis(client, audio_id)
    services = client.app.state.services  # type: ignore[attr-defined]
    before = (await services.assets.get(audio_id)).info["analysis_job"]
    again = await client.post(f"/api/audio/analyse/{audio_id}", params={"wait": 30})
    assert again.status_code == 200 and again.json()["beats"] == first["beats"]
    assert (await services.assets.get(audio_id)).info["analysis_job"] != before

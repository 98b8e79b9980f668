"""Scenes placed in the song: the fixed grid, cuts on the beat, and each scene's musical context."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pytest

from analysis.helpers import to_mp3
from analysis.music import Truth, click_track
from helpers_mv import finish, upload_song
from mv.flavors.schemas import Parameters
from mv.scenes.timing import fixed_windows, music_windows

IDEA = {"idea": "a night drive through the city", "character_description": "a woman with short silver hair"}


@pytest.fixture(scope="module")
def songs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Truth, Path]]:
    """Click tracks with known beats: steady 120 BPM, and 100 → 132 BPM."""
    folder = tmp_path_factory.mktemp("timing")
    steady = click_track(folder / "steady.wav", [(120.0, 40.0)], offset=0.41, seconds=30.0, seed=3)
    change = click_track(folder / "change.wav", [(100.0, 14.0), (132.0, 40.0)], offset=0.61, seconds=30.0, seed=9)
    return {"steady": (steady, to_mp3(folder / "steady.wav")), "change": (change, to_mp3(folder / "change.wav"))}


async def plan(client: httpx.AsyncClient, **fields: Any) -> dict[str, Any]:
    """Create scenes and wait for the plan."""
    response = await client.post("/api/mv/create_scenes?wait=30", json={**IDEA, **fields})
    if response.status_code == 200:
        return response.json()  # type: ignore[no-any-return]
    assert response.status_code == 202, response.text
    job = await finish(client, response.json()["job_id"])
    assert job["status"] == "succeeded", job
    return job["result"]  # type: ignore[no-any-return]


def check_music_plan(scenes: list[dict[str, Any]], duration: float, beats: np.ndarray) -> None:
    """Contiguous from 0 to the song's end, 2-8 s windows, every cut within 70 ms of a true beat."""
    assert scenes[0]["start_time"] == 0.0
    assert abs(scenes[-1]["end_time"] - duration) < 0.01
    for before, after in zip(scenes, scenes[1:], strict=False):
        assert before["end_time"] == after["start_time"]
        assert np.min(np.abs(beats - after["start_time"])) <= 0.07, after["start_time"]
    for scene in scenes:
        assert 2.0 - 1e-6 <= scene["end_time"] - scene["start_time"] <= 8.0 + 1e-6, scene


@pytest.mark.parametrize("name", ["steady", "change"])
async def test_a_music_timed_plan_cuts_on_beats_and_covers_the_song(client: httpx.AsyncClient, songs: dict[str, tuple[Truth, Path]], name: str) -> None:
    truth, path = songs[name]
    audio_id = await upload_song(client, path)
    result = await plan(client, audio_id=audio_id, config_flavor="beats")
    analysis = (await client.get(f"/api/audio/analysis/{audio_id}")).json()
    duration = analysis["duration"]
    scenes = result["scenes"]
    check_music_plan(scenes, duration, truth.beats)
    assert len(scenes) >= duration / 8
    assert result["metadata"]["parameters"]["scene_timing"] == "music"
    assert all(s["section"] and s["energy"] in ("low", "mid", "high") and isinstance(s["vocals"], bool) for s in scenes)
    heard = np.array(analysis["downbeats"])
    downbeat_cuts = [s["start_time"] for s in scenes[1:] if np.min(np.abs(heard - s["start_time"])) <= 0.01]
    assert len(downbeat_cuts) >= 0.75 * (len(scenes) - 1), "cuts prefer the bar starts the analysis heard"


async def test_fixed_timing_keeps_the_seed_grid_and_ends_with_the_song(client: httpx.AsyncClient, songs: dict[str, tuple[Truth, Path]]) -> None:
    _, path = songs["steady"]
    audio_id = await upload_song(client, path)
    scenes = (await plan(client, audio_id=audio_id, number_of_scenes=4))["scenes"]
    duration = (await client.get(f"/api/audio/analysis/{audio_id}")).json()["duration"]
    assert [(s["start_time"], s["end_time"]) for s in scenes] == [(0, 8), (8, 16), (16, 24), (24, round(duration, 3))]
    overridden = await plan(client, audio_id=audio_id, config_flavor="beats", scene_timing="fixed", number_of_scenes=2)
    assert [(s["start_time"], s["end_time"]) for s in overridden["scenes"]] == [(0, 8), (8, 16)]
    assert overridden["metadata"]["parameters"]["scene_timing"] == "fixed"


async def test_without_a_song_scenes_keep_the_grid_and_no_context(client: httpx.AsyncClient) -> None:
    scenes = (await plan(client, config_flavor="mv1"))["scenes"]
    assert [(s["start_time"], s["end_time"]) for s in scenes] == [(8.0 * i, 8.0 * (i + 1)) for i in range(6)]
    assert all(s["section"] is None and s["vocals"] is None and not s["lipsync_suggested"] for s in scenes)
    refused = await client.post("/api/mv/create_scenes", json={**IDEA, "scene_timing": "music"})
    assert refused.status_code == 422
    assert "audio_id" in refused.json()["detail"]


async def test_lyrics_land_in_their_scenes_which_are_suggested_for_lipsync(client: httpx.AsyncClient, songs: dict[str, tuple[Truth, Path]]) -> None:
    _, path = songs["steady"]
    audio_id = await upload_song(client, path)
    lrc = "[00:09.00]first line of the song\n[00:12.00]second line\n[00:15.00]"
    assert (await client.post(f"/api/audio/lyrics/{audio_id}", json={"text": lrc})).status_code == 200
    scenes = (await plan(client, audio_id=audio_id, number_of_scenes=3))["scenes"]
    assert [line["text"] for line in scenes[1]["lyrics"]] == ["first line of the song", "second line"]
    assert scenes[1]["vocals"] is True and scenes[1]["lipsync_suggested"] is True
    assert scenes[0]["lyrics"] == [] and scenes[2]["lyrics"] == []
    assert "first line of the song" in scenes[1]["description"]


def test_music_windows_prefer_a_section_change_and_stay_legal() -> None:
    beats = np.arange(0.5, 40.0, 0.5)
    downbeats = beats[::4]
    change = 18.5
    windows = music_windows(40.0, beats.tolist(), downbeats.tolist(), [0.0, change], [0.5] * len(beats), longest=6.0)
    edges = [w.start for w in windows][1:]
    assert change in edges
    assert all(2.0 <= w.length <= 6.0 for w in windows)
    assert windows[0].start == 0.0 and windows[-1].end == 40.0
    calm = music_windows(40.0, beats.tolist(), downbeats.tolist(), [0.0], [0.0] * len(beats))
    busy = music_windows(40.0, beats.tolist(), downbeats.tolist(), [0.0], [1.0] * len(beats))
    assert len(busy) > len(calm), "high energy cuts faster"


def test_music_windows_fill_a_song_without_beats_and_a_short_song() -> None:
    windows = music_windows(30.0, [], [], [], [])
    assert windows[0].start == 0.0 and windows[-1].end == 30.0 and all(2.0 <= w.length <= 8.0 for w in windows)
    assert [(w.start, w.end) for w in music_windows(5.0, [1.0, 2.0], [1.0], [], [0.5, 0.5])] == [(0.0, 5.0)]
    assert [(w.start, w.end) for w in fixed_windows(3, 8.0, 20.0)] == [(0, 8), (8, 16), (16, 20)]


def test_scene_timing_is_validated_in_parameters() -> None:
    base = {
        "character_characteristics": "x", "video_type": "x", "video_characteristics": "x", "camera_angle": "x",
        "number_of_scenes": 2, "scene_model": {"model": "google/gemini-2.5-flash"},
    }
    assert Parameters.model_validate(base).scene_timing == "fixed"
    assert Parameters.model_validate({**base, "scene_timing": "music"}).scene_timing == "music"
    with pytest.raises(ValueError, match="scene_timing"):
        Parameters.model_validate({**base, "scene_timing": "beats"})

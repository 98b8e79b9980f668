"""Clips asked for at the shortest legal duration and cut to their window: a draft as long as the song, cuts on plan."""

from __future__ import annotations

import asyncio
import re
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pytest

from analysis.helpers import to_mp3
from analysis.music import Truth, click_track
from fake_replicate import FakeReplicate, replicate_settings
from helpers_mv import ffprobe, result_of, standard_fake, upload_song
from media import MediaFactory
from mv.flavors.models import clip_duration

FRAME = 1 / 24
IDEA = {"idea": "a night drive through the city", "character_description": "a woman with short silver hair"}
VEO = "google/veo-3.1"


@pytest.fixture(scope="module")
def song(tmp_path_factory: pytest.TempPathFactory) -> tuple[Truth, Path]:
    folder = tmp_path_factory.mktemp("cuts")
    truth = click_track(folder / "song.wav", [(96.0, 40.0)], offset=0.37, seconds=21.5, seed=4)
    return truth, to_mp3(folder / "song.wav")


def scene_changes(path: Path) -> list[float]:
    """Times where the picture changes at once (ffmpeg's scene score)."""
    err = subprocess.run(
        ["ffmpeg", "-nostdin", "-hide_banner", "-i", str(path), "-vf", "select='gt(scene,0.25)',showinfo", "-an", "-f", "null", "-"],
        check=True, capture_output=True, text=True,
    ).stderr
    return [float(t) for t in re.findall(r"pts_time:([0-9.]+)", err)]


def test_the_shortest_legal_duration_covers_the_window() -> None:
    assert [clip_duration(VEO, s, 8) for s in (2.0, 4.0, 4.01, 5.9, 6.2, 8.0)] == [4, 4, 6, 6, 8, 8]
    assert clip_duration(VEO, 3.0, 8, reference_images=True) == 8, "Veo 3.1 takes reference images only at 8 s"
    assert clip_duration("someone/unknown-model", 3.0, 5) == 5
    assert clip_duration(VEO, None, 8) == 8


async def test_a_music_timed_draft_lasts_the_song_and_cuts_where_the_plan_says(client: httpx.AsyncClient, song: tuple[Truth, Path], media: MediaFactory) -> None:
    truth, path = song
    audio_id = await upload_song(client, path)
    plan = await result_of(client, await client.post("/api/mv/create_scenes?wait=30", json={**IDEA, "audio_id": audio_id, "config_flavor": "beats"}))
    scenes = plan["scenes"]
    for before, after in zip(scenes, scenes[1:], strict=False):
        assert before["end_time"] == after["start_time"] and np.min(np.abs(truth.beats - after["start_time"])) <= 0.07

    async def clip(scene: dict[str, Any]) -> dict[str, Any]:
        body = {"prompt": scene["description"], "audio_id": audio_id, "start_time": scene["start_time"], "end_time": scene["end_time"], "config_flavor": "beats"}
        return await result_of(client, await client.post("/api/mv/generate_video?wait=0", json=body))

    clips = [await clip(scene) for scene in scenes]
    for scene, made in zip(scenes, clips, strict=True):
        asked = made["metadata"]["parameters"]["duration"]
        assert asked == min(d for d in (4, 6, 8) if d >= scene["end_time"] - scene["start_time"] - 1e-6)
    ids = [c["video_id"] for c in clips]
    stitched = await result_of(client, await client.post("/api/mv/stitch_video?wait=0", json={"video_ids": ids, "audio_id": audio_id}))
    meta = stitched["metadata"]
    needs_cut = [c["video_id"] for s, c in zip(scenes, clips, strict=True) if c["metadata"]["parameters"]["duration"] - (s["end_time"] - s["start_time"]) > FRAME / 2]
    assert meta["cut_clips"] == needs_cut and meta["normalized_clips"] == needs_cut, "only clips that need a cut are re-encoded"

    final = client.app.state.services.storage.path(f"jobs/{stitched['video_id']}/video.mp4")  # type: ignore[attr-defined]
    song_seconds = float((await client.get(f"/api/audio/info/{audio_id}")).json()["duration"])
    assert abs(float(ffprobe(final)["format"]["duration"]) - song_seconds) <= FRAME + 1e-3
    planned = [s["start_time"] for s in scenes[1:]]
    found = await asyncio.to_thread(scene_changes, final)
    for cut in planned:
        assert min(abs(t - cut) for t in found) <= FRAME + 1e-3, (cut, found)


@pytest.fixture
async def rclient(app_client: Callable[..., Any], fake_replicate: FakeReplicate, media: MediaFactory) -> httpx.AsyncClient:
    return await app_client(**replicate_settings(standard_fake(fake_replicate, media)))


async def test_veo_is_asked_for_the_shortest_duration_covering_the_window(rclient: httpx.AsyncClient, fake_replicate: FakeReplicate, media: MediaFactory) -> None:
    audio_id = await upload_song(rclient, media.tone(12.0))
    for start, end in ((0.0, 3.5), (3.5, 8.5), (8.5, 12.0)):
        body = {"prompt": "the singer", "audio_id": audio_id, "start_time": start, "end_time": end, "config_flavor": "beats"}
        await result_of(rclient, await rclient.post("/api/mv/generate_video?wait=0", json=body))
    assert [c.body["input"]["duration"] for c in fake_replicate.creates(VEO)] == [4, 6, 4]
    assert "one continuous shot of 6 seconds" in fake_replicate.creates(VEO)[1].body["input"]["prompt"]

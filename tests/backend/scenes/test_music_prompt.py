"""What the scene LLM is told about the music, seen through the fake Replicate API."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from analysis.helpers import to_mp3
from analysis.music import click_track
from fake_replicate import FakeReplicate, replicate_settings
from helpers_mv import finish, standard_fake, upload_song
from media import MediaFactory

BRIEF = {"idea": "a night drive through the city", "character_description": "a woman with short silver hair"}
GEMINI = "google/gemini-2.5-flash"


@pytest.fixture
def fake(fake_replicate: FakeReplicate, media: MediaFactory) -> FakeReplicate:
    return standard_fake(fake_replicate, media)


@pytest.fixture
async def rclient(app_client: Callable[..., Any], fake: FakeReplicate) -> httpx.AsyncClient:
    return await app_client(**replicate_settings(fake))


@pytest.fixture(scope="module")
def song(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("prompt")
    click_track(folder / "song.wav", [(120.0, 40.0)], offset=0.41, seconds=20.0, seed=5)
    return to_mp3(folder / "song.wav")


async def planned(client: httpx.AsyncClient, **fields: Any) -> dict[str, Any]:
    response = await client.post("/api/mv/create_scenes?wait=0", json={**BRIEF, **fields})
    assert response.status_code in (200, 202), response.text
    if response.status_code == 200:
        return response.json()  # type: ignore[no-any-return]
    job = await finish(client, response.json()["job_id"])
    assert job["status"] == "succeeded", job
    return job["result"]  # type: ignore[no-any-return]


async def test_the_llm_gets_each_scenes_window_section_energy_vocals_and_lyrics(rclient: httpx.AsyncClient, fake: FakeReplicate, song: Path) -> None:
    audio_id = await upload_song(rclient, song)
    lrc = "[00:09.00]neon rivers in the rain\n[00:15.00]"
    assert (await rclient.post(f"/api/audio/lyrics/{audio_id}", json={"text": lrc})).status_code == 200
    result = await planned(rclient, audio_id=audio_id, number_of_scenes=3)
    prompt = fake.creates(GEMINI)[-1].body["input"]["prompt"]
    assert "about 120 BPM" in prompt
    assert "faster, bigger motion on high energy" in prompt and "the chorus gets the wide performance shot" in prompt
    lines = re.findall(r"^Scene \d .*$", prompt, flags=re.M)
    assert len(lines) == 3
    for line, scene in zip(lines, result["scenes"], strict=True):
        assert f"({scene['start_time']:.1f}-{scene['end_time']:.1f} s" in line
        assert f"section {scene['section']}" in line and f"{scene['energy']} energy" in line
        assert ("vocals" if scene["vocals"] else "instrumental") in line
    assert '"neon rivers in the rain"' in lines[1] and "lyrics" not in lines[0]
    assert prompt.index("Scene 1 (") < prompt.index("Rules:"), "the default flavor places the music before its rules"


async def test_without_a_song_the_prompt_has_no_music_sheet(rclient: httpx.AsyncClient, fake: FakeReplicate) -> None:
    await planned(rclient)
    prompt = fake.creates(GEMINI)[-1].body["input"]["prompt"]
    assert "BPM" not in prompt and "Scene 1 (" not in prompt and "{" not in prompt.split("Answer with JSON only")[0]


async def test_a_flavor_prompt_without_the_placeholder_still_gets_the_music(rclient: httpx.AsyncClient, fake: FakeReplicate, song: Path) -> None:
    audio_id = await upload_song(rclient, song)
    await planned(rclient, audio_id=audio_id, config_flavor="example", number_of_scenes=2)
    prompt = fake.creates(GEMINI)[-1].body["input"]["prompt"]
    assert prompt.rstrip().splitlines()[-1].startswith("Scene 2 (")

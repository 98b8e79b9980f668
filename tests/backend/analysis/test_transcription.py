"""Songs without lyrics are transcribed by the default flavor's speech-to-text model on Replicate (the fake)."""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from fake_replicate import FakeReplicate, ModelSpec, fake_replicate, replicate_settings  # noqa: F401
from helpers_mv import upload_song
from media import MediaFactory
from mv.analysis.transcription import JOB_KIND
from mv.core.settings import PACKAGE_DIR
from mv.flavors.schemas import Parameters

WHISPER = "openai/whisper"
WHISPER_INPUTS = frozenset({"audio", "model", "transcription", "language", "word_timestamps"})


def whisper_output(data: dict[str, Any], fake: FakeReplicate) -> dict[str, Any]:
    return {
        "detected_language": "english",
        "transcription": "Hold on to the night. We are running.",
        "segments": [
            {"id": 1, "start": 6.5, "end": 9.0, "text": " We are running."},
            {"id": 0, "start": 1.2, "end": 4.8, "text": " Hold on to the night."},
            {"id": 2, "start": 9.5, "end": 11.0, "text": "   "},
        ],
    }


def configs_with_transcription(tmp_path: Path) -> Path:
    configs = tmp_path / "configs"
    shutil.copytree(PACKAGE_DIR / "configs", configs)
    path = configs / "default" / "parameters.yaml"
    data = yaml.safe_load(path.read_text())
    data["transcription_model"] = {"model": WHISPER, "input": {"model": "large-v3", "transcription": "plain text"}, "price_per_run": 0.02}
    path.write_text(yaml.safe_dump(data))
    return configs


async def vtt_when_ready(client: httpx.AsyncClient, audio_id: str) -> str:
    for _ in range(200):
        response = await client.get(f"/api/audio/lyrics/{audio_id}.vtt")
        if response.status_code == 200:
            return response.text
        await asyncio.sleep(0.05)
    raise AssertionError("the song was never given lyrics")


async def transcriptions(client: httpx.AsyncClient) -> int:
    return await client.app.state.services.jobs.count(JOB_KIND)  # type: ignore[attr-defined, no-any-return]


@pytest.fixture
def whisper(fake_replicate: FakeReplicate) -> FakeReplicate:  # noqa: F811
    fake_replicate.model(WHISPER, ModelSpec(
        output=whisper_output, seconds=0.1, allowed_inputs=WHISPER_INPUTS, required_inputs=frozenset({"audio"}),
        file_inputs=frozenset({"audio"}), choices={"transcription": ("plain text", "srt", "vtt")},
    ))
    return fake_replicate


async def test_a_song_without_lyrics_is_transcribed_after_import(app_client: Any, whisper: FakeReplicate, media: MediaFactory, tmp_path: Path) -> None:
    client = await app_client(**replicate_settings(whisper, mv_configs_dir=configs_with_transcription(tmp_path)))
    audio_id = await upload_song(client, media.tone(12.0))
    vtt = await vtt_when_ready(client, audio_id)
    assert "00:00:01.200 --> 00:00:04.800\nHold on to the night." in vtt
    assert "00:00:06.500 --> 00:00:09.000\nWe are running." in vtt
    [create] = whisper.creates(WHISPER)
    sent = create.body["input"]
    assert sent["model"] == "large-v3" and sent["transcription"] == "plain text"
    assert sent["audio"].startswith("http"), "the song is sent as a URL the model can fetch"
    assert whisper.fetched, "the fake fetched the song"
    analysis = (await client.get(f"/api/audio/analysis/{audio_id}", params={"wait": 30})).json()
    assert analysis["lyrics_timing"] == "speech"
    assert [line["text"] for line in analysis["lyrics"]] == ["Hold on to the night.", "We are running."]


async def test_given_lyrics_win_and_a_trim_is_not_transcribed_again(app_client: Any, whisper: FakeReplicate, media: MediaFactory, tmp_path: Path) -> None:
    client = await app_client(**replicate_settings(whisper, mv_configs_dir=configs_with_transcription(tmp_path)))
    audio_id = await upload_song(client, media.tone(12.0))
    await vtt_when_ready(client, audio_id)
    given = await client.post(f"/api/audio/lyrics/{audio_id}", json={"text": "[00:02.00]Mine\n[00:05.00]Not the model's"})
    assert given.status_code == 200 and given.json()["timing"] == "lrc"
    trimmed = await client.post("/api/audio/trim", json={"audio_id": audio_id, "start_at": 1})
    assert trimmed.status_code == 200, trimmed.text
    assert "Mine" in await vtt_when_ready(client, trimmed.json()["audio_id"])
    assert await transcriptions(client) == 1, "the trim carried the lyrics; it is not transcribed"
    assert len(whisper.creates(WHISPER)) == 1


async def test_without_replicate_as_the_provider_nothing_is_sent(app_client: Any, whisper: FakeReplicate, media: MediaFactory, tmp_path: Path) -> None:
    client = await app_client(**replicate_settings(whisper, mv_provider="local", mv_configs_dir=configs_with_transcription(tmp_path)))
    audio_id = await upload_song(client, media.tone(12.0))
    await asyncio.sleep(1.0)
    assert (await client.get(f"/api/audio/lyrics/{audio_id}.vtt")).status_code == 404
    assert await transcriptions(client) == 0
    assert whisper.creates(WHISPER) == []


def test_a_flavor_may_not_set_the_audio_input_itself() -> None:
    with pytest.raises(ValueError, match="`audio` is set by Encore"):
        Parameters.model_validate({
            "character_characteristics": "", "video_type": "", "video_characteristics": "", "camera_angle": "", "number_of_scenes": 3,
            "scene_model": {"model": "google/gemini-2.5-flash"}, "transcription_model": {"model": WHISPER, "input": {"audio": "x"}},
        })

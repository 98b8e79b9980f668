"""Aspect ratios end to end: validated against the flavor's models, sent to Replicate, drawn by drafts, kept by the stitch."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from fake_replicate import FakeReplicate, replicate_settings
from helpers_mv import add_audio, ffprobe, standard_fake
from media import MediaFactory
from mv.core.settings import PACKAGE_DIR

VEO, IMAGEN = "google/veo-3.1", "google/imagen-4"


def _size(path: Path) -> tuple[int, int]:
    video = next(s for s in ffprobe(path)["streams"] if s["codec_type"] == "video")
    return int(video["width"]), int(video["height"])


def _stored(client: httpx.AsyncClient, video_id: str) -> Path:
    return client.app.state.services.storage.path(f"jobs/{video_id}/video.mp4")  # type: ignore[attr-defined, no-any-return]


def _faststart(path: Path) -> bool:
    data = path.read_bytes()
    return 0 < data.find(b"moov") < data.find(b"mdat")


async def _draft_clip(client: httpx.AsyncClient, ratio: str | None, **extra: Any) -> dict[str, Any]:
    body = {"prompt": "The singer walks towards the camera", "provider": "local", **({"aspect_ratio": ratio} if ratio else {}), **extra}
    response = await client.post("/api/mv/generate_video?wait=30", json=body)
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


async def test_a_9_16_draft_is_720x1280_with_a_portrait_character_and_stitches_to_a_portrait_video(
    client: httpx.AsyncClient, media: MediaFactory
) -> None:
    images = await client.post("/api/mv/generate_character_reference?wait=30", json={
        "character_description": "a singer in a yellow raincoat", "num_images": 1, "provider": "local", "aspect_ratio": "9:16"})
    assert images.status_code == 200, images.text
    image = await client.get(images.json()["images"][0]["url"])
    png = Path(client.app.state.services.storage.path(f"character_reference/{images.json()['images'][0]['id']}.png"))  # type: ignore[attr-defined]
    assert image.status_code == 200 and _size(png) == (576, 1024)
    audio_id = await add_audio(client, media.tone(20.0))
    clips = [
        await _draft_clip(client, "9:16", character_reference_id=images.json()["images"][0]["id"], audio_id=audio_id, start_time=s, end_time=s + 8)
        for s in (0.0, 8.0)
    ]
    for clip in clips:
        assert _size(_stored(client, clip["video_id"])) == (720, 1280)
        assert clip["metadata"]["parameters"]["aspect_ratio"] == "9:16"
    stitched = await client.post("/api/mv/stitch_video?wait=30", json={"video_ids": [c["video_id"] for c in clips], "audio_id": audio_id})
    assert stitched.status_code == 200, stitched.text
    out = _stored(client, stitched.json()["video_id"])
    assert _size(out) == (720, 1280) and _faststart(out)
    poster = await client.get(stitched.json()["poster_url"])
    assert poster.status_code == 200 and poster.content.startswith(b"\xff\xd8")


async def test_the_default_ratio_stays_16_9_and_mixed_ratios_are_refused_by_the_stitch(client: httpx.AsyncClient) -> None:
    wide = await _draft_clip(client, None)
    tall = await _draft_clip(client, "9:16")
    assert _size(_stored(client, wide["video_id"])) == (1280, 720)
    services = client.app.state.services  # type: ignore[attr-defined]
    jobs_before = await services.jobs.count()
    refused = await client.post("/api/mv/stitch_video?wait=30", json={"video_ids": [wide["video_id"], tall["video_id"], wide["video_id"]]})
    assert refused.status_code == 422
    assert refused.json() == {
        "error": "MixedAspectRatios",
        "detail": "The clips mix aspect ratios (2 landscape, 1 portrait; clip 2 is the first that differs from clip 1); stitch clips of one aspect ratio.",
    }
    assert await services.jobs.count() == jobs_before


async def test_a_ratio_the_flavors_model_does_not_take_is_a_400(client: httpx.AsyncClient) -> None:
    response = await client.post("/api/mv/generate_video?wait=0", json={"prompt": "A wide shot", "provider": "local", "aspect_ratio": "1:1"})
    assert response.status_code == 400 and "google/veo-3.1" in response.json()["detail"] and "16:9, 9:16" in response.json()["detail"]
    assert (await client.post("/api/mv/generate_video", json={"prompt": "x", "aspect_ratio": "4:3"})).status_code == 422


async def test_a_square_draft_with_a_flavor_whose_model_takes_any_ratio(app_client: Callable[..., Any], tmp_path: Path) -> None:
    configs = tmp_path / "configs"
    shutil.copytree(PACKAGE_DIR / "configs" / "default", configs / "default")
    video = configs / "default" / "video_params.yaml"
    video.write_text(video.read_text().replace("model: google/veo-3.1", "model: acme/any-shape-video"))
    client = await app_client(mv_configs_dir=configs)
    clip = await _draft_clip(client, "1:1")
    assert _size(_stored(client, clip["video_id"])) == (720, 720)


@pytest.fixture
def fake(fake_replicate: FakeReplicate, media: MediaFactory) -> FakeReplicate:
    return standard_fake(fake_replicate, media)


async def test_replicate_gets_the_ratio_and_a_9_16_clip_carries_the_character_as_first_frame(
    app_client: Callable[..., Any], fake: FakeReplicate, media: MediaFactory
) -> None:
    client = await app_client(**replicate_settings(fake))
    images = await client.post("/api/mv/generate_character_reference?wait=20", json={"character_description": "a drummer", "num_images": 1, "aspect_ratio": "9:16"})
    assert images.status_code == 200, images.text
    assert [c.body["input"]["aspect_ratio"] for c in fake.creates(IMAGEN)] == ["9:16"]
    image_id = images.json()["images"][0]["id"]
    tall = await client.post("/api/mv/generate_video?wait=20", json={"prompt": "The drummer", "character_reference_id": image_id, "aspect_ratio": "9:16"})
    wide = await client.post("/api/mv/generate_video?wait=20", json={"prompt": "The drummer", "character_reference_id": image_id})
    assert tall.status_code == 200 and wide.status_code == 200, (tall.text, wide.text)
    sent_tall, sent_wide = (c.body["input"] for c in fake.creates(VEO))
    assert sent_tall["aspect_ratio"] == "9:16" and "reference_images" not in sent_tall and sent_tall["image"].startswith(fake.root)
    assert sent_tall["prompt"].endswith("Rules: 9:16 frame, one continuous shot of 8 seconds, no on-screen text,\nno subtitles, keep the character's appearance consistent.")
    assert sent_wide["aspect_ratio"] == "16:9" and len(sent_wide["reference_images"]) == 1 and "image" not in sent_wide
    assert tall.json()["metadata"]["parameters"]["reference_input"] == "image"

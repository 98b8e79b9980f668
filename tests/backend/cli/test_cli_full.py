"""`encore make --full`: the embedded Encore uses the real models (here a loopback fake of Replicate), only once the estimate is accepted."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from encore_process import Encore
from fake_replicate import FakeReplicate, install_standard_models
from helpers_mv import ffprobe
from media import MediaFactory, probe_duration

MODELS = ("google/gemini-2.5-flash", "google/imagen-4", "google/veo-3.1", "sync/lipsync-2-pro")


@pytest.fixture
def fake(media: MediaFactory) -> Iterator[FakeReplicate]:
    fake = FakeReplicate().start()
    try:
        install_standard_models(fake, image=media.image().read_bytes(), video=media.video(8.0, audio=True).read_bytes(), seconds=0.2)
        yield fake
    finally:
        fake.stop()


def _env(fake: FakeReplicate) -> dict[str, str]:
    return {"REPLICATE_API_TOKEN": fake.token, "REPLICATE_BASE_URL": fake.base_url, "REPLICATE_POLL_INTERVAL": "0.1"}


def test_full_uses_the_replicate_provider_for_every_step_once_the_estimate_is_accepted(
    encore: Encore, media: MediaFactory, tmp_path: Path, fake: FakeReplicate
) -> None:
    ran = encore("make", str(media.tone(8.0, freq=660)), "--idea", "a stadium show", "--character", "a lead singer",
                 "--flavor", "mv1", "--full", "--lipsync", "1", "--yes", "-o", "full.mp4", "--json", env=_env(fake))
    assert ran.code == 0, ran.err
    doc = ran.json()
    assert doc["provider"] == "replicate" and doc["draft"] is False
    assert doc["scenes"][0]["lipsynced"] is True
    # 1 scene plan ($0.01) + 1 image ($0.04) + 8 s of Veo ($1.60) + 8 s of lipsync (8 x $0.08325)
    assert doc["estimated_usd"] == pytest.approx(0.01 + 0.04 + 1.6 + 8 * 0.08325, abs=0.001)
    assert "Estimated cost of this full run: $2.32" in ran.err and "clips: 8 s of google/veo-3.1 = $1.60" in ran.err
    assert {model: len(fake.creates(model)) for model in MODELS} == dict.fromkeys(MODELS, 1)
    assert abs(probe_duration(tmp_path / "full.mp4") - 8.0) < 0.1


def test_full_without_yes_and_no_terminal_stops_before_anything_paid(encore: Encore, media: MediaFactory, tmp_path: Path, fake: FakeReplicate) -> None:
    ran = encore("make", str(media.tone(8.0, freq=660)), "--idea", "a show", "--character", "a singer", "--full", "-o", "full.mp4", env=_env(fake))
    assert ran.code == 2
    line = ran.one_error_line()
    assert line.startswith("encore: This full run is estimated at $") and "pass --yes to accept it" in line and "clips $1.60" in line
    assert fake.creates() == [] and not (tmp_path / "full.mp4").exists()


def test_full_at_9_16_sends_the_ratio_to_every_model_that_takes_one(encore: Encore, media: MediaFactory, tmp_path: Path, fake: FakeReplicate) -> None:
    ran = encore("make", str(media.tone(8.0, freq=550)), "--idea", "a show", "--character", "a singer", "--full", "--yes",
                 "--aspect", "9:16", "-o", "tall.mp4", "--json", env=_env(fake))
    assert ran.code == 0, ran.err
    [image] = fake.creates("google/imagen-4")
    [clip] = fake.creates("google/veo-3.1")
    assert image.body["input"]["aspect_ratio"] == "9:16" and clip.body["input"]["aspect_ratio"] == "9:16"
    assert "image" in clip.body["input"] and "reference_images" not in clip.body["input"]


def test_a_9_16_draft_is_a_portrait_video(encore: Encore, media: MediaFactory, tmp_path: Path) -> None:
    ran = encore("make", str(media.tone(9.0, freq=770)), "--idea", "a walk", "--character", "a singer", "--aspect", "9:16", "-o", "tall.mp4", "--json")
    assert ran.code == 0, ran.err
    video = next(s for s in ffprobe(tmp_path / "tall.mp4")["streams"] if s["codec_type"] == "video")
    assert (video["width"], video["height"]) == (720, 1280)
    bad = encore("make", str(media.tone(9.0, freq=770)), "--idea", "a walk", "--character", "a singer", "--aspect", "1:1", "-o", "sq.mp4")
    assert bad.code != 0 and "aspect_ratio 1:1 is not available with google/veo-3.1" in bad.one_error_line()

"""`encore make --full`: the embedded Encore uses the real models (here a loopback fake of Replicate)."""

from __future__ import annotations

from pathlib import Path

from encore_process import Encore
from fake_replicate import FakeReplicate, install_standard_models
from media import MediaFactory, probe_duration


def test_full_uses_the_replicate_provider_for_every_step(encore: Encore, media: MediaFactory, tmp_path: Path) -> None:
    fake = FakeReplicate().start()
    try:
        install_standard_models(fake, image=media.image().read_bytes(), video=media.video(8.0, audio=True).read_bytes(), seconds=0.2)
        env = {"REPLICATE_API_TOKEN": fake.token, "REPLICATE_BASE_URL": fake.base_url, "REPLICATE_POLL_INTERVAL": "0.1"}
        ran = encore("make", str(media.tone(8.0, freq=660)), "--idea", "a stadium show", "--character", "a lead singer",
                     "--flavor", "mv1", "--full", "--lipsync", "1", "-o", "full.mp4", "--json", env=env)
    finally:
        fake.stop()

    assert ran.code == 0, ran.err
    doc = ran.json()
    assert doc["provider"] == "replicate" and doc["draft"] is False
    assert doc["scenes"][0]["lipsynced"] is True
    made = {model: len(fake.creates(model)) for model in ("google/gemini-2.5-flash", "google/imagen-4", "google/veo-3.1", "sync/lipsync-2-pro")}
    assert made == {"google/gemini-2.5-flash": 1, "google/imagen-4": 1, "google/veo-3.1": 1, "sync/lipsync-2-pro": 1}
    assert abs(probe_duration(tmp_path / "full.mp4") - 8.0) < 0.1

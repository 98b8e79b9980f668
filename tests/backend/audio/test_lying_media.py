"""Songs whose headers lie about their length are measured by what they decode to, never by the header."""

from __future__ import annotations

from pathlib import Path

from audio.helpers import ingest
from media import probe_duration
from mv.core.errors import PayloadTooLarge


def stored_files(client) -> list[str]:
    root = client.app.state.services.storage.root
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


async def test_a_song_whose_header_claims_7_s_but_holds_40_minutes_is_413_before_it_is_stored(client, media) -> None:
    lying = media.understated_mp3(holds=2400.0, claims=7.0)
    assert probe_duration(lying) < 8, "the header says seven seconds"
    response = await client.post("/api/audio/upload", files={"file": ("short.mp3", lying.read_bytes(), "audio/mpeg")})
    assert response.status_code == 413, response.text
    assert response.json() == {"error": "PayloadTooLarge", "detail": "The audio is longer than the limit of 15 min 00 s."}
    assert stored_files(client) == []
    assert await client.app.state.services.assets.count() == 0


async def test_every_ingest_path_measures_the_decoded_length(app_client, media) -> None:
    client = await app_client(mv_max_audio_seconds=60)
    services = client.app.state.services
    lying = media.understated_mp3(holds=120.0, claims=7.0)
    try:
        await ingest(services, lying, "short.mp3")
    except PayloadTooLarge:
        pass
    else:
        raise AssertionError("a file holding 120 s was stored under a 60 s limit")
    assert stored_files(client) == []
    source = media.long_mp3(50)
    honest = await ingest(services, source, "honest.mp3")
    stored = services.storage.path(f"audio/{honest}.mp3")
    assert abs(probe_duration(stored) - probe_duration(source)) < 0.05, "a song inside the limit is kept whole"
    assert abs((await services.assets.get(honest)).info["duration"] - probe_duration(source)) < 0.05


async def test_a_header_that_overstates_is_trusted_only_to_refuse(app_client, media, tmp_path: Path) -> None:
    client = await app_client(mv_max_audio_seconds=60)
    response = await client.post("/api/audio/upload", files={"file": ("long.mp3", media.understated_mp3(holds=30.0, claims=600.0).read_bytes())})
    assert response.status_code == 413
    assert stored_files(client) == []

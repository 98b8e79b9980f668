"""Stitching spends like generation: it is rate limited, and one stitch's output is capped."""

from __future__ import annotations

from typing import Any

from media import MediaFactory
from stitch.clipkit import add_video, services_of


async def test_stitch_is_rate_limited_like_generation(app_client: Any, media: MediaFactory) -> None:
    client = await app_client(mv_rate_limit_per_minute=2)
    client._transport.client = ("203.0.113.60", 40000)
    ids = [await add_video(services_of(client), media.video(4.0)) for _ in range(2)]
    for _ in range(2):
        assert (await client.post("/api/mv/stitch_video?wait=30", json={"video_ids": ids})).status_code == 200
    refused = await client.post("/api/mv/stitch_video?wait=30", json={"video_ids": ids})
    assert refused.status_code == 429 and refused.json()["error"] == "RateLimited"
    assert 0 < int(refused.headers["retry-after"]) <= 30, "2 a minute refill one request every 30 s"


async def test_two_hundred_copies_of_one_clip_are_422_before_any_job(client: Any, media: MediaFactory) -> None:
    services = services_of(client)
    clip = await add_video(services, media.video(8.0))
    before = (await services.assets.count("video"), await services.jobs.count())
    response = await client.post("/api/mv/stitch_video?wait=30", json={"video_ids": [clip] * 200})
    assert response.status_code == 422, response.text
    assert response.json() == {
        "error": "StitchTooLong",
        "detail": "The clips add up to 1600 s; one stitch may hold at most 908 s (the longest song allowed plus one clip).",
    }
    after = (await services.assets.count("video"), await services.jobs.count())
    assert after == before, "no output asset and no job"
    assert not list((services.storage.root / "jobs").glob("*/video.mp4"))[1:], "only the input clip is stored"


async def test_a_stitch_may_hold_the_longest_song_plus_one_clip(app_client: Any, media: MediaFactory) -> None:
    client = await app_client(mv_max_audio_seconds=10)
    ids = [await add_video(services_of(client), media.video(4.0)) for _ in range(4)]
    assert (await client.post("/api/mv/stitch_video?wait=30", json={"video_ids": ids[:3]})).status_code == 200, "12 s ≤ 10 s + 4 s"
    refused = await client.post("/api/mv/stitch_video?wait=30", json={"video_ids": ids})
    assert refused.status_code == 422 and refused.json()["error"] == "StitchTooLong", "16 s > 10 s + 4 s"

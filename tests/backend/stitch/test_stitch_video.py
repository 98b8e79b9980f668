"""`POST /api/mv/stitch_video` on real clips: stream copy, normalization, soundtrack, sync, storage, errors."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from s3_bucket import s3_object
from media import MediaFactory
from stitch.clipkit import (
    FLASH_AT,
    add_audio,
    add_video,
    audio_duration,
    beep_times,
    decodes_cleanly,
    flash_clip,
    flash_times,
    frame_count,
    services_of,
    streams,
    tone_clip,
    video_duration,
)

FRAME = 1 / 24


async def stitch(client: httpx.AsyncClient, **body: object) -> httpx.Response:
    return await client.post("/api/mv/stitch_video", params={"wait": 30}, json=body)


def output_path(client: httpx.AsyncClient, video_id: str) -> Path:
    path = services_of(client).storage.path(f"jobs/{video_id}/video.mp4")
    assert path.is_file()
    return path


async def test_same_spec_clips_are_joined_by_stream_copy(client: httpx.AsyncClient, media: MediaFactory) -> None:
    services = services_of(client)
    ids = [await add_video(services, media.video(4.0)) for _ in range(3)]
    response = await stitch(client, video_ids=ids)
    assert response.status_code == 200, response.text
    body = response.json()
    meta = body["metadata"]
    assert meta["method"] == "copy" and meta["normalized_clips"] == [] and meta["num_clips"] == 3
    assert body["video_url"] == f"/api/mv/get_video/{body['video_id']}" == meta["local_video_url"]
    out = output_path(client, body["video_id"])
    assert abs(video_duration(out) - 12.0) < 0.1
    assert abs(meta["duration"] - 12.0) < 0.1
    assert len(streams(out, "video")) == 1 and streams(out, "audio") == []
    assert frame_count(out) == 3 * 4 * 24
    assert decodes_cleanly(out) == ""
    asset = await services.assets.get(body["video_id"])
    assert asset is not None and asset.status == "succeeded" and asset.kind == "video"
    assert all([await services.assets.get(i) for i in ids]), "input clips are kept"


async def test_output_plays_from_the_start(client: httpx.AsyncClient, media: MediaFactory) -> None:
    ids = [await add_video(services_of(client), media.video(4.0)) for _ in range(2)]
    body = (await stitch(client, video_ids=ids)).json()
    data = output_path(client, body["video_id"]).read_bytes()
    assert 0 < data.index(b"moov") < data.index(b"mdat"), "moov atom must precede the media data (faststart)"


async def test_a_song_shorter_than_the_clips_is_the_only_soundtrack_and_ends_the_video(client: httpx.AsyncClient, media: MediaFactory, tmp_path: Path) -> None:
    services = services_of(client)
    ids = [await add_video(services, tone_clip(tmp_path)) for _ in range(3)]
    audio_id = await add_audio(services, media.tone(5.0))
    response = await stitch(client, video_ids=ids, audio_id=audio_id)
    assert response.status_code == 200, response.text
    meta = response.json()["metadata"]
    assert meta["audio_id"] == audio_id and meta["method"] == "copy"
    out = output_path(client, response.json()["video_id"])
    assert len(streams(out, "audio")) == 1 and len(streams(out, "video")) == 1
    assert abs(audio_duration(out) - 5.0) < 0.1
    assert abs(video_duration(out) - 5.0) <= FRAME + 0.01
    assert abs(meta["duration"] - 5.0) < 0.05


async def test_no_video_runs_past_its_song(client: httpx.AsyncClient, media: MediaFactory) -> None:
    services = services_of(client)
    ids = [await add_video(services, media.video(8.0)) for _ in range(5)]
    audio_id = await add_audio(services, media.clicks(36.0, at=(35.0,)))
    response = await stitch(client, video_ids=ids, audio_id=audio_id)
    assert response.status_code == 200, response.text
    meta = response.json()["metadata"]
    out = output_path(client, response.json()["video_id"])
    assert abs(video_duration(out) - 36.0) <= FRAME + 0.01, "the last clip is cut at the song's end"
    assert abs(audio_duration(out) - 36.0) < 0.1
    assert frame_count(out) == 36 * 24
    assert abs(meta["duration"] - 36.0) < 0.05
    clicks = beep_times(out, threshold=20000)
    assert len(clicks) == 1 and abs(clicks[0] - 35.0) < FRAME
    assert decodes_cleanly(out) == ""


async def test_long_song_is_cut_to_the_video_and_starts_at_zero(client: httpx.AsyncClient, media: MediaFactory) -> None:
    services = services_of(client)
    ids = [await add_video(services, media.video(4.0)) for _ in range(2)]
    audio_id = await add_audio(services, media.clicks(30.0, at=(5.0,)))
    body = (await stitch(client, video_ids=ids, audio_id=audio_id)).json()
    out = output_path(client, body["video_id"])
    assert abs(audio_duration(out) - 8.0) < 0.1
    clicks = beep_times(out, threshold=20000)
    assert len(clicks) == 1 and abs(clicks[0] - 5.0) < FRAME


async def test_clip_audio_is_kept_and_stays_in_sync(client: httpx.AsyncClient, tmp_path: Path) -> None:
    services = services_of(client)
    ids = [await add_video(services, tone_clip(tmp_path)), await add_video(services, flash_clip(tmp_path)),
           await add_video(services, tone_clip(tmp_path)), await add_video(services, flash_clip(tmp_path))]
    body = (await stitch(client, video_ids=ids)).json()
    out = output_path(client, body["video_id"])
    assert len(streams(out, "audio")) == 1
    flashes, beeps = flash_times(out), beep_times(out)
    assert len(flashes) == 2 and len(beeps) == 2
    for expected, flash, beep in zip((4.0 + FLASH_AT, 12.0 + FLASH_AT), flashes, beeps, strict=True):
        assert abs(flash - expected) < FRAME
        assert abs(flash - beep) < FRAME, f"flash at {flash:.3f} s, beep at {beep:.3f} s"
    assert abs(audio_duration(out) - video_duration(out)) < 0.05


async def test_sync_survives_normalization(client: httpx.AsyncClient, tmp_path: Path, media: MediaFactory) -> None:
    services = services_of(client)
    odd = await add_video(services, flash_clip(tmp_path, size="640x360", fps=30, rate=44100))
    ids = [await add_video(services, flash_clip(tmp_path)), odd, await add_video(services, media.video(4.0)),
           await add_video(services, flash_clip(tmp_path))]
    body = (await stitch(client, video_ids=ids)).json()
    meta = body["metadata"]
    assert meta["method"] == "normalized" and meta["normalized_clips"] == [odd]
    out = output_path(client, body["video_id"])
    flashes, beeps = flash_times(out), beep_times(out)
    assert len(flashes) == 3 and len(beeps) == 3
    for start, flash, beep in zip((0.0, 4.0, 12.0), flashes, beeps, strict=True):
        assert abs(flash - (start + FLASH_AT)) <= FRAME + 0.001
        assert abs(flash - beep) < FRAME


async def test_mixed_specs_normalize_only_the_minority(client: httpx.AsyncClient, media: MediaFactory) -> None:
    services = services_of(client)
    odd = await add_video(services, media.video(4.0, size="854x480", fps=30))
    ids = [await add_video(services, media.video(4.0)), odd, await add_video(services, media.video(4.0))]
    response = await stitch(client, video_ids=ids)
    assert response.status_code == 200, response.text
    meta = response.json()["metadata"]
    assert meta["method"] == "normalized" and meta["normalized_clips"] == [odd]
    out = output_path(client, response.json()["video_id"])
    video = streams(out, "video")[0]
    assert (video["width"], video["height"], video["r_frame_rate"]) == (1280, 720, "24/1")
    assert abs(video_duration(out) - 12.0) < 0.1
    assert frame_count(out) == 12 * 24
    assert decodes_cleanly(out) == ""


async def test_suppressed_clip_audio_leaves_no_audio_track(client: httpx.AsyncClient, tmp_path: Path) -> None:
    services = services_of(client)
    ids = [await add_video(services, tone_clip(tmp_path)) for _ in range(2)]
    body = (await stitch(client, video_ids=ids, suppress_video_audio=True)).json()
    out = output_path(client, body["video_id"])
    assert streams(out, "audio") == [] and abs(video_duration(out) - 8.0) < 0.1


async def test_clips_without_audio_get_silence_beside_clips_with_audio(client: httpx.AsyncClient, tmp_path: Path, media: MediaFactory) -> None:
    services = services_of(client)
    ids = [await add_video(services, media.video(4.0)), await add_video(services, flash_clip(tmp_path))]
    out = output_path(client, (await stitch(client, video_ids=ids)).json()["video_id"])
    assert abs(audio_duration(out) - 8.0) < 0.05
    assert [round(t, 2) for t in beep_times(out)] == [round(t, 2) for t in flash_times(out)] == [6.0]


async def test_unknown_ids_are_named_before_any_job(client: httpx.AsyncClient, media: MediaFactory) -> None:
    services = services_of(client)
    known = await add_video(services, media.video(4.0))
    missing = ["00000000-0000-4000-8000-000000000001", "00000000-0000-4000-8000-000000000002"]
    before = await services.assets.count()
    response = await stitch(client, video_ids=[known, *missing])
    assert response.status_code == 404
    assert response.json()["error"] == "NotFound"
    assert all(m in response.json()["detail"] for m in missing) and known not in response.json()["detail"]
    assert await services.assets.count() == before


async def test_unfinished_ids_are_named(client: httpx.AsyncClient, media: MediaFactory) -> None:
    services = services_of(client)
    done = await add_video(services, media.video(4.0))
    running = await add_video(services, media.video(4.0), status="running")
    response = await stitch(client, video_ids=[done, running])
    assert response.status_code == 409
    assert running in response.json()["detail"] and done not in response.json()["detail"]


async def test_unknown_song_and_bad_bodies(client: httpx.AsyncClient, media: MediaFactory) -> None:
    known = await add_video(services_of(client), media.video(4.0))
    response = await stitch(client, video_ids=[known], audio_id="00000000-0000-4000-8000-000000000003")
    assert response.status_code == 404 and "00000000-0000-4000-8000-000000000003" in response.json()["detail"]
    assert (await stitch(client, video_ids=[])).status_code == 422
    assert (await stitch(client, video_ids=["not-a-uuid"])).status_code == 422


async def test_a_broken_clip_fails_the_job_not_the_server(client: httpx.AsyncClient, media: MediaFactory) -> None:
    services = services_of(client)
    broken = await add_video(services, media.text("not a video", "broken.mp4"))
    response = await stitch(client, video_ids=[await add_video(services, media.video(4.0)), broken])
    assert response.status_code == 422
    assert "/" not in response.json()["detail"]


async def test_slow_stitch_answers_202_then_the_job_holds_the_result(client: httpx.AsyncClient, media: MediaFactory) -> None:
    ids = [await add_video(services_of(client), media.video(4.0)) for _ in range(2)]
    response = await client.post("/api/mv/stitch_video", params={"wait": 0}, json={"video_ids": ids})
    assert response.status_code == 202
    status_url = response.json()["status_url"]
    for _ in range(300):
        job = (await client.get(status_url)).json()
        if job["status"] in ("succeeded", "failed"):
            break
        import asyncio

        await asyncio.sleep(0.05)
    assert job["status"] == "succeeded" and job["kind"] == "stitch_video"
    assert job["result"]["video_id"] == response.json()["job_id"], "the video id is the job id"
    assert job["result"]["metadata"]["num_clips"] == 2


async def test_result_is_mirrored_to_s3(app_client, s3_settings: dict[str, object], media: MediaFactory) -> None:  # type: ignore[no-untyped-def]
    client = await app_client(**s3_settings)
    ids = [await add_video(services_of(client), media.video(4.0)) for _ in range(2)]
    body = (await stitch(client, video_ids=ids)).json()
    video_id = body["video_id"]
    stored = s3_object(str(s3_settings["s3_endpoint_url"]), f"mv/jobs/{video_id}/video.mp4")
    assert stored == output_path(client, video_id).read_bytes()
    assert body["video_url"].startswith(str(s3_settings["s3_endpoint_url"]))
    assert body["metadata"]["cloud_url"] == body["video_url"]
    assert body["metadata"]["local_video_url"] == f"/api/mv/get_video/{video_id}"
    async with httpx.AsyncClient() as plain:
        fetched = await plain.get(body["video_url"])
    assert fetched.status_code == 200 and fetched.content == stored


async def test_s3_down_still_stitches_and_serves_locally(app_client, s3_down_settings: dict[str, object], media: MediaFactory) -> None:  # type: ignore[no-untyped-def]
    client = await app_client(**s3_down_settings)
    ids = [await add_video(services_of(client), media.video(4.0)) for _ in range(2)]
    response = await stitch(client, video_ids=ids)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["video_url"] == f"/api/mv/get_video/{body['video_id']}"
    assert body["metadata"]["cloud_url"] is None and body["metadata"]["cloud_urls"] == {}
    assert output_path(client, body["video_id"]).stat().st_size > 0


@pytest.mark.parametrize("count", [1])
async def test_a_single_clip_is_a_valid_stitch(client: httpx.AsyncClient, media: MediaFactory, count: int) -> None:
    ids = [await add_video(services_of(client), media.video(4.0)) for _ in range(count)]
    body = (await stitch(client, video_ids=ids)).json()
    assert abs(video_duration(output_path(client, body["video_id"])) - 4.0 * count) < 0.1


async def test_restitching_with_the_same_song_copies_its_cached_track_in_sync(client: httpx.AsyncClient, media: MediaFactory) -> None:
    services = services_of(client)
    ids = [await add_video(services, media.video(4.0)) for _ in range(3)]
    audio_id = await add_audio(services, media.clicks(30.0, at=(5.0, 9.5)))
    first = (await stitch(client, video_ids=ids, audio_id=audio_id)).json()
    assert first["metadata"]["audio_track"] == "song_encoded"
    for _ in range(1200):
        if not services.extras.get("stitch_song_tracks"):
            break
        import asyncio

        await asyncio.sleep(0.1)
    second = (await stitch(client, video_ids=ids, audio_id=audio_id)).json()
    assert second["metadata"]["audio_track"] == "song_copied"
    for body in (first, second):
        out = output_path(client, body["video_id"])
        assert abs(audio_duration(out) - 12.0) < 0.1 and abs(video_duration(out) - 12.0) < 0.1
        clicks = beep_times(out, threshold=20000)
        assert len(clicks) == 2 and all(abs(c - t) < FRAME for c, t in zip(clicks, (5.0, 9.5), strict=True)), clicks
    longer = [*ids, *ids, *ids]
    third = (await stitch(client, video_ids=[*longer, *ids])).json()
    assert third["metadata"]["audio_track"] is None
    ended = (await stitch(client, video_ids=longer * 3, audio_id=audio_id)).json()
    assert ended["metadata"]["audio_track"] == "song_copied", "a song shorter than the clips ends the video, so its track covers it"
    out = output_path(client, ended["video_id"])
    assert abs(audio_duration(out) - 30.0) < 0.1 and abs(video_duration(out) - 30.0) <= FRAME + 0.01


async def test_clip_probes_are_remembered_and_a_replaced_file_is_probed_again(client: httpx.AsyncClient, media: MediaFactory) -> None:
    services = services_of(client)
    ids = [await add_video(services, media.video(4.0)) for _ in range(3)]
    await stitch(client, video_ids=ids)
    remembered = (await services.assets.get(ids[0])).info["stitch_probe"]  # type: ignore[union-attr]
    assert remembered["spec"]["width"] == 1280 and abs(remembered["duration"] - 4.0) < 0.05
    path = services.storage.path(f"jobs/{ids[0]}/video.mp4")
    path.write_bytes(media.video(2.0, size="640x360").read_bytes())
    body = (await stitch(client, video_ids=ids)).json()
    assert body["metadata"]["normalized_clips"] == [ids[0]]
    assert abs(video_duration(output_path(client, body["video_id"])) - 10.0) < 0.1

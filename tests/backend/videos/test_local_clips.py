"""The offline provider end to end: real MP4s from the character image, scene text and the song window."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx

from helpers_mv import add_audio, ffprobe, finish
from media import MediaFactory


async def _character(client: httpx.AsyncClient) -> str:
    response = await client.post("/api/mv/generate_character_reference?wait=30", json={"character_description": "a drummer with a green beanie", "num_images": 1, "provider": "local"})
    assert response.status_code == 200, response.text
    return response.json()["images"][0]["id"]


def _check_clip(path: Path) -> None:
    info = ffprobe(path)
    kinds = {s["codec_type"]: s for s in info["streams"]}
    assert set(kinds) == {"video", "audio"}
    assert kinds["video"]["codec_name"] == "h264" and kinds["video"]["pix_fmt"] == "yuv420p"
    assert (kinds["video"]["width"], kinds["video"]["height"]) == (1280, 720)
    assert kinds["audio"]["codec_name"] == "aac"
    assert abs(float(info["format"]["duration"]) - 8.0) < 0.25
    data = path.read_bytes()
    assert 0 < data.find(b"moov") < data.find(b"mdat")  # faststart: the index comes first


async def test_clip_with_character_and_song_window_is_a_playable_8s_720p_mp4(client: httpx.AsyncClient, media: MediaFactory, tmp_path: Path) -> None:
    audio_id = await add_audio(client, media.clicks(30.0, at=(12.0,)))
    image_id = await _character(client)
    response = await client.post(
        "/api/mv/generate_video?wait=30",
        json={"prompt": "Close-up of the drummer, 100% focus; \"quotes\" {braces}", "character_reference_id": image_id,
              "audio_id": audio_id, "start_time": 10.0, "end_time": 18.0},
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["status"] == "succeeded"
    assert body["video_url"] == f"/api/mv/get_video/{body['video_id']}"
    meta = body["metadata"]
    assert meta["provider"] == "local" and meta["draft"] is True and meta["model"] == "local/draft-clip"
    assert meta["config_flavor"] == "default" and meta["cost_estimate"] == 0
    assert meta["parameters"]["start_time"] == 10.0 and meta["parameters"]["duration"] == 8

    video = await client.get(body["video_url"])
    assert video.status_code == 200 and video.headers["content-type"] == "video/mp4"
    out = tmp_path / "clip.mp4"
    out.write_bytes(video.content)
    _check_clip(out)
    stored = client.app.state.services.storage.path(f"jobs/{body['video_id']}/video.mp4")  # type: ignore[attr-defined]
    assert stored.read_bytes() == video.content

    # The click at 12 s of the song lands 2 s into the clip's audio.
    pcm = await _loudest_second(out)
    assert abs(pcm - 2.0) < 0.1

    ranged = await client.get(body["video_url"], headers={"Range": "bytes=0-99"})
    assert ranged.status_code == 206 and len(ranged.content) == 100

    asset = await client.app.state.services.assets.get(body["video_id"])  # type: ignore[attr-defined]
    assert asset.status == "succeeded"
    assert asset.info["provenance"]["provider"] == "local" and asset.info["provenance"]["draft"] is True
    assert asset.info["timings"]["total_seconds"] > 0


async def _loudest_second(path: Path) -> float:
    proc = await asyncio.create_subprocess_exec(
        "ffmpeg", "-v", "error", "-i", str(path), "-vn", "-ac", "1", "-ar", "8000", "-f", "s16le", "pipe:1",
        stdout=asyncio.subprocess.PIPE,
    )
    raw, _ = await proc.communicate()
    import array

    samples = array.array("h", raw)
    peak = max(range(len(samples)), key=lambda i: abs(samples[i]))
    return peak / 8000


async def test_clip_without_song_has_a_silent_track_and_four_render_together(client: httpx.AsyncClient, tmp_path: Path) -> None:
    responses = await asyncio.gather(*(
        client.post("/api/mv/generate_video?wait=30", json={"prompt": f"Scene {i}: wide shot of the crowd", "provider": "local"})
        for i in range(4)
    ))
    for response in responses:
        assert response.status_code == 200, response.text
        out = tmp_path / f"{response.json()['video_id']}.mp4"
        out.write_bytes((await client.get(response.json()["video_url"])).content)
        _check_clip(out)


async def test_get_video_reports_pending_unknown_and_bad_ids(client: httpx.AsyncClient) -> None:
    response = await client.post("/api/mv/generate_video?wait=0", json={"prompt": "a slow pan over the stage"})
    assert response.status_code == 202
    accepted = response.json()
    video_id = accepted["job_id"]
    pending = await client.get(f"/api/mv/get_video/{video_id}")
    if pending.status_code == 202:
        assert pending.json()["video_id"] == video_id and pending.json()["status"] in ("queued", "running")
    job = await finish(client, video_id)
    assert job["status"] == "succeeded" and job["result"]["video_id"] == video_id
    assert (await client.get(f"/api/mv/get_video/{video_id}")).status_code == 200
    missing = await client.get("/api/mv/get_video/3f1c2a9e-8d4b-4c1e-9a57-2b6f0e4d8c11")
    assert missing.status_code == 404 and missing.json()["error"] == "NotFound"
    assert (await client.get("/api/mv/get_video/not-a-uuid")).status_code == 422


async def test_generate_video_validates_its_inputs(client: httpx.AsyncClient) -> None:
    unknown = "3f1c2a9e-8d4b-4c1e-9a57-2b6f0e4d8c11"
    cases = [
        ({"prompt": ""}, 422),
        ({"prompt": "x" * 4001}, 422),
        ({"prompt": "ok", "start_time": 3.0}, 422),
        ({"prompt": "ok", "audio_id": unknown, "start_time": 5.0, "end_time": 4.0}, 422),
        ({"prompt": "ok", "character_reference_id": "../../etc/passwd"}, 422),
        ({"prompt": "ok", "character_reference_id": unknown}, 404),
        ({"prompt": "ok", "audio_id": unknown}, 404),
        ({"prompt": "ok", "provider": "replicate"}, 400),
        ({"prompt": "ok", "provider": "other"}, 422),
    ]
    for body, status in cases:
        response = await client.post("/api/mv/generate_video", json=body)
        assert response.status_code == status, (body, response.text)
        assert set(response.json()) == {"error", "detail"}
    no_token = await client.post("/api/mv/generate_video", json={"prompt": "ok", "provider": "replicate"})
    assert "REPLICATE_API_TOKEN" in no_token.json()["detail"]

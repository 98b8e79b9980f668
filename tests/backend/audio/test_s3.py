"""Audio with an S3 mirror: uploaded under the seed keys, served by presigned URL, and S3 trouble is only a warning."""

from __future__ import annotations

import asyncio

import httpx

from s3_bucket import s3_object


async def test_upload_and_trim_are_mirrored_to_s3(app_client, s3_settings, s3_server, media):
    client = await app_client(**s3_settings, mv_serve_from_s3=True)
    services = client.app.state.services
    body = (await client.post("/api/audio/upload", files={"file": ("song.wav", media.tone(8.0, ext="wav").read_bytes())})).json()
    local = services.storage.path(f"audio/{body['audio_id']}.mp3").read_bytes()
    assert s3_object(s3_server, f"mv/outputs/audio/{body['audio_id']}.mp3") == local
    assert body["metadata"]["cloud_url"].startswith(s3_server)
    trim = await client.post("/api/audio/trim", json={"audio_id": body["audio_id"], "start_at": 2})
    assert trim.status_code == 200
    trimmed = trim.json()
    key = f"mv/outputs/audio/{trimmed['audio_id']}.mp3"
    assert s3_object(s3_server, key) == services.storage.path(f"audio/{trimmed['audio_id']}.mp3").read_bytes()
    cloud_url = trimmed["metadata"]["cloud_url"]
    async with httpx.AsyncClient() as plain:
        fetched = await plain.get(cloud_url)
    assert fetched.status_code == 200 and fetched.content == s3_object(s3_server, key)
    redirect = await client.get(f"/api/audio/get/{trimmed['audio_id']}")
    assert redirect.status_code == 307
    assert redirect.headers["location"].startswith(f"{s3_server}/encore-test/{key}")


async def test_s3_down_is_a_warning_and_local_serves(app_client, s3_down_settings, media):
    client = await app_client(**s3_down_settings, mv_serve_from_s3=True)
    upload = await client.post("/api/audio/upload", files={"file": ("song.mp3", media.tone(6.0).read_bytes())})
    assert upload.status_code == 200, upload.text
    body = upload.json()
    assert "cloud_url" not in body["metadata"]
    trim = await client.post("/api/audio/trim", json={"audio_id": body["audio_id"], "start_at": 1})
    assert trim.status_code == 200, trim.text
    assert "cloud_url" not in trim.json()["metadata"]
    served = await client.get(trim.json()["audio_url"])
    assert served.status_code == 200
    assert served.content == client.app.state.services.storage.path(f"audio/{trim.json()['audio_id']}.mp3").read_bytes()


async def test_silent_s3_times_out_while_other_requests_are_served(app_client, s3_silent, s3_slow_settings, media):
    client = await app_client(**s3_slow_settings)
    upload = asyncio.create_task(client.post("/api/audio/upload", files={"file": ("song.mp3", media.tone(6.0).read_bytes())}))
    for _ in range(200):
        if s3_silent.connections:
            break
        await asyncio.sleep(0.02)
    assert s3_silent.connections, "the upload never reached S3"
    health = await client.get("/healthz")
    assert health.status_code == 200
    assert not upload.done(), "health answered while the S3 upload was still waiting"
    answer = await asyncio.wait_for(upload, 20)
    assert answer.status_code == 200, answer.text
    assert "cloud_url" not in answer.json()["metadata"]
    served = await client.get(answer.json()["audio_url"])
    assert served.status_code == 200
    assert served.content == client.app.state.services.storage.path(f"audio/{answer.json()['audio_id']}.mp3").read_bytes()

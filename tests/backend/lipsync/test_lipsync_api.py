"""`POST /api/mv/lipsync`: ids and URLs, the window cut from the song, providers, and the v3.1 S3 upload."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest
import respx

from s3_bucket import s3_object
from fake_replicate import FakeReplicate, fake_replicate, install_standard_models, replicate_settings  # noqa: F401
from helpers_mv import finish
from media import MediaFactory, probe_duration
from stitch.clipkit import add_audio, add_video, beep_times, flash_clip, services_of, streams, video_duration

CLICK = 12.0
HOST = "media.example.test"


async def lipsync(client: httpx.AsyncClient, **body: Any) -> httpx.Response:
    """The lipsync answer; a job still running after the wait (a draft lipsync re-encodes its clip) is followed to its result."""
    response = await client.post("/api/mv/lipsync", params={"wait": 30}, json=body)
    if response.status_code != 202:
        return response
    job = await finish(client, response.json()["job_id"])
    assert job["status"] == "succeeded", job
    return httpx.Response(200, json=job["result"])


async def song_and_clip(client: httpx.AsyncClient, media: MediaFactory, tmp_path: Path) -> tuple[str, str]:
    services = services_of(client)
    return await add_video(services, flash_clip(tmp_path)), await add_audio(services, media.clicks(30.0, at=(CLICK,)))


def saved(client: httpx.AsyncClient, video_id: str) -> Path:
    path = services_of(client).storage.path(f"jobs/{video_id}/video.mp4")
    assert path.is_file()
    return path


@pytest.mark.parametrize("start", [10.0, 10.03, 9.517])
async def test_ids_cut_the_song_window_accurately(client: httpx.AsyncClient, media: MediaFactory, tmp_path: Path, start: float) -> None:
    video_id, audio_id = await song_and_clip(client, media, tmp_path)
    response = await lipsync(client, video_id=video_id, audio_id=audio_id, start_time=start, end_time=start + 4.0, provider="local")
    assert response.status_code == 200, response.text
    body = response.json()
    new_id = body["video_id"]
    assert new_id != video_id
    meta = body["metadata"]
    assert meta["provider"] == "local" and meta["draft"] is True
    assert meta["source_video_id"] == video_id and meta["audio_id"] == audio_id
    assert (meta["start_time"], meta["end_time"]) == (round(start, 3), round(start + 4.0, 3))
    out = saved(client, new_id)
    assert abs(video_duration(out) - 4.0) < 0.05
    clicks = beep_times(out, threshold=20000)
    assert len(clicks) == 1 and abs(clicks[0] - (CLICK - start)) < 0.05, clicks
    services = services_of(client)
    kept = await services.assets.get(video_id)
    assert kept is not None and kept.status == "succeeded" and services.storage.exists(kept.storage_key or "")
    made = await services.assets.get(new_id)
    assert made is not None and made.kind == "video" and made.parent_id == video_id
    served = await client.get(f"/api/mv/get_video/{new_id}")
    assert served.status_code == 200 and served.content == out.read_bytes()


async def test_default_window_is_the_clip_length_from_start(client: httpx.AsyncClient, media: MediaFactory, tmp_path: Path) -> None:
    video_id, audio_id = await song_and_clip(client, media, tmp_path)
    body = (await lipsync(client, video_id=video_id, audio_id=audio_id, start_time=10.0)).json()
    assert (body["metadata"]["start_time"], body["metadata"]["end_time"]) == (10.0, 14.0)


def samples(path: Path) -> list[int]:
    """Mono 16-bit samples at 48 kHz of a file's audio."""
    import array
    import subprocess

    raw = subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-i", str(path), "-map", "0:a:0", "-ac", "1", "-ar", "48000", "-f", "s16le", "-"],
                         check=True, capture_output=True).stdout
    return list(array.array("h", raw))


def loudest(values: list[int]) -> int:
    return max((abs(v) for v in values), default=0)


async def test_the_audio_is_exactly_the_window_then_silence(client: httpx.AsyncClient, media: MediaFactory, tmp_path: Path) -> None:
    services = services_of(client)
    video_id = await add_video(services, flash_clip(tmp_path))
    audio_id = await add_audio(services, media.clicks(30.0, at=(10.5, 12.5)))
    response = await lipsync(client, video_id=video_id, audio_id=audio_id, start_time=10.0, end_time=12.0)
    assert response.status_code == 200, response.text
    assert (response.json()["metadata"]["start_time"], response.json()["metadata"]["end_time"]) == (10.0, 12.0)
    out = saved(client, response.json()["video_id"])
    assert abs(video_duration(out) - 4.0) < 0.05
    clicks = beep_times(out, threshold=20000)
    assert len(clicks) == 1 and abs(clicks[0] - 0.5) < 0.05, f"only the click at 10.5 s is inside [10, 12): {clicks}"
    audio = samples(out)
    inside, after = audio[int(0.7 * 48000):int(1.9 * 48000)], audio[int(2.1 * 48000):int(3.9 * 48000)]
    assert loudest(inside) > 0.01 * 32768, "the song's quiet hum plays inside the window"
    assert loudest(after) < 0.002 * 32768, "after the window's end the clip is silent"


async def test_the_default_end_is_the_clip_length_in_the_audio_too(client: httpx.AsyncClient, media: MediaFactory, tmp_path: Path) -> None:
    services = services_of(client)
    video_id = await add_video(services, flash_clip(tmp_path))
    audio_id = await add_audio(services, media.clicks(30.0, at=(10.5, 12.5)))
    response = await lipsync(client, video_id=video_id, audio_id=audio_id, start_time=10.0)
    assert response.status_code == 200, response.text
    clicks = beep_times(saved(client, response.json()["video_id"]), threshold=20000)
    assert [round(c, 1) for c in clicks] == [0.5, 2.5], clicks


async def test_an_id_wins_over_a_url(client: httpx.AsyncClient, media: MediaFactory, tmp_path: Path) -> None:
    video_id, audio_id = await song_and_clip(client, media, tmp_path)
    response = await lipsync(client, video_id=video_id, video_url="http://127.0.0.1/x.mp4", audio_id=audio_id,
                             audio_url="file:///etc/passwd", start_time=10.0, end_time=14.0)
    assert response.status_code == 200, response.text
    assert response.json()["metadata"]["source_video_id"] == video_id


@pytest.mark.parametrize(
    ("body", "status", "words"),
    [
        ({"audio_id": "00000000-0000-4000-8000-000000000009"}, 422, "video_id or video_url"),
        ({"video_id": "00000000-0000-4000-8000-000000000009"}, 422, "audio_id or audio_url"),
        ({"start_time": 8.0, "end_time": 8.0}, 422, "end_time must be after start_time"),
        ({"start_time": -1.0, "end_time": 3.0}, 422, "negative"),
        ({"start_time": 30.0, "end_time": 34.0}, 400, "past the end of the song"),
        ({"start_time": 26.0, "end_time": 34.0}, 400, "end_time (34 s) is past the end of the song"),
    ],
)
async def test_bad_windows_and_missing_sources_say_why(client: httpx.AsyncClient, media: MediaFactory, tmp_path: Path,
                                                       body: dict[str, Any], status: int, words: str) -> None:
    video_id, audio_id = await song_and_clip(client, media, tmp_path)
    full = {"video_id": video_id, "audio_id": audio_id, **body} if "video_id" not in body and "audio_id" not in body else body
    before = await services_of(client).assets.count("video")
    response = await lipsync(client, **full)
    assert response.status_code == status, response.text
    assert words in response.json()["detail"]
    assert await services_of(client).assets.count("video") == before


async def test_unknown_and_unfinished_ids(client: httpx.AsyncClient, media: MediaFactory, tmp_path: Path) -> None:
    video_id, audio_id = await song_and_clip(client, media, tmp_path)
    missing = "00000000-0000-4000-8000-00000000000a"
    response = await lipsync(client, video_id=missing, audio_id=audio_id)
    assert response.status_code == 404 and missing in response.json()["detail"]
    response = await lipsync(client, video_id=video_id, audio_id=missing)
    assert response.status_code == 404
    running = await add_video(services_of(client), flash_clip(tmp_path), status="running")
    response = await lipsync(client, video_id=running, audio_id=audio_id)
    assert response.status_code == 409 and running in response.json()["detail"]


@pytest.mark.parametrize(
    "url",
    [
        f"http://{HOST}/clip.mp4",
        "https://elsewhere.example.org/clip.mp4",
        "https://user:pw@media.example.test/clip.mp4",
        "file:///etc/passwd",
        "https://127.0.0.1/clip.mp4",
        "not a url",
    ],
)
async def test_urls_must_be_https_on_an_allowed_host(app_client: Any, media: MediaFactory, tmp_path: Path, url: str) -> None:
    client = await app_client(mv_download_hosts=HOST)
    _, audio_id = await song_and_clip(client, media, tmp_path)
    response = await lipsync(client, video_url=url, audio_id=audio_id)
    assert response.status_code == 400, response.text
    assert response.json()["error"] == "UrlRefused"
    assert url not in response.json()["detail"]


async def test_default_host_resolving_to_a_private_address_is_refused(client: httpx.AsyncClient, media: MediaFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import socket

    monkeypatch.setattr(socket, "getaddrinfo", lambda *a, **k: [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.0.0.7", 443))])
    _, audio_id = await song_and_clip(client, media, tmp_path)
    response = await lipsync(client, video_url="https://pbxt.replicate.delivery/abc/out.mp4", audio_id=audio_id)
    assert response.status_code == 400 and "private or local" in response.json()["detail"]


async def test_the_connection_goes_to_the_address_that_was_checked(client: httpx.AsyncClient, media: MediaFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import socket

    import httpcore

    _, audio_id = await song_and_clip(client, media, tmp_path)
    answers = iter(["93.184.216.34"] + ["127.0.0.1"] * 10)  # public when checked, loopback on any later lookup
    lookups: list[str] = []
    connected: list[str] = []

    def rebinding_dns(host: str, port: int, *args: Any, **kwargs: Any) -> list[Any]:
        lookups.append(host)
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (next(answers), port))]

    async def no_network(self: Any, host: str, port: int, *args: Any, **kwargs: Any) -> Any:
        connected.append(host)
        raise httpcore.ConnectError("tests never leave loopback")

    monkeypatch.setattr(socket, "getaddrinfo", rebinding_dns)
    monkeypatch.setattr(httpcore.AnyIOBackend, "connect_tcp", no_network)
    response = await lipsync(client, video_url="https://pbxt.replicate.delivery/abc/out.mp4", audio_id=audio_id)
    assert connected == ["93.184.216.34"], "the connection must go to the address that was checked, not a fresh lookup"
    assert lookups == ["pbxt.replicate.delivery"]
    assert response.status_code == 502, response.text
    assert response.json()["detail"] == "The video_url could not be fetched."


async def test_urls_are_fetched_server_side_then_used_as_local_files(app_client: Any, media: MediaFactory, tmp_path: Path) -> None:
    client = await app_client(mv_download_hosts=HOST)
    clip_bytes = flash_clip(tmp_path).read_bytes()
    song_bytes = media.clicks(30.0, at=(CLICK,)).read_bytes()
    with respx.mock(assert_all_called=True) as router:
        router.get(f"https://{HOST}/clip.mp4").respond(200, content=clip_bytes, headers={"content-type": "video/mp4"})
        router.get(f"https://{HOST}/go").respond(302, headers={"location": f"https://{HOST}/song.mp3"})
        router.get(f"https://{HOST}/song.mp3").respond(200, content=song_bytes, headers={"content-type": "audio/mpeg"})
        response = await lipsync(client, video_url=f"https://{HOST}/clip.mp4", audio_url=f"https://{HOST}/go", start_time=10.0, end_time=14.0)
    assert response.status_code == 200, response.text
    meta = response.json()["metadata"]
    assert meta["source_video_id"] is None
    song = await services_of(client).assets.get(meta["audio_id"])
    assert song is not None and song.kind == "audio", "the fetched song becomes an audio asset"
    out = saved(client, response.json()["video_id"])
    clicks = beep_times(out, threshold=20000)
    assert len(clicks) == 1 and abs(clicks[0] - 2.0) < 0.05


async def test_a_redirect_off_the_allowlist_is_refused(app_client: Any, media: MediaFactory, tmp_path: Path) -> None:
    client = await app_client(mv_download_hosts=HOST)
    _, audio_id = await song_and_clip(client, media, tmp_path)
    with respx.mock() as router:
        router.get(f"https://{HOST}/clip.mp4").respond(302, headers={"location": "https://169.254.169.254/latest/meta-data"})
        response = await lipsync(client, video_url=f"https://{HOST}/clip.mp4", audio_id=audio_id)
    assert response.status_code == 400 and response.json()["error"] == "UrlRefused"


async def test_a_fetched_file_that_is_not_media_fails_cleanly(app_client: Any, media: MediaFactory, tmp_path: Path) -> None:
    client = await app_client(mv_download_hosts=HOST)
    _, audio_id = await song_and_clip(client, media, tmp_path)
    with respx.mock() as router:
        router.get(f"https://{HOST}/clip.mp4").respond(200, content=b"<html>not a video</html>")
        response = await lipsync(client, video_url=f"https://{HOST}/clip.mp4", audio_id=audio_id)
    assert response.status_code == 422 and response.json()["error"] == "MediaError"


# ---- Replicate --------------------------------------------------------------------------------


def _lipsync_input(fake: FakeReplicate) -> dict[str, Any]:
    (create,) = fake.creates("sync/lipsync-2-pro")
    return dict(create.body["input"])


async def _fetch_to(url: str, path: Path) -> Path:
    async with httpx.AsyncClient() as plain:
        response = await plain.get(url)
    assert response.status_code == 200
    path.write_bytes(response.content)
    return path


async def test_replicate_receives_fetchable_files_api_inputs_of_the_window_length(
    app_client: Any, fake_replicate: FakeReplicate, media: MediaFactory, tmp_path: Path  # noqa: F811
) -> None:
    install_standard_models(fake_replicate, image=media.image(name="ls.png").read_bytes(), video=flash_clip(tmp_path).read_bytes())
    client = await app_client(**replicate_settings(fake_replicate))
    video_id, audio_id = await song_and_clip(client, media, tmp_path)
    response = await lipsync(client, video_id=video_id, audio_id=audio_id, start_time=10.25, end_time=14.25)
    assert response.status_code == 200, response.text
    meta = response.json()["metadata"]
    assert meta["provider"] == "replicate" and meta["model"] == "sync/lipsync-2-pro" and meta["draft"] is False
    assert meta["prediction_id"]
    sent = _lipsync_input(fake_replicate)
    assert sent["sync_mode"] == "cut_off" and sent["temperature"] == 0.5, "parameters come from the flavor"
    for key in ("video", "audio"):
        assert sent[key].startswith(fake_replicate.root + "/files/"), "uploaded through Replicate's files API"
    assert {status for url, status, _ in fake_replicate.fetched if url in (sent["video"], sent["audio"])} == {200}
    audio = await _fetch_to(sent["audio"], tmp_path / "sent.wav")
    assert abs(probe_duration(audio) - 4.0) < 0.05
    assert [round(t, 2) for t in beep_times(audio, threshold=20000)] == [round(CLICK - 10.25, 2)]
    video = await _fetch_to(sent["video"], tmp_path / "sent.mp4")
    assert video.read_bytes() == saved(client, video_id).read_bytes()
    out = saved(client, response.json()["video_id"])
    assert streams(out, "video")


async def test_replicate_inputs_are_presigned_s3_urls_when_a_bucket_is_set(
    app_client: Any, fake_replicate: FakeReplicate, s3_settings: dict[str, Any], media: MediaFactory, tmp_path: Path  # noqa: F811
) -> None:
    install_standard_models(fake_replicate, image=media.image(name="ls.png").read_bytes(), video=flash_clip(tmp_path).read_bytes())
    client = await app_client(**replicate_settings(fake_replicate), **s3_settings)
    video_id, audio_id = await song_and_clip(client, media, tmp_path)
    response = await lipsync(client, video_id=video_id, audio_id=audio_id, start_time=4.0, end_time=8.0)
    assert response.status_code == 200, response.text
    sent = _lipsync_input(fake_replicate)
    for key in ("video", "audio"):
        assert sent[key].startswith(str(s3_settings["s3_endpoint_url"])) and "Signature" in sent[key]
    audio = await _fetch_to(sent["audio"], tmp_path / "sent.wav")
    assert abs(probe_duration(audio) - 4.0) < 0.05


async def test_replicate_failure_fails_the_job_and_keeps_the_input(
    app_client: Any, fake_replicate: FakeReplicate, media: MediaFactory, tmp_path: Path  # noqa: F811
) -> None:
    install_standard_models(fake_replicate, image=media.image(name="ls.png").read_bytes(), video=flash_clip(tmp_path).read_bytes())
    fake_replicate.finish_next("sync/lipsync-2-pro", "failed", "no face found")
    client = await app_client(**replicate_settings(fake_replicate))
    video_id, audio_id = await song_and_clip(client, media, tmp_path)
    response = await lipsync(client, video_id=video_id, audio_id=audio_id, start_time=0.0, end_time=4.0)
    assert response.status_code == 502 and "no face found" in response.json()["detail"]
    kept = await services_of(client).assets.get(video_id)
    assert kept is not None and kept.status == "succeeded"


# ---- v3.1: S3 upload ----------------------------------------------------------------------------


async def test_result_uploads_to_s3_and_video_url_is_the_cloud_url(app_client: Any, s3_settings: dict[str, Any], media: MediaFactory, tmp_path: Path) -> None:
    client = await app_client(**s3_settings)
    video_id, audio_id = await song_and_clip(client, media, tmp_path)
    response = await lipsync(client, video_id=video_id, audio_id=audio_id, start_time=10.0, end_time=14.0)
    assert response.status_code == 200, response.text
    body = response.json()
    new_id, meta = body["video_id"], body["metadata"]
    stored = s3_object(str(s3_settings["s3_endpoint_url"]), f"mv/jobs/{new_id}/video.mp4")
    assert stored is not None and stored == saved(client, new_id).read_bytes()
    assert meta["local_video_url"] == f"/api/mv/get_video/{new_id}"
    assert meta["cloud_url"] == meta["cloud_urls"]["video"] == body["video_url"]
    assert body["video_url"].startswith(str(s3_settings["s3_endpoint_url"]))
    async with httpx.AsyncClient() as plain:
        fetched = await plain.get(body["video_url"])
    assert fetched.status_code == 200 and fetched.content == stored


async def test_s3_down_is_a_warning_and_the_local_url_serves(app_client: Any, s3_down_settings: dict[str, Any], media: MediaFactory, tmp_path: Path) -> None:
    client = await app_client(**s3_down_settings)
    video_id, audio_id = await song_and_clip(client, media, tmp_path)
    response = await lipsync(client, video_id=video_id, audio_id=audio_id, start_time=10.0, end_time=14.0)
    assert response.status_code == 200, response.text
    body = response.json()
    local = f"/api/mv/get_video/{body['video_id']}"
    assert body["video_url"] == body["metadata"]["local_video_url"] == local
    assert body["metadata"]["cloud_url"] is None and body["metadata"]["cloud_urls"] == {}
    assert (await client.get(local)).status_code == 200


async def test_without_a_bucket_metadata_still_names_the_local_url(client: httpx.AsyncClient, media: MediaFactory, tmp_path: Path) -> None:
    video_id, audio_id = await song_and_clip(client, media, tmp_path)
    body = (await lipsync(client, video_id=video_id, audio_id=audio_id, start_time=10.0, end_time=14.0)).json()
    assert body["video_url"] == body["metadata"]["local_video_url"] == f"/api/mv/get_video/{body['video_id']}"
    assert body["metadata"]["cloud_urls"] == {} and body["metadata"]["cloud_url"] is None

"""Importing songs by link: yt-dlp against a loopback server on the allowlist, and every refusal."""

from __future__ import annotations

from pathlib import Path

import pytest

from loopback_http import LoopbackServer, file_reply, redirect
from mv.audio.urls import check_url
from mv.core.errors import BadRequest

HOSTILE = "/..%2F..%2F%24%28touch%20pwned%29.mp3"


@pytest.fixture
def server(media):
    song = media.clicks(20.0, at=(5.0,))
    with LoopbackServer({"/song.mp3": file_reply(song), HOSTILE: file_reply(song), "/notes.txt": file_reply(media.text("hello", "notes.txt"))}) as srv:
        yield srv


def stored_files(client) -> list[str]:
    root = client.app.state.services.storage.root
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


async def test_download_from_an_allowlisted_host(app_client, server):
    client = await app_client(mv_download_hosts=f"127.0.0.1:{server.port}", mv_download_allow_private=True)
    response = await client.post("/api/audio/download?wait=30", json={"url": server.url("/song.mp3"), "audio_quality": "128"})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["title"] == "song"
    assert body["duration"] == pytest.approx(20.0, abs=0.05)
    assert body["metadata"]["source"] == "download"
    assert stored_files(client) == [f"audio/{body['audio_id']}.mp3"]
    asset = await client.app.state.services.assets.get(body["audio_id"])
    assert asset.job_id is not None
    job = (await client.get(f"/api/jobs/{asset.job_id}")).json()
    assert job["kind"] == "audio_download" and job["status"] == "succeeded" and job["progress"] == 1.0
    assert job["result"] == body
    assert server.paths and all(p == "/song.mp3" for p in server.paths)


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
async def test_allowlisted_host_on_a_loopback_address_needs_the_private_flag(app_client, server, host):
    client = await app_client(mv_download_hosts=f"{host}:{server.port}")
    response = await client.post("/api/audio/download?wait=30", json={"url": server.url("/song.mp3", host=host)})
    assert response.status_code == 400, response.text
    assert response.json() == {"error": "BadRequest", "detail": "The link's host resolves to a private or local address."}
    assert server.connections == 0 and server.paths == []
    assert await client.app.state.services.jobs.unfinished() == [] and stored_files(client) == []


async def test_download_answers_202_then_finishes(app_client, server):
    client = await app_client(mv_download_hosts="127.0.0.1", mv_download_allow_private=True)
    response = await client.post("/api/audio/download?wait=0", json={"url": server.url("/song.mp3")})
    assert response.status_code == 202
    job_id = response.json()["job_id"]
    assert response.json()["status_url"] == f"/api/jobs/{job_id}"
    job = await client.app.state.services.runner.wait(job_id, 30)
    assert job.status == "succeeded" and job.result["duration"] == pytest.approx(20.0, abs=0.05)


async def test_hostile_title_lands_under_its_uuid(app_client, server, tmp_path):
    client = await app_client(mv_download_hosts=f"127.0.0.1:{server.port}", mv_download_allow_private=True)
    response = await client.post("/api/audio/download?wait=30", json={"url": server.url(HOSTILE)})
    assert response.status_code == 200, response.text
    body = response.json()
    assert "$(touch pwned)" in body["title"]
    assert stored_files(client) == [f"audio/{body['audio_id']}.mp3"]
    assert not list(tmp_path.rglob("pwned")) and not Path("pwned").exists()


@pytest.mark.parametrize("url", [
    "file:///etc/passwd",
    "http://169.254.169.254/latest/meta-data/",
    "http://[::1]/",
    "http://[::1]:{port}/song.mp3",
    "http://127.0.0.1:{port}/song.mp3",
    "http://localhost:{port}/song.mp3",
    "https://example.com/song.mp3",
    "https://www.youtube.com.evil.example/watch?v=abc",
    "https://youtube.com@127.0.0.1:{port}/song.mp3",
    "https://www.youtube.com:{port}/watch?v=abc",
    "https://www.youtube.com/playlist?list=PL1234567890",
    "ftp://youtube.com/watch?v=abc",
])
async def test_refused_links_are_400_with_no_request_made(client, server, url):
    response = await client.post("/api/audio/download", json={"url": url.format(port=server.port)})
    assert response.status_code == 400, response.text
    assert response.json()["error"] == "BadRequest"
    assert server.paths == []
    assert await client.app.state.services.jobs.unfinished() == []


async def test_playlist_link_is_refused_clearly(client):
    response = await client.post("/api/audio/download", json={"url": "https://www.youtube.com/playlist?list=PLabc"})
    assert response.status_code == 400
    assert "Playlist" in response.json()["detail"]


async def test_redirect_off_the_allowlist_is_refused(app_client, media, server):
    with LoopbackServer({"/song.mp3": file_reply(media.clicks(20.0, at=(5.0,)))}) as target, \
            LoopbackServer({"/go": redirect(target.url("/song.mp3"))}) as hop:
        client = await app_client(mv_download_hosts=f"127.0.0.1:{hop.port}", mv_download_allow_private=True)
        response = await client.post("/api/audio/download?wait=30", json={"url": hop.url("/go")})
        assert response.status_code == 400, response.text
        assert "host" in response.json()["detail"]
        assert hop.paths == ["/go"] and target.paths == [] and target.connections == 0
        assert stored_files(client) == []


async def test_non_audio_at_an_allowed_link_fails_cleanly(app_client, server):
    client = await app_client(mv_download_hosts=f"127.0.0.1:{server.port}", mv_download_allow_private=True)
    response = await client.post("/api/audio/download?wait=30", json={"url": server.url("/notes.txt")})
    assert response.status_code in (400, 415), response.text
    assert stored_files(client) == []


async def test_oversize_download_is_refused(app_client, media):
    with LoopbackServer({"/big.mp3": file_reply(media.tone(120.0, ext="wav"))}) as big:
        client = await app_client(mv_download_hosts=f"127.0.0.1:{big.port}", mv_download_allow_private=True, mv_max_upload_mb=1)
        response = await client.post("/api/audio/download?wait=30", json={"url": big.url("/big.mp3")})
        assert response.status_code == 413, response.text
        assert stored_files(client) == []


@pytest.mark.parametrize("url", [
    "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
    "https://youtube.com/watch?v=dQw4w9WgXcQ&list=PL1",
    "https://m.youtube.com/watch?v=dQw4w9WgXcQ",
    "https://music.youtube.com/watch?v=dQw4w9WgXcQ",
    "https://youtu.be/dQw4w9WgXcQ",
    "https://www.youtube.com/shorts/abcDEF12345",
])
def test_youtube_links_pass_the_offline_check(url):
    target = check_url(url, frozenset())
    assert target.youtube


@pytest.mark.parametrize("allowed, url, ok", [
    ({"127.0.0.1"}, "http://127.0.0.1:9/x.mp3", True),
    ({"127.0.0.1:8000"}, "http://127.0.0.1:9/x.mp3", False),
    ({"media.example"}, "https://media.example/x.mp3", True),
    (set(), "https://youtu.be/", False),
])
def test_allowlist_matching(allowed, url, ok):
    if ok:
        assert not check_url(url, frozenset(allowed)).youtube
    else:
        with pytest.raises(BadRequest):
            check_url(url, frozenset(allowed))

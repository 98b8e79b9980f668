"""Lipsync URLs: a name that resolves privately is refused before any connection (allowlisted or not); bodies are cut at the cap."""

from __future__ import annotations

from typing import Any

import httpcore
import httpx
import pytest
import respx

from fake_dns import PRIVATE_ANSWERS, FakeDns, always
from media import MediaFactory
from stitch.clipkit import add_video, services_of

HOST = "media.example.test"
REPLICATE_FILE = "https://pbxt.replicate.delivery/abc/song.mp3"
ALLOWED_FILE = f"https://{HOST}/song.mp3"
CASES = pytest.mark.parametrize("answers", list(PRIVATE_ANSWERS.values()), ids=list(PRIVATE_ANSWERS))


def record_connections(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every address the lipsync fetch opens a connection to; none is ever made."""
    connected: list[str] = []

    async def no_network(self: Any, host: str, port: int, *args: Any, **kwargs: Any) -> Any:
        connected.append(host)
        raise httpcore.ConnectError("tests never leave the machine")

    monkeypatch.setattr(httpcore.AnyIOBackend, "connect_tcp", no_network)
    return connected


async def lipsync_song_url(client: httpx.AsyncClient, media: MediaFactory, url: str) -> httpx.Response:
    video_id = await add_video(services_of(client), media.video(4.0, size="320x240"))
    return await client.post("/api/mv/lipsync", params={"wait": 30}, json={"video_id": video_id, "audio_url": url, "provider": "local"})


def refused_as_private(response: httpx.Response) -> bool:
    body = response.json()
    return response.status_code == 400 and body["error"] == "UrlRefused" and "private or local" in body["detail"]


@CASES
async def test_replicate_file_host_resolving_privately_is_never_connected(app_client: Any, media: MediaFactory,
                                                                           monkeypatch: pytest.MonkeyPatch, answers: list[str]) -> None:
    client = await app_client(mv_download_hosts=HOST, mv_download_allow_private=True)
    connected = record_connections(monkeypatch)
    dns = FakeDns(monkeypatch, always(answers))
    response = await lipsync_song_url(client, media, REPLICATE_FILE)
    assert refused_as_private(response), response.text
    assert dns.lookups == ["pbxt.replicate.delivery"] and connected == []


@CASES
async def test_allowlisted_host_resolving_privately_is_never_connected(app_client: Any, media: MediaFactory,
                                                                        monkeypatch: pytest.MonkeyPatch, answers: list[str]) -> None:
    client = await app_client(mv_download_hosts=HOST)
    connected = record_connections(monkeypatch)
    dns = FakeDns(monkeypatch, always(answers))
    response = await lipsync_song_url(client, media, ALLOWED_FILE)
    assert refused_as_private(response), response.text
    assert dns.lookups == [HOST] and connected == []


async def test_the_private_flag_lets_allowlisted_hosts_reach_their_private_address(app_client: Any, media: MediaFactory,
                                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    client = await app_client(mv_download_hosts=HOST, mv_download_allow_private=True)
    connected = record_connections(monkeypatch)
    FakeDns(monkeypatch, always(["10.20.30.40"]))
    response = await lipsync_song_url(client, media, ALLOWED_FILE)
    assert response.status_code == 502, response.text
    assert connected == ["10.20.30.40"], "the connection goes to the address that was resolved, not the name"


@pytest.mark.parametrize("headers", [{}, {"content-length": "1000"}], ids=["no-length", "lying-length"])
async def test_a_fetched_body_is_cut_at_the_cap_whatever_its_headers_say(app_client: Any, media: MediaFactory, headers: dict[str, str]) -> None:
    client = await app_client(mv_download_hosts=HOST, mv_max_upload_mb=1)
    services = services_of(client)
    songs_before = await services.assets.count("audio")
    produced = {"bytes": 0}

    async def endless() -> Any:
        for _ in range(1024):
            produced["bytes"] += 65536
            yield b"\0" * 65536

    with respx.mock() as router:
        router.get(ALLOWED_FILE).mock(return_value=httpx.Response(200, headers=headers, content=endless()))
        response = await lipsync_song_url(client, media, ALLOWED_FILE)
    assert response.status_code == 413 and response.json()["error"] == "PayloadTooLarge", response.text
    assert produced["bytes"] <= 2 * 2**20, "the fetch stops reading at the cap"
    assert await services.assets.count("audio") == songs_before

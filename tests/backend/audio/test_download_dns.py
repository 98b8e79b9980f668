"""URL imports and private addresses: whatever a name resolves to, imports never connect to a private, loopback or link-local address."""

from __future__ import annotations

import pytest

from fake_dns import PRIVATE_ANSWERS, PUBLIC_V4, FakeDns, always, public_first
from mv.audio.urls import resolve
from mv.core.errors import BadRequest

YOUTUBE = "https://www.youtube.com/watch?v=dQw4w9WgXcQ"
ALLOWED_HOST = "media.example.test"
ALLOWED = f"https://{ALLOWED_HOST}/song.mp3"
PRIVATE = {"error": "BadRequest", "detail": "The link's host resolves to a private or local address."}
CASES = pytest.mark.parametrize("answers", list(PRIVATE_ANSWERS.values()), ids=list(PRIVATE_ANSWERS))


@CASES
def test_resolution_refuses_every_non_public_answer(monkeypatch, answers):
    dns = FakeDns(monkeypatch, always(answers))
    with pytest.raises(BadRequest):
        resolve("media.example.test", 443)
    assert dns.lookups == ["media.example.test"]


@pytest.mark.parametrize("answers", [[PUBLIC_V4], ["2606:2800:220:1:248:1893:25c8:1946"], [PUBLIC_V4, "2606:4700::1111"]])
def test_resolution_returns_public_answers(monkeypatch, answers):
    FakeDns(monkeypatch, always(answers))
    assert [address for _, address in resolve("media.example.test", 443)] == answers


@CASES
async def test_youtube_link_resolving_privately_is_refused_before_queueing(client, monkeypatch, answers):
    dns = FakeDns(monkeypatch, always(answers))
    response = await client.post("/api/audio/download?wait=30", json={"url": YOUTUBE})
    assert (response.status_code, response.json()) == (400, PRIVATE)
    assert dns.lookups == ["www.youtube.com"] and dns.connections == []
    assert await client.app.state.services.jobs.unfinished() == []


@CASES
async def test_youtube_host_rebinding_to_a_private_address_is_refused_at_connect(client, monkeypatch, answers):
    dns = FakeDns(monkeypatch, public_first(answers))
    response = await client.post("/api/audio/download?wait=30", json={"url": YOUTUBE})
    assert (response.status_code, response.json()) == (400, PRIVATE)
    assert len(dns.lookups) >= 2, "the import resolves the name again when it connects"
    assert dns.connections == []


@CASES
async def test_allowlisted_host_resolving_privately_is_refused_before_queueing(app_client, monkeypatch, answers):
    client = await app_client(mv_download_hosts=ALLOWED_HOST)
    dns = FakeDns(monkeypatch, always(answers))
    response = await client.post("/api/audio/download?wait=30", json={"url": ALLOWED})
    assert (response.status_code, response.json()) == (400, PRIVATE)
    assert dns.lookups == [ALLOWED_HOST] and dns.connections == []
    assert await client.app.state.services.jobs.unfinished() == []


@CASES
async def test_allowlisted_host_rebinding_to_a_private_address_is_refused_at_connect(app_client, monkeypatch, answers):
    client = await app_client(mv_download_hosts=ALLOWED_HOST)
    dns = FakeDns(monkeypatch, public_first(answers))
    response = await client.post("/api/audio/download?wait=30", json={"url": ALLOWED})
    assert (response.status_code, response.json()) == (400, PRIVATE)
    assert dns.lookups == [ALLOWED_HOST, ALLOWED_HOST] and dns.connections == []


async def test_the_import_connects_to_the_address_it_checked(app_client, monkeypatch):
    client = await app_client(mv_download_hosts=ALLOWED_HOST)
    dns = FakeDns(monkeypatch, lambda host, nth: [PUBLIC_V4] if nth <= 2 else ["127.0.0.1"])
    response = await client.post("/api/audio/download?wait=30", json={"url": ALLOWED})
    assert response.status_code in (400, 502), response.text
    assert dns.connections, "the vetted public address is tried"
    assert {address[0] for address in dns.connections} == {PUBLIC_V4}, "never a fresh lookup that now answers loopback"


async def test_the_private_flag_opens_allowlisted_hosts_only(app_client, monkeypatch):
    client = await app_client(mv_download_hosts=ALLOWED_HOST, mv_download_allow_private=True)
    dns = FakeDns(monkeypatch, always(["10.20.30.40"]))
    youtube = await client.post("/api/audio/download?wait=30", json={"url": YOUTUBE})
    assert (youtube.status_code, youtube.json()) == (400, PRIVATE)
    assert dns.connections == []
    allowed = await client.post("/api/audio/download?wait=30", json={"url": ALLOWED})
    assert allowed.status_code == 502, allowed.text
    assert dns.connections and {address[0] for address in dns.connections} == {"10.20.30.40"}

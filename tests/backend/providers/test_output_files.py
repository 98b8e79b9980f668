"""Output files: the token goes only to the API's own origin, never to the file host or anywhere else, and no hop leaves http(s)."""

from __future__ import annotations

import asyncio
import dataclasses
import socket
import threading
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from fake_replicate import FakeReplicate, replicate_settings
from helpers_mv import finish, standard_fake
from media import MediaFactory
from mv.providers.replicate.hosts import origin

VEO = "google/veo-3.1"
REFUSED = "The model pointed at an output file outside Replicate's file host."


@pytest.fixture
def fake(fake_replicate: FakeReplicate, media: MediaFactory) -> FakeReplicate:
    return standard_fake(fake_replicate, media)


@pytest.fixture
async def client(app_client: Callable[..., Any], fake: FakeReplicate) -> httpx.AsyncClient:
    """An app whose provider takes the fake's second origin as Replicate's file host (as it takes replicate.delivery)."""
    client = await app_client(**replicate_settings(fake))
    files = client.app.state.services.providers.get("replicate").files  # type: ignore[attr-defined]
    delivery = origin(httpx.URL(fake.delivery_root))
    files.hosts = dataclasses.replace(files.hosts, delivery=lambda url: origin(url) == delivery)
    return client


async def _clip_from(client: httpx.AsyncClient, fake: FakeReplicate, output: str) -> dict[str, Any]:
    fake.model(VEO, dataclasses.replace(fake.models[VEO], output=output))
    answer = await client.post("/api/mv/generate_video?wait=0", json={"prompt": "Wide shot of the stage"})
    assert answer.status_code == 202, answer.text
    return await finish(client, answer.json()["job_id"])


def _fetches(fake: FakeReplicate, name: str) -> list[Any]:
    return [r for r in fake.requests if r.method == "GET" and r.path.rsplit("/", 1)[-1] == name]


async def test_the_token_goes_to_the_apis_own_files_and_never_to_the_file_host(
    client: httpx.AsyncClient, fake: FakeReplicate, media: MediaFactory
) -> None:
    video = media.video(2.0).read_bytes()
    on_api = await _clip_from(client, fake, fake.add_output("api.mp4", video, "video/mp4"))
    on_host = await _clip_from(client, fake, fake.add_output("cdn.mp4", video, "video/mp4", on="delivery"))
    fake.add_output("hop.mp4", b"", "video/mp4")
    fake.redirect_output("hop.mp4", fake.add_output("landed.mp4", video, "video/mp4", on="delivery"))
    redirected = await _clip_from(client, fake, f"{fake.base_url}/files/hop.mp4")
    for job in (on_api, on_host, redirected):
        assert job["status"] == "succeeded", job
    token = f"Bearer {fake.token}"
    assert [r.headers.get("authorization") for r in _fetches(fake, "api.mp4")] == [token]
    assert [r.headers.get("authorization") for r in _fetches(fake, "hop.mp4")] == [token]
    for name in ("cdn.mp4", "landed.mp4"):
        [fetch] = _fetches(fake, name)
        assert fetch.host == "delivery" and "authorization" not in fetch.headers


async def test_the_token_never_follows_a_redirect_to_another_host(client: httpx.AsyncClient, fake: FakeReplicate, media: MediaFactory) -> None:
    elsewhere = FakeReplicate().start()
    try:
        planted = elsewhere.add_output("meta.mp4", media.video(1.0).read_bytes(), "video/mp4", on="delivery")
        fake.add_output("moved.mp4", b"", "video/mp4")
        fake.redirect_output("moved.mp4", planted)
        job = await _clip_from(client, fake, f"{fake.base_url}/files/moved.mp4")
    finally:
        elsewhere.stop()
    assert job["status"] == "failed" and job["error"]["detail"] == REFUSED
    assert elsewhere.requests == []


class Listener:
    """A loopback TCP port that counts the connections it is offered."""

    def __init__(self) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.connections += 1
            conn.close()


@pytest.fixture
def listener() -> Iterator[Listener]:
    server = Listener()
    yield server
    server.sock.close()


@pytest.mark.parametrize("target", ["ftp://127.0.0.1:{port}/video.mp4", "gopher://127.0.0.1:{port}/_GET", "file:///etc/passwd"])
async def test_a_redirect_off_http_is_refused_before_any_connection(
    client: httpx.AsyncClient, fake: FakeReplicate, listener: Listener, target: str
) -> None:
    fake.add_output("scheme.mp4", b"", "video/mp4")
    fake.redirect_output("scheme.mp4", target.format(port=listener.port))
    job = await _clip_from(client, fake, f"{fake.base_url}/files/scheme.mp4")
    assert job["status"] == "failed"
    assert job["error"] == {"error": "UpstreamError", "detail": REFUSED}
    await asyncio.sleep(0.2)
    assert listener.connections == 0
    assert len(_fetches(fake, "scheme.mp4")) == 1, "a refused hop is not retried"

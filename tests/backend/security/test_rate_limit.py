"""Generation endpoints are rate limited per client with 429 and Retry-After; a client cannot pick its own identity."""

from __future__ import annotations

import uuid

import pytest

SCENES = {"idea": "a rooftop show", "character_description": "a singer in a green coat"}
PAID_ROUTES = [
    "/api/mv/create_scenes",
    "/api/mv/generate_character_reference",
    "/api/mv/generate_video",
    "/api/mv/lipsync",
    "/api/mv/stitch_video",
    "/api/audio/analyse/5f0c7d2e-4a8b-4c39-9d61-2b7e8f1a3c44",
]
TOKEN = "proxy-token-for-this-run"


def from_peer(client, host: str) -> None:
    """Make the test client's requests arrive from `host`."""
    client._transport.client = (host, 40000)  # type: ignore[attr-defined]


def forged() -> str:
    """A fresh, made-up client address."""
    return f"198.51.100.{uuid.uuid4().int % 250 + 1}, 203.0.113.{uuid.uuid4().int % 250 + 1}"


async def test_paid_endpoints_answer_429_with_retry_after(app_client) -> None:
    client = await app_client(mv_rate_limit_per_minute=3)
    from_peer(client, "203.0.113.50")
    for _ in range(3):
        assert (await client.post("/api/mv/create_scenes?wait=10", json=SCENES)).status_code == 200
    refused = await client.post("/api/mv/generate_video?wait=0", json={"prompt": "a rooftop show"})
    assert refused.status_code == 429
    assert refused.json()["error"] == "RateLimited"
    assert refused.headers["retry-after"] == "20", "3 a minute refill one request every 20 s"
    for _ in range(5):
        assert (await client.get("/api/mv/get_config_flavors")).status_code == 200


@pytest.mark.parametrize("route", PAID_ROUTES)
async def test_every_paid_route_is_rate_limited(app_client, route: str) -> None:
    client = await app_client(mv_rate_limit_per_minute=1)
    from_peer(client, "203.0.113.60")
    first = await client.post(f"{route}?wait=0", json={})
    second = await client.post(f"{route}?wait=0", json={})
    assert first.status_code != 429
    assert second.status_code == 429 and second.json()["error"] == "RateLimited", f"{route} is not rate limited"


@pytest.mark.parametrize(
    ("peer", "headers"),
    [
        ("203.0.113.50", {}),
        ("127.0.0.1", {}),
        ("127.0.0.1", {"X-Encore-Proxy": "a-guessed-token"}),
        ("203.0.113.50", {"X-Encore-Proxy": TOKEN}),
    ],
    ids=["remote", "loopback-without-proof", "loopback-wrong-token", "remote-with-token"],
)
async def test_a_new_forwarded_for_on_every_request_is_still_one_client(app_client, peer: str, headers: dict[str, str]) -> None:
    client = await app_client(mv_rate_limit_per_minute=2, mv_proxy_token=TOKEN)
    from_peer(client, peer)
    answers = [
        (await client.post("/api/mv/create_scenes?wait=10", json=SCENES, headers={**headers, "X-Forwarded-For": forged()})).status_code
        for _ in range(3)
    ]
    assert answers == [200, 200, 429]


async def test_clients_behind_the_web_server_have_their_own_budget(app_client) -> None:
    client = await app_client(mv_rate_limit_per_minute=1, mv_proxy_token=TOKEN)
    from_peer(client, "127.0.0.1")

    async def via_proxy(forwarded: str) -> int:
        headers = {"X-Encore-Proxy": TOKEN, "X-Forwarded-For": forwarded}
        return (await client.post("/api/mv/create_scenes?wait=10", json=SCENES, headers=headers)).status_code

    assert await via_proxy("198.51.100.1") == 200
    assert await via_proxy("198.51.100.2") == 200
    assert await via_proxy("198.51.100.1") == 429
    assert await via_proxy("10.9.9.9, 198.51.100.2") == 429, "only the hop the proxy appended counts"


async def test_the_api_key_proves_the_web_server_too(app_client) -> None:
    client = await app_client(mv_rate_limit_per_minute=1, api_key="server-key")
    from_peer(client, "::ffff:127.0.0.1")
    headers = {"X-API-Key": "server-key"}
    first = await client.post("/api/mv/create_scenes?wait=10", json=SCENES, headers={**headers, "X-Forwarded-For": "198.51.100.1"})
    second = await client.post("/api/mv/create_scenes?wait=10", json=SCENES, headers={**headers, "X-Forwarded-For": "198.51.100.2"})
    assert (first.status_code, second.status_code) == (200, 200)


async def test_only_configured_proxies_are_trusted(app_client) -> None:
    client = await app_client(mv_rate_limit_per_minute=1, mv_proxy_token=TOKEN, mv_trusted_proxies="10.0.0.0/8")
    from_peer(client, "127.0.0.1")
    headers = {"X-Encore-Proxy": TOKEN}
    first = await client.post("/api/mv/create_scenes?wait=10", json=SCENES, headers={**headers, "X-Forwarded-For": "198.51.100.1"})
    second = await client.post("/api/mv/create_scenes?wait=10", json=SCENES, headers={**headers, "X-Forwarded-For": "198.51.100.2"})
    assert (first.status_code, second.status_code) == (200, 429)
    from_peer(client, "10.1.2.3")
    third = await client.post("/api/mv/create_scenes?wait=10", json=SCENES, headers={**headers, "X-Forwarded-For": "198.51.100.3"})
    assert third.status_code == 200

"""Generation endpoints are rate limited per client with 429 and Retry-After; free endpoints are not."""

from __future__ import annotations


async def test_paid_endpoints_answer_429_with_retry_after(app_client) -> None:
    client = await app_client(mv_rate_limit_per_minute=3)
    client._transport.client = ("203.0.113.50", 40000)  # type: ignore[attr-defined]
    body = {"idea": "a rooftop show", "character_description": "a singer in a green coat"}
    for _ in range(3):
        assert (await client.post("/api/mv/create_scenes?wait=10", json=body)).status_code == 200
    refused = await client.post("/api/mv/generate_video?wait=0", json={"prompt": "a rooftop show"})
    assert refused.status_code == 429
    assert refused.json()["error"] == "RateLimited"
    assert refused.headers["retry-after"] == "20", "3 a minute refill one request every 20 s"
    other = await client.post("/api/mv/create_scenes", json=body, headers={"X-Forwarded-For": "203.0.113.9"})
    assert other.status_code == 429, "a remote client cannot pick its own identity"
    for _ in range(5):
        assert (await client.get("/api/mv/get_config_flavors")).status_code == 200


async def test_clients_behind_the_web_server_have_their_own_budget(app_client) -> None:
    client = await app_client(mv_rate_limit_per_minute=1)
    client._transport.client = ("127.0.0.1", 50000)  # type: ignore[attr-defined]
    body = {"idea": "a beach show", "character_description": "a drummer"}
    first = await client.post("/api/mv/create_scenes?wait=10", json=body, headers={"X-Forwarded-For": "198.51.100.1"})
    second = await client.post("/api/mv/create_scenes?wait=10", json=body, headers={"X-Forwarded-For": "198.51.100.2"})
    again = await client.post("/api/mv/create_scenes?wait=10", json=body, headers={"X-Forwarded-For": "198.51.100.1"})
    assert (first.status_code, second.status_code, again.status_code) == (200, 200, 429)

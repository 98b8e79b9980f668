"""`POST /api/webhooks/replicate`: only a fresh, correctly signed, never-seen delivery changes anything."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from fake_replicate_webhooks import WEBHOOK_SECRET, random_secret, signed_headers
from mv.webhooks.hub import WebhookHub

URL = "/api/webhooks/replicate"


def prediction(prediction_id: str = "p-waiting", status: str = "succeeded") -> bytes:
    return json.dumps({"id": prediction_id, "status": status, "output": "https://replicate.delivery/x.mp4"}).encode()


async def open_app(app_client: Callable[..., Any], **extra: Any) -> tuple[httpx.AsyncClient, WebhookHub]:
    client = await app_client(replicate_webhook_secret=WEBHOOK_SECRET, **extra)
    return client, client.app.state.services.extras["webhook_hub"]  # type: ignore[attr-defined]


async def assert_refused(client: httpx.AsyncClient, hub: WebhookHub, body: bytes, headers: dict[str, str]) -> None:
    """401 in the error shape, no delivery kept, and the waiting prediction not woken."""
    waiter = asyncio.create_task(hub.wait("p-waiting", 0.3))
    await asyncio.sleep(0)
    response = await client.post(URL, content=body, headers=headers)
    assert response.status_code == 401, response.text
    assert set(response.json()) == {"error", "detail"} and response.json()["error"] == "Unauthorized"
    assert await waiter is None
    assert await hub.repository.finished(["p-waiting"]) == {}


async def test_a_valid_delivery_wakes_the_waiting_prediction_and_is_kept(app_client: Callable[..., Any]) -> None:
    client, hub = await open_app(app_client)
    waiter = asyncio.create_task(hub.wait("p-waiting", 5))
    await asyncio.sleep(0)
    body = prediction()
    response = await client.post(URL, content=body, headers=signed_headers(body))
    assert response.status_code == 200, response.text
    assert response.json() == {"status": "accepted", "delivered": True}
    assert (await waiter)["status"] == "succeeded"
    assert (await hub.repository.finished(["p-waiting"]))["p-waiting"]["output"].endswith("x.mp4")


async def test_an_unknown_prediction_is_answered_200_and_wakes_nothing(app_client: Callable[..., Any]) -> None:
    client, _ = await open_app(app_client)
    body = prediction("p-nobody-waits")
    response = await client.post(URL, content=body, headers=signed_headers(body))
    assert response.status_code == 200
    assert response.json() == {"status": "accepted", "delivered": False}


async def test_missing_headers_are_refused(app_client: Callable[..., Any]) -> None:
    client, hub = await open_app(app_client)
    body = prediction()
    await assert_refused(client, hub, body, {"content-type": "application/json"})
    headers = signed_headers(body)
    for name in ("webhook-id", "webhook-timestamp", "webhook-signature"):
        await assert_refused(client, hub, body, {k: v for k, v in headers.items() if k != name})


async def test_a_wrong_secret_is_refused(app_client: Callable[..., Any]) -> None:
    client, hub = await open_app(app_client)
    body = prediction()
    await assert_refused(client, hub, body, signed_headers(body, secret=random_secret()))


@pytest.mark.parametrize("skew", [-330, 330])
async def test_a_stale_or_future_timestamp_is_refused(app_client: Callable[..., Any], skew: int) -> None:
    client, hub = await open_app(app_client)
    body = prediction()
    await assert_refused(client, hub, body, signed_headers(body, timestamp=int(time.time()) + skew))


async def test_a_tampered_body_is_refused(app_client: Callable[..., Any]) -> None:
    client, hub = await open_app(app_client)
    headers = signed_headers(prediction(status="failed"))
    await assert_refused(client, hub, prediction(status="succeeded"), headers)


async def test_a_replayed_id_is_refused_and_changes_nothing(app_client: Callable[..., Any]) -> None:
    client, hub = await open_app(app_client)
    first = prediction("p-first")
    headers = signed_headers(first, webhook_id="msg_replayed")
    assert (await client.post(URL, content=first, headers=headers)).status_code == 200
    assert (await client.post(URL, content=first, headers=headers)).status_code == 401
    replay = prediction()
    await assert_refused(client, hub, replay, signed_headers(replay, webhook_id="msg_replayed"))


async def test_the_signature_list_may_hold_several_versions(app_client: Callable[..., Any]) -> None:
    client, _ = await open_app(app_client)
    body = prediction("p-several")
    headers = signed_headers(body)
    headers["webhook-signature"] = "v1a,bm90LWEtc2ln v1,AAAA " + headers["webhook-signature"]
    assert (await client.post(URL, content=body, headers=headers)).status_code == 200


async def test_the_webhook_needs_no_api_key_but_still_a_signature(app_client: Callable[..., Any]) -> None:
    client, hub = await open_app(app_client, api_key="k" * 32)
    body = prediction("p-keyless")
    assert (await client.post(URL, content=body, headers=signed_headers(body))).status_code == 200
    await assert_refused(client, hub, body, {"content-type": "application/json"})
    assert (await client.get("/api/jobs/00000000-0000-4000-8000-000000000000")).status_code == 401


async def test_without_a_secret_the_endpoint_does_not_exist(client: httpx.AsyncClient) -> None:
    body = prediction()
    response = await client.post(URL, content=body, headers=signed_headers(body))
    assert response.status_code == 404
    assert response.json()["error"] == "NotFound"

"""The fake Replicate's webhooks: when a create names a `webhook`, the finished prediction is posted there, signed.

Signatures follow Standard Webhooks as Replicate sends them (`webhook-id`, `webhook-timestamp`,
`webhook-signature: v1,<base64 HMAC-SHA256 of id.timestamp.body>`, keyed by the base64 part of the
`whsec_` secret). `drop_webhooks` loses them (the app must fall back on its safety poll); every attempt is
recorded in `webhooks_sent` as (url, status, body).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import threading
import time
import uuid
from typing import Any

import httpx

WEBHOOK_SECRET = "whsec_" + base64.b64encode(b"encore-test-webhook-signing-key!").decode()


def signed_headers(body: bytes, secret: str = WEBHOOK_SECRET, webhook_id: str | None = None, timestamp: int | None = None) -> dict[str, str]:
    """The three headers Replicate sends with `body`."""
    webhook_id = webhook_id or f"msg_{uuid.uuid4().hex}"
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    key = base64.b64decode(secret.removeprefix("whsec_"))
    digest = hmac.new(key, f"{webhook_id}.{stamp}.".encode() + body, hashlib.sha256).digest()
    return {
        "webhook-id": webhook_id,
        "webhook-timestamp": stamp,
        "webhook-signature": "v1," + base64.b64encode(digest).decode(),
        "content-type": "application/json",
    }


def random_secret() -> str:
    """A fresh `whsec_` secret (for a sender that is not the account's)."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode()


_client: httpx.Client | None = None
_client_lock = threading.Lock()


def _sender() -> httpx.Client:
    """One keep-alive client for every webhook the fake posts (thread-safe), as a real sender keeps its connections."""
    global _client
    with _client_lock:
        if _client is None:
            _client = httpx.Client(timeout=10, limits=httpx.Limits(max_connections=64))
        return _client


class WebhookSender:
    """Mixin for the fake: posts the final view of a prediction to the webhook its create named."""

    webhook_secret: str = WEBHOOK_SECRET
    drop_webhooks: bool = False
    webhooks_sent: list[tuple[str, int, dict[str, Any]]]

    def schedule_webhook(self, prediction_id: str, body: dict[str, Any], seconds: float) -> None:
        """After `seconds`, post the prediction to `body["webhook"]` when its filter asks for `completed`."""
        url = body.get("webhook")
        events = body.get("webhook_events_filter") or ["start", "output", "logs", "completed"]
        if not isinstance(url, str) or "completed" not in events:
            return
        timer = threading.Timer(seconds + 0.05, self._post_webhook, args=(prediction_id, url))
        timer.daemon = True
        timer.start()

    def _post_webhook(self, prediction_id: str, url: str) -> None:
        view = self._view(prediction_id) or {}  # type: ignore[attr-defined]  (FakeApi's)
        payload = json.dumps(view).encode()
        if self.drop_webhooks:
            self.webhooks_sent.append((url, 0, view))
            return
        try:
            response = _sender().post(url, content=payload, headers=signed_headers(payload, self.webhook_secret))
            status = response.status_code
        except httpx.HTTPError:
            status = 0
        self.webhooks_sent.append((url, status, view))

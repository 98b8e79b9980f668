"""Standard Webhooks signatures as Replicate sends them: HMAC-SHA256 over `id.timestamp.body`."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from collections.abc import Mapping

from mv.core.errors import Unauthorized

TOLERANCE_SECONDS = 300
SECRET_PREFIX = "whsec_"


def secret_bytes(secret: str) -> bytes:
    """The HMAC key: the base64 part of a `whsec_…` secret."""
    encoded = secret.removeprefix(SECRET_PREFIX)
    try:
        return base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raise ValueError("REPLICATE_WEBHOOK_SECRET must be whsec_ followed by base64") from None


def sign(key: bytes, webhook_id: str, timestamp: str, body: bytes) -> str:
    """The `v1,<base64>` signature of one delivery."""
    digest = hmac.new(key, f"{webhook_id}.{timestamp}.".encode() + body, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def verify(headers: Mapping[str, str], body: bytes, key: bytes, now: float, tolerance: float = TOLERANCE_SECONDS) -> str:
    """The delivery's `webhook-id` when its signature is good and its timestamp recent; 401 otherwise."""
    webhook_id = headers.get("webhook-id", "")
    timestamp = headers.get("webhook-timestamp", "")
    signatures = headers.get("webhook-signature", "")
    if not webhook_id or not timestamp or not signatures or len(webhook_id) > 200:
        raise Unauthorized("The webhook is not signed.")
    try:
        sent_at = int(timestamp)
    except ValueError:
        raise Unauthorized("The webhook timestamp is not a number.") from None
    if abs(now - sent_at) > tolerance:
        raise Unauthorized("The webhook timestamp is too far from the server's time.")
    expected = sign(key, webhook_id, timestamp, body).encode()
    if not any(hmac.compare_digest(expected, given.encode()) for given in signatures.split(" ") if given.startswith("v1,")):
        raise Unauthorized("The webhook signature does not match.")
    return webhook_id

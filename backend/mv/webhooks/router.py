"""`POST /api/webhooks/replicate`: verified on the raw body before anything is parsed or stored."""

from __future__ import annotations

import json
import random
import time

from fastapi import APIRouter, Request

from mv.core.errors import BadRequest, NotFound, Unauthorized
from mv.core.logging import get_logger
from mv.deps import ServicesDep
from mv.webhooks.hub import WebhookHub
from mv.webhooks.repository import FINAL
from mv.webhooks.schemas import WebhookReceived
from mv.webhooks.signature import verify

log = get_logger(__name__)

router = APIRouter(prefix="/api/webhooks", tags=["webhooks"])


@router.post(
    "/replicate",
    response_model=WebhookReceived,
    summary="Receive a Replicate prediction webhook",
    responses={401: {"description": "Missing, wrong, stale, replayed or tampered signature"}, 404: {"description": "Webhooks are off"}},
)
async def replicate_webhook(request: Request, services: ServicesDep) -> WebhookReceived:
    """Check the signature, refuse a replayed id, keep the delivery and wake the job waiting on the prediction."""
    key = services.extras.get("webhook_key")
    hub: WebhookHub | None = services.extras.get("webhook_hub")
    if key is None or hub is None:
        raise NotFound("This server does not take Replicate webhooks (REPLICATE_WEBHOOK_SECRET is not set).")
    body = await request.body()
    webhook_id = verify(request.headers, body, key, time.time())
    try:
        prediction = json.loads(body)
    except ValueError:
        raise BadRequest("The webhook body is not JSON.") from None
    if not isinstance(prediction, dict) or not isinstance(prediction.get("id"), str):
        raise BadRequest("The webhook body is not a prediction.")
    if not await hub.repository.record(webhook_id, prediction):
        log.warning("webhook_replayed", webhook_id=webhook_id[:64])
        raise Unauthorized("This webhook was already received.")
    if random.random() < 0.01:
        await hub.repository.forget_old()
    delivered = prediction.get("status") in FINAL and hub.deliver(prediction["id"], prediction)
    log.info("webhook_received", prediction_id=prediction["id"][:64], status=str(prediction.get("status"))[:20], delivered=delivered)
    return WebhookReceived(status="accepted", delivered=delivered)

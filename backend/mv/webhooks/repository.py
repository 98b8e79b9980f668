"""All SQL for webhook deliveries: each id is kept once (a replay is refused), with the prediction it reports."""

from __future__ import annotations

import json
import time
from typing import Any

from sqlalchemy import Column, Double, Index, Table, Text, delete, insert, select, text
from sqlalchemy.exc import IntegrityError

from mv.core.db import Json, Store, metadata

FINAL = frozenset({"succeeded", "failed", "canceled", "aborted"})
KEEP_SECONDS = 24 * 3600.0
CHANNEL = "encore_webhooks"
"""On PostgreSQL, each final delivery NOTIFYs here when it commits, so the process waiting on it wakes at once."""
NOTICE_BYTES = 7000
"""PostgreSQL caps a NOTIFY payload at 8000 bytes: a prediction that fits travels whole, a larger one as its id."""


def notice(prediction: dict[str, Any]) -> str:
    """The NOTIFY payload for a final delivery: the prediction as JSON when it fits, else its id (read back from the table)."""
    whole = json.dumps(prediction, separators=(",", ":"))
    return whole if len(whole.encode()) <= NOTICE_BYTES else str(prediction.get("id"))

webhook_deliveries = Table(
    "webhook_deliveries",
    metadata,
    Column("id", Text, primary_key=True),
    Column("prediction_id", Text, nullable=False),
    Column("status", Text),
    Column("payload", Json),
    Column("received_at", Double, nullable=False),
    Index("webhook_deliveries_prediction_id", "prediction_id"),
    Index("webhook_deliveries_received_at", "received_at"),
)


class WebhookRepository:
    """Reads and writes webhook deliveries."""

    def __init__(self, store: Store) -> None:
        self.store = store

    async def record(self, webhook_id: str, prediction: dict[str, Any]) -> bool:
        """Keep one delivery; False when its id was seen before (a replay)."""
        status = prediction.get("status")
        row = {
            "id": webhook_id,
            "prediction_id": str(prediction.get("id")),
            "status": status if isinstance(status, str) else None,
            "payload": prediction if status in FINAL else None,
            "received_at": time.time(),
        }
        try:
            async with self.store.transaction() as conn:
                await conn.execute(insert(webhook_deliveries).values(**row))
                if row["payload"] is not None and not self.store.is_sqlite:
                    await conn.execute(text("SELECT pg_notify(:channel, :note)"), {"channel": CHANNEL, "note": notice(prediction)})
        except IntegrityError:
            return False
        return True

    async def finished(self, prediction_ids: list[str]) -> dict[str, dict[str, Any]]:
        """The final prediction reported for each of these ids that has one."""
        if not prediction_ids:
            return {}
        query = select(webhook_deliveries.c.prediction_id, webhook_deliveries.c.payload).where(
            webhook_deliveries.c.prediction_id.in_(prediction_ids), webhook_deliveries.c.payload.is_not(None)
        )
        async with self.store.read() as conn:
            rows = (await conn.execute(query)).all()
        return {row.prediction_id: row.payload for row in rows}

    async def forget_old(self, now: float | None = None) -> None:
        """Drop deliveries older than a day (a replay that old already fails the timestamp check)."""
        cutoff = (now or time.time()) - KEEP_SECONDS
        async with self.store.transaction() as conn:
            await conn.execute(delete(webhook_deliveries).where(webhook_deliveries.c.received_at < cutoff))

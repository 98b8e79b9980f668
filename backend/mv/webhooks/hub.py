"""Where a waiting prediction learns it finished: at once from a webhook this process took or (PostgreSQL) one another
process took and NOTIFYed, else from a sweep of the shared store."""

from __future__ import annotations

import asyncio
import contextlib
import json
from typing import Any

from mv.core.db.notify import Notifications
from mv.core.logging import get_logger
from mv.webhooks.repository import CHANNEL, WebhookRepository

log = get_logger(__name__)

SWEEP_SECONDS = 1.0
"""How often one query looks up every prediction this process waits on (deliveries taken by another API process)."""
NOTIFIED_SWEEP_SECONDS = 10.0
"""The sweep's pace while NOTIFYs arrive: only a safety net for one missed while the listening connection was down."""


class WebhookHub:
    """Futures keyed by prediction id, resolved by `deliver` (same process), a NOTIFY, or a sweep of the deliveries table."""

    def __init__(self, repository: WebhookRepository, sweep_seconds: float | None = None) -> None:
        self.repository = repository
        store = repository.store
        self.notifications = None if store.is_sqlite else Notifications(store.conninfo, CHANNEL, self._notified)
        self.sweep_seconds = sweep_seconds or (SWEEP_SECONDS if self.notifications is None else NOTIFIED_SWEEP_SECONDS)
        self._waiting: dict[str, list[asyncio.Future[dict[str, Any]]]] = {}
        self._sweeper: asyncio.Task[None] | None = None

    async def wait(self, prediction_id: str, timeout: float) -> dict[str, Any] | None:
        """The final prediction once a webhook reports it, or None after `timeout` seconds."""
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._waiting.setdefault(prediction_id, []).append(future)
        if self.notifications is not None:
            await self.notifications.start(timeout=2.0)
        self._ensure_sweeper()
        try:
            return await asyncio.wait_for(asyncio.shield(future), timeout)
        except TimeoutError:
            return None
        finally:
            waiters = self._waiting.get(prediction_id, [])
            if future in waiters:
                waiters.remove(future)
            if not waiters:
                self._waiting.pop(prediction_id, None)

    def deliver(self, prediction_id: str, prediction: dict[str, Any]) -> bool:
        """Hand a final prediction to whoever waits on it here; whether anyone did."""
        waiters = self._waiting.get(prediction_id, [])
        for future in waiters:
            if not future.done():
                future.set_result(prediction)
        return bool(waiters)

    async def _notified(self, note: str) -> None:
        if note.startswith("{"):
            prediction = json.loads(note)
            if isinstance(prediction, dict) and isinstance(prediction.get("id"), str):
                self.deliver(prediction["id"], prediction)
            return
        prediction_id = note
        if prediction_id not in self._waiting:
            return
        try:
            found = await self.repository.finished([prediction_id])
        except Exception as exc:  # noqa: BLE001 - the sweep or the safety poll finds it later
            log.warning("webhook_lookup_failed", error=type(exc).__name__)
            return
        for found_id, prediction in found.items():
            self.deliver(found_id, prediction)

    def _ensure_sweeper(self) -> None:
        if self._sweeper is None or self._sweeper.done():
            self._sweeper = asyncio.create_task(self._sweep())

    async def _sweep(self) -> None:
        while self._waiting:
            await asyncio.sleep(self.sweep_seconds)
            try:
                found = await self.repository.finished(list(self._waiting))
            except Exception as exc:  # noqa: BLE001 - the next sweep or the safety poll tries again
                log.warning("webhook_sweep_failed", error=type(exc).__name__)
                continue
            for prediction_id, prediction in found.items():
                self.deliver(prediction_id, prediction)

    async def close(self) -> None:
        """Stop listening and sweeping."""
        if self.notifications is not None:
            await self.notifications.close()
        if self._sweeper is not None:
            self._sweeper.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._sweeper
            self._sweeper = None

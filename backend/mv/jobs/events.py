"""Job changes from every process: PostgreSQL NOTIFYs each job row written (a trigger), every API process LISTENs."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable

import psycopg

from mv.core.logging import get_logger

log = get_logger(__name__)

CHANNEL = "encore_jobs"
"""The channel the `jobs` table's trigger notifies with each changed job's id (migration 0006)."""


class JobNotifications:
    """Calls `on_change(job_id)` for each job written by any process; reconnects when the server goes away."""

    def __init__(self, conninfo: str, on_change: Callable[[str], Awaitable[None]], *, reconnect_after: float = 0.5) -> None:
        self.conninfo = conninfo
        self.on_change = on_change
        self.reconnect_after = reconnect_after
        self.listening = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    async def start(self, timeout: float = 10.0) -> None:
        """Begin listening; waits (up to `timeout`) until the first LISTEN is in place."""
        if self._task is None:
            self._task = asyncio.create_task(self._listen(), name="job-notifications")
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(self.listening.wait(), timeout)

    async def _listen(self) -> None:
        while True:
            try:
                async with await psycopg.AsyncConnection.connect(self.conninfo, autocommit=True, connect_timeout=5) as conn:
                    await conn.execute(f"LISTEN {CHANNEL}")
                    self.listening.set()
                    async for note in conn.notifies():
                        await self.on_change(note.payload)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                if self.listening.is_set():
                    log.warning("job_events_reconnecting", error=type(exc).__name__)
                self.listening.clear()
                await asyncio.sleep(self.reconnect_after)

    async def close(self) -> None:
        """Stop listening."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

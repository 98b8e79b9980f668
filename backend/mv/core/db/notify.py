"""PostgreSQL LISTEN on one channel: every NOTIFY's payload handed to a callback, reconnecting when the server goes away."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable

import psycopg

from mv.core.logging import get_logger

log = get_logger(__name__)


class Notifications:
    """Calls `on_notify(payload)` for each NOTIFY on `channel`, from any process; reconnects after `reconnect_after` seconds."""

    def __init__(self, conninfo: str, channel: str, on_notify: Callable[[str], Awaitable[None]], *, reconnect_after: float = 0.5) -> None:
        self.conninfo = conninfo
        self.channel = channel
        self.on_notify = on_notify
        self.reconnect_after = reconnect_after
        self.listening = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    async def start(self, timeout: float = 10.0) -> None:
        """Begin listening; waits (up to `timeout`) until the first LISTEN is in place."""
        if self._task is None:
            self._task = asyncio.create_task(self._listen(), name=f"listen-{self.channel}")
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(self.listening.wait(), timeout)

    async def _listen(self) -> None:
        while True:
            try:
                async with await psycopg.AsyncConnection.connect(self.conninfo, autocommit=True, connect_timeout=5) as conn:
                    await conn.execute(f"LISTEN {self.channel}")
                    self.listening.set()
                    async for note in conn.notifies():
                        await self.on_notify(note.payload)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                if self.listening.is_set():
                    log.warning("notifications_reconnecting", channel=self.channel, error=type(exc).__name__)
                self.listening.clear()
                await asyncio.sleep(self.reconnect_after)

    async def close(self) -> None:
        """Stop listening."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

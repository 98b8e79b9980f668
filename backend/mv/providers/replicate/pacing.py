"""Time, request pacing and the polling schedule: how often Encore asks Replicate anything."""

from __future__ import annotations

import asyncio
import time

GET_BUDGET_PER_SECOND = 40.0
"""Replicate allows 3000 non-create requests a minute (50/s); all jobs together keep headroom under it."""
MAX_POLL_INTERVAL = 10.0
"""The longest pause between two polls of one prediction (unless REPLICATE_POLL_INTERVAL is longer)."""


class Clock:
    """Monotonic time and sleeping; tests and benchmarks substitute a virtual clock."""

    def now(self) -> float:
        """Seconds on a monotonic clock."""
        return time.monotonic()

    async def sleep(self, seconds: float) -> None:
        """Pause this task."""
        await asyncio.sleep(seconds)


class Pacer:
    """Spaces requests so that all jobs together stay inside a per-second budget."""

    def __init__(self, per_second: float, clock: Clock) -> None:
        self.spacing = 1.0 / per_second
        self.clock = clock
        self._next = 0.0

    async def wait(self) -> None:
        """Sleep until this caller's slot."""
        now = self.clock.now()
        slot = max(now, self._next)
        self._next = slot + self.spacing
        if slot > now:
            await self.clock.sleep(slot - now)


class PollSchedule:
    """Pauses between polls of one prediction: from `base`, doubling up to a ceiling, back to `base` when the status changes."""

    def __init__(self, base: float, ceiling: float = MAX_POLL_INTERVAL) -> None:
        self.base = base
        self.ceiling = max(ceiling, base)
        self._pause = base
        self._status: str | None = None

    def after(self, status: str | None) -> float:
        """The pause before the next poll, given the status the last poll saw."""
        if status != self._status:
            self._status = status
            self._pause = self.base
        pause = self._pause
        self._pause = min(self._pause * 2, self.ceiling)
        return pause

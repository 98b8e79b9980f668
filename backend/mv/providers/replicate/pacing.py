"""Time, request pacing and the polling schedule: how often Encore asks Replicate anything."""

from __future__ import annotations

import asyncio
import hashlib
import time
from typing import Protocol

from mv.core.db.buckets import SharedBuckets
from mv.core.db.errors import database_unavailable
from mv.core.logging import get_logger

log = get_logger(__name__)

GET_BUDGET_PER_SECOND = 40.0
"""Replicate allows 3000 non-create requests a minute (50/s); all jobs together keep headroom under it."""
CREATE_BUDGET_PER_SECOND = 8.0
CREATE_BURST = 100.0
"""Replicate allows 600 creates a minute with short bursts: a bucket of 100 refilled at 8/s lets a 100-scene video start
at once and never spends more than 100 + 60 × 8 = 580 in any minute."""
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


class Budget(Protocol):
    """Something a request waits on before it is sent."""

    async def wait(self) -> None:
        """Sleep until this caller may send."""


def account_key(token: str) -> str:
    """A name for the Replicate account a token belongs to (budgets are per account), never the token itself."""
    return hashlib.sha256(token.encode()).hexdigest()[:16]


class TokenBudget:
    """A token bucket (`burst` deep, `per_second` refill) for this process."""

    def __init__(self, per_second: float, burst: float, clock: Clock) -> None:
        self.per_second = per_second
        self.burst = burst
        self.clock = clock
        self._tokens = burst
        self._stamp = clock.now()

    def take(self) -> float:
        """Spend a token: 0, or the seconds until one is there (nothing spent)."""
        now = self.clock.now()
        self._tokens = min(self.burst, self._tokens + (now - self._stamp) * self.per_second)
        self._stamp = now
        if self._tokens >= 1:
            self._tokens -= 1
            return 0.0
        return (1 - self._tokens) / self.per_second

    async def wait(self) -> None:
        """Sleep until a token is spent."""
        while (pause := self.take()) > 0:
            await self.clock.sleep(pause)


class SharedPacer:
    """`Pacer` across every process on PostgreSQL: each request reserves the next slot of one shared stream."""

    def __init__(self, buckets: SharedBuckets, name: str, per_second: float, clock: Clock) -> None:
        self.buckets = buckets
        self.name = name
        self.spacing = 1.0 / per_second
        self.clock = clock
        self.fallback = Pacer(per_second, clock)

    async def wait(self) -> None:
        """Sleep until this caller's slot; with the database away, pace within this process."""
        try:
            delay = await self.buckets.slot(self.name, self.spacing)
        except Exception as exc:
            if not database_unavailable(exc):
                raise
            log.warning("shared_budget_unavailable", budget=self.name)
            await self.fallback.wait()
            return
        if delay > 0:
            await self.clock.sleep(delay)


class SharedTokenBudget:
    """`TokenBudget` across every process on PostgreSQL."""

    def __init__(self, buckets: SharedBuckets, name: str, per_second: float, burst: float, clock: Clock) -> None:
        self.buckets = buckets
        self.name = name
        self.per_second = per_second
        self.burst = burst
        self.clock = clock
        self.fallback = TokenBudget(per_second, burst, clock)

    async def wait(self) -> None:
        """Sleep until a token of the shared bucket is spent; with the database away, use this process's bucket."""
        while True:
            try:
                pause = await self.buckets.take(self.name, self.burst, self.per_second)
            except Exception as exc:
                if not database_unavailable(exc):
                    raise
                log.warning("shared_budget_unavailable", budget=self.name)
                await self.fallback.wait()
                return
            if pause <= 0:
                return
            await self.clock.sleep(pause)


def budgets(token: str, clock: Clock, buckets: SharedBuckets | None) -> tuple[Budget, Budget]:
    """(reads, creates) for one account: in this process, or shared by every process when `buckets` is given."""
    if buckets is None:
        return Pacer(GET_BUDGET_PER_SECOND, clock), TokenBudget(CREATE_BUDGET_PER_SECOND, CREATE_BURST, clock)
    account = account_key(token)
    return (
        SharedPacer(buckets, f"replicate-reads:{account}", GET_BUDGET_PER_SECOND, clock),
        SharedTokenBudget(buckets, f"replicate-creates:{account}", CREATE_BUDGET_PER_SECOND, CREATE_BURST, clock),
    )


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

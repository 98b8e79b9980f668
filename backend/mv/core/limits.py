"""Per-client rate limits for the endpoints that cost money."""

from __future__ import annotations

import ipaddress
import math
import time
from collections.abc import Callable
from dataclasses import dataclass

from fastapi import Depends, Request

from mv.core.errors import RateLimited


@dataclass
class _Bucket:
    tokens: float
    stamp: float


class RateLimiter:
    """A token bucket per client: `per_minute` requests, refilled continuously."""

    def __init__(self, per_minute: int, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.capacity = float(per_minute)
        self.rate = per_minute / 60.0
        self.clock = clock
        self._buckets: dict[str, _Bucket] = {}

    def take(self, client: str) -> float:
        """Spend one token; return 0 when allowed, else the seconds until one is available."""
        now = self.clock()
        bucket = self._buckets.get(client) or _Bucket(self.capacity, now)
        bucket.tokens = min(self.capacity, bucket.tokens + (now - bucket.stamp) * self.rate)
        bucket.stamp = now
        self._buckets[client] = bucket
        if len(self._buckets) > 10_000:
            self._buckets.pop(next(iter(self._buckets)))
        if bucket.tokens >= 1:
            bucket.tokens -= 1
            return 0.0
        return (1 - bucket.tokens) / self.rate


def client_key(request: Request) -> str:
    """The client's address; behind the loopback web server, the address it forwards."""
    host = request.client.host if request.client else "unknown"
    forwarded = request.headers.get("x-forwarded-for", "").split(",")[0].strip()
    try:
        if forwarded and ipaddress.ip_address(host).is_loopback:
            return forwarded[:64]
    except ValueError:
        pass
    return host


def paid_endpoint_limit(request: Request) -> None:
    """Dependency: refuse with 429 and Retry-After when a client spends too fast."""
    limiter: RateLimiter = request.app.state.services.extras["paid_rate_limiter"]
    wait = limiter.take(client_key(request))
    if wait > 0:
        seconds = max(1, math.ceil(wait))
        raise RateLimited(
            f"Too many generation requests; try again in {seconds} s.", headers={"Retry-After": str(seconds)}
        )





PAID_LIMIT = Depends(paid_endpoint_limit)
"""Route dependency for endpoints that spend money: `dependencies=[PAID_LIMIT]`."""

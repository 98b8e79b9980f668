"""Per-client rate limits for the endpoints that cost money, and who the client is."""

from __future__ import annotations

import hmac
import ipaddress
import math
import time
from collections.abc import Callable
from dataclasses import dataclass

from fastapi import Depends, Request

from mv.core.db.buckets import SharedBuckets
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

    async def acquire(self, client: str) -> float:
        """`take`, with the signature the shared limiter has."""
        return self.take(client)


class SharedRateLimiter:
    """The same bucket per client, kept in PostgreSQL so every API process spends one budget."""

    def __init__(self, buckets: SharedBuckets, per_minute: int, *, prefix: str = "paid:") -> None:
        self.buckets = buckets
        self.capacity = float(per_minute)
        self.rate = per_minute / 60.0
        self.prefix = prefix

    async def acquire(self, client: str) -> float:
        """Spend one token of this client's bucket; 0 when allowed, else the seconds until one is available."""
        return await self.buckets.take(self.prefix + client, self.capacity, self.rate)


Network = ipaddress.IPv4Network | ipaddress.IPv6Network

PROXY_TOKEN_HEADER = "x-encore-proxy"
"""The header the web app's server sends `MV_PROXY_TOKEN` in."""


def _address(text: str) -> str | None:
    """The text as a normalised IP address (IPv4-mapped IPv6 as IPv4), or None."""
    try:
        address = ipaddress.ip_address(text.strip())
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return str(address)


class ClientIdentity:
    """Who a request comes from: the socket peer, unless a trusted peer proves it is Encore's web server."""

    def __init__(self, trusted: tuple[Network, ...], secrets: dict[str, str]) -> None:
        self.trusted = trusted
        self.secrets = {name: value.encode() for name, value in secrets.items() if value}

    def _is_trusted(self, peer: str) -> bool:
        address = ipaddress.ip_address(peer)
        return any(address.version == net.version and address in net for net in self.trusted)

    def _is_proven(self, request: Request) -> bool:
        return any(
            hmac.compare_digest(request.headers.get(name, "").encode(), secret) for name, secret in self.secrets.items()
        )

    def key(self, request: Request) -> str:
        """The peer's address; for a proven web server on a trusted address, the last hop it appended."""
        host = request.client.host if request.client else "unknown"
        peer = _address(host)
        if peer is None:
            return host[:64]
        if not self._is_trusted(peer) or not self._is_proven(request):
            return peer
        hops = ",".join(request.headers.getlist("x-forwarded-for")).split(",")
        return _address(hops[-1]) or peer


async def paid_endpoint_limit(request: Request) -> None:
    """Dependency: refuse with 429 and Retry-After when a client spends too fast (across every API process on PostgreSQL)."""
    extras = request.app.state.services.extras
    limiter: RateLimiter | SharedRateLimiter = extras["paid_rate_limiter"]
    identity: ClientIdentity = extras["client_identity"]
    wait = await limiter.acquire(identity.key(request))
    if wait > 0:
        seconds = max(1, math.ceil(wait))
        raise RateLimited(
            f"Too many generation requests; try again in {seconds} s.", headers={"Retry-After": str(seconds)}
        )


PAID_LIMIT = Depends(paid_endpoint_limit)
"""Route dependency for endpoints that spend money: `dependencies=[PAID_LIMIT]`."""

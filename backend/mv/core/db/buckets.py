"""Rate limits shared by every process on PostgreSQL: token buckets and paced slots in `encore_rate_buckets` (migration 0006).

Time is the database server's, so processes on hosts whose clocks differ still share one budget. Each call
is one statement that locks the bucket's row while it runs.
"""

from __future__ import annotations

from sqlalchemy import text

from mv.core.db.store import Store

_CREATE = text(
    "INSERT INTO encore_rate_buckets (name, tokens, stamp) VALUES (:name, :capacity, extract(epoch FROM clock_timestamp()))"
    " ON CONFLICT (name) DO NOTHING"
)
_TAKE = text(
    "WITH old AS (SELECT tokens, stamp, extract(epoch FROM clock_timestamp()) AS now FROM encore_rate_buckets WHERE name = :name FOR UPDATE),"
    " refill AS (SELECT least(:capacity, tokens + (now - stamp) * :per_second) AS tokens, now FROM old)"
    " UPDATE encore_rate_buckets AS b SET tokens = CASE WHEN refill.tokens >= 1 THEN refill.tokens - 1 ELSE refill.tokens END,"
    " stamp = refill.now FROM refill WHERE b.name = :name RETURNING refill.tokens AS refilled"
)
_SLOT = text(
    "INSERT INTO encore_rate_buckets AS b (name, tokens, stamp) VALUES (:name, 0, extract(epoch FROM clock_timestamp()) + :spacing)"
    " ON CONFLICT (name) DO UPDATE SET stamp = GREATEST(b.stamp, extract(epoch FROM clock_timestamp())) + :spacing"
    " RETURNING b.stamp - :spacing - extract(epoch FROM clock_timestamp()) AS delay"
)


class SharedBuckets:
    """Token buckets and request pacing kept in PostgreSQL, so every API process and worker spends one budget."""

    def __init__(self, store: Store) -> None:
        self.store = store

    async def take(self, name: str, capacity: float, per_second: float) -> float:
        """Spend one token of bucket `name`; 0 when allowed, else the seconds until one is available (nothing spent).

        One statement refills and spends under the row's lock; the row is made on the bucket's first use.
        """
        values = {"name": name, "capacity": capacity, "per_second": per_second}
        async with self.store.statement() as conn:
            refilled = (await conn.execute(_TAKE, values)).scalar_one_or_none()
            if refilled is None:
                await conn.execute(_CREATE, values)
                refilled = (await conn.execute(_TAKE, values)).scalar_one()
        return 0.0 if refilled >= 1 else (1 - float(refilled)) / per_second

    async def slot(self, name: str, spacing: float) -> float:
        """Reserve the next slot of a paced stream (`spacing` seconds apart across all processes); seconds until it."""
        async with self.store.statement() as conn:
            delay = (await conn.execute(_SLOT, {"name": name, "spacing": spacing})).scalar_one()
        return max(0.0, float(delay))

"""Rate limits shared by every process on PostgreSQL: token buckets and paced slots in `encore_rate_buckets` (migration 0006).

Time is the database server's, so processes on hosts whose clocks differ still share one budget. Each call
is one short transaction that locks the bucket's row.
"""

from __future__ import annotations

from sqlalchemy import text

from mv.core.db.store import Store

_CREATE = text(
    "INSERT INTO encore_rate_buckets (name, tokens, stamp) VALUES (:name, :capacity, extract(epoch FROM clock_timestamp()))"
    " ON CONFLICT (name) DO NOTHING"
)
_LOCK = text(
    "SELECT tokens, stamp, extract(epoch FROM clock_timestamp()) AS now FROM encore_rate_buckets WHERE name = :name FOR UPDATE"
)
_SET = text("UPDATE encore_rate_buckets SET tokens = :tokens, stamp = :now WHERE name = :name")
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
        """Spend one token of bucket `name`; 0 when allowed, else the seconds until one is available (nothing spent)."""
        async with self.store.transaction() as conn:
            await conn.execute(_CREATE, {"name": name, "capacity": capacity})
            row = (await conn.execute(_LOCK, {"name": name})).one()
            tokens = min(capacity, row.tokens + (float(row.now) - row.stamp) * per_second)
            wait = 0.0
            if tokens >= 1:
                tokens -= 1
            else:
                wait = (1 - tokens) / per_second
            await conn.execute(_SET, {"name": name, "tokens": tokens, "now": float(row.now)})
        return wait

    async def slot(self, name: str, spacing: float) -> float:
        """Reserve the next slot of a paced stream (`spacing` seconds apart across all processes); seconds until it."""
        async with self.store.transaction() as conn:
            delay = (await conn.execute(_SLOT, {"name": name, "spacing": spacing})).scalar_one()
        return max(0.0, float(delay))

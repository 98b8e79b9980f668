"""All SQL for the spend ledger: reservations against the daily cap, and one line per finished prediction."""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any, Literal

from sqlalchemy import Column, Double, Index, Table, Text, func, insert, select

from mv.core.db import Store, metadata
from mv.core.db.sql import insert_or_ignore
from mv.core.ids import new_id
from mv.spend.schemas import SpendLine

DAY = 24 * 3600.0
LOCK = "encore_spend_ledger"

spend = Table(
    "spend",
    metadata,
    Column("id", Text, primary_key=True, nullable=False),
    Column("kind", Text, nullable=False),
    Column("job_id", Text, nullable=False),
    Column("step", Text, nullable=False),
    Column("model", Text, nullable=False),
    Column("usd", Double, nullable=False),
    Column("seconds", Double),
    Column("prediction_id", Text),
    Column("created_at", Double, nullable=False),
    Index("spend_kind_created", "kind", "created_at"),
    Index("spend_job", "job_id"),
    Index("spend_prediction", "prediction_id", unique=True),
)

Kind = Literal["reserved", "prediction"]


class CapExceeded(Exception):
    """A reservation would pass the cap; carries what the last 24 hours already hold."""

    def __init__(self, spent: float) -> None:
        super().__init__(spent)
        self.spent = spent


class SpendRepository:
    """Reads and writes ledger rows."""

    def __init__(self, store: Store) -> None:
        self.store = store

    async def reserved_since(self, since: float) -> float:
        """Estimated USD reserved since `since` (epoch seconds)."""
        query = select(func.coalesce(func.sum(spend.c.usd), 0.0)).where(spend.c.kind == "reserved", spend.c.created_at >= since)
        async with self.store.read() as conn:
            return float((await conn.execute(query)).scalar_one())

    async def reserve(self, job_id: str, items: Sequence[tuple[str, str, float]], cap: float | None, now: float | None = None) -> float | None:
        """Record (step, model, usd) reservations for a job unless they would pass `cap` over 24 h; the new 24 h total (None without a cap).

        With a cap, the check and the insert hold the ledger's lock together, so two requests cannot both pass on one
        remainder; without one, nothing is summed and no request waits for another.
        """
        now = time.time() if now is None else now
        amount = sum(usd for _, _, usd in items)
        rows = [
            {"id": new_id(), "kind": "reserved", "job_id": job_id, "step": step, "model": model, "usd": usd, "created_at": now}
            for step, model, usd in items
        ]
        if cap is None:
            async with self.store.transaction() as conn:
                if rows:
                    await conn.execute(insert(spend), rows)
            return None
        async with self.store.transaction(exclusive=LOCK) as conn:
            query = select(func.coalesce(func.sum(spend.c.usd), 0.0)).where(spend.c.kind == "reserved", spend.c.created_at >= now - DAY)
            spent = float((await conn.execute(query)).scalar_one())
            if spent + amount > cap + 1e-9:
                raise CapExceeded(spent)
            if rows:
                await conn.execute(insert(spend), rows)
        return spent + amount

    async def record_prediction(
        self, job_id: str, step: str, model: str, prediction_id: str, seconds: float | None, usd: float
    ) -> None:
        """One line per finished prediction; recording the same prediction again changes nothing."""
        row = {
            "id": new_id(), "kind": "prediction", "job_id": job_id, "step": step, "model": model, "usd": usd,
            "seconds": seconds, "prediction_id": prediction_id, "created_at": time.time(),
        }
        async with self.store.statement() as conn:
            await conn.execute(insert_or_ignore(conn, spend, "prediction_id").values(**row))

    async def lines(self, job_ids: Sequence[str], kind: Kind = "prediction") -> list[SpendLine]:
        """The lines of these jobs, oldest first."""
        if not job_ids:
            return []
        query = select(spend).where(spend.c.kind == kind, spend.c.job_id.in_(list(job_ids))).order_by(spend.c.created_at, spend.c.id)
        async with self.store.read() as conn:
            rows = (await conn.execute(query)).all()
        return [SpendLine(**_line(row._mapping)) for row in rows]


def _line(row: Any) -> dict[str, Any]:
    return {k: row[k] for k in ("job_id", "step", "model", "prediction_id", "seconds", "usd", "created_at")}

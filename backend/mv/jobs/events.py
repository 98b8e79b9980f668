"""Job changes from every process: PostgreSQL NOTIFYs each job row written (a trigger), every API process LISTENs."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from mv.core.db.notify import Notifications

CHANNEL = "encore_jobs"
"""The channel the `jobs` table's trigger notifies with each changed row as JSON, or its id when too large (migration 0009)."""


def job_notifications(conninfo: str, on_change: Callable[[str], Awaitable[None]]) -> Notifications:
    """Calls `on_change(payload)` for each job written by any process: the row as JSON, or its id."""
    return Notifications(conninfo, CHANNEL, on_change)

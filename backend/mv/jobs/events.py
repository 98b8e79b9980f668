"""Job changes from every process: PostgreSQL NOTIFYs each job row written (a trigger), every API process LISTENs."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from mv.core.db.notify import Notifications

CHANNEL = "encore_jobs"
"""The channel the `jobs` table's trigger notifies with each changed job's id (migration 0006)."""


def job_notifications(conninfo: str, on_change: Callable[[str], Awaitable[None]]) -> Notifications:
    """Calls `on_change(job_id)` for each job written by any process."""
    return Notifications(conninfo, CHANNEL, on_change)

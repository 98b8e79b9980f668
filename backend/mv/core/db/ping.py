"""Checking pooled PostgreSQL connections before use without a round trip when their socket says they are fine."""

from __future__ import annotations

import select
import time
from typing import Any

from sqlalchemy import event, exc
from sqlalchemy.ext.asyncio import AsyncEngine

IDLE_PING_SECONDS = 30.0
"""A pooled connection unused this long is always pinged (a firewall may have dropped it without a word)."""


def _socket_quiet(dbapi_connection: Any) -> bool:
    """Whether the connection's socket has nothing to read: a server that closed it (a restart) makes it readable."""
    try:
        fd = dbapi_connection.driver_connection.pgconn.socket
        readable, _, _ = select.select([fd], [], [], 0)
    except Exception:  # noqa: BLE001 - anything odd gets the full ping
        return False
    return not readable


def ping_idle_connections(engine: AsyncEngine, idle: float = IDLE_PING_SECONDS) -> None:
    """At checkout, ping a connection whose socket is readable or that sat unused over `idle` seconds; a dead one is replaced.

    A busy process so skips the round trip SQLAlchemy's `pool_pre_ping` spends on every transaction.
    """
    dialect = engine.dialect

    @event.listens_for(engine.sync_engine, "checkin")
    def _returned(dbapi_connection: Any, record: Any) -> None:
        record.info["returned_at"] = time.monotonic()

    @event.listens_for(engine.sync_engine, "checkout")
    def _check(dbapi_connection: Any, record: Any, proxy: Any) -> None:
        returned = record.info.get("returned_at")
        if returned is None or (time.monotonic() - returned < idle and _socket_quiet(dbapi_connection)):
            return
        try:
            alive = dialect.do_ping(dbapi_connection)
        except Exception:  # noqa: BLE001 - any failure to answer is a dead connection
            alive = False
        if not alive:
            raise exc.DisconnectionError("the pooled connection did not answer")

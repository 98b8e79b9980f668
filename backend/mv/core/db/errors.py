"""Telling a lost PostgreSQL connection apart from a failed statement."""

from __future__ import annotations

import psycopg
from sqlalchemy.exc import DBAPIError


def database_unavailable(exc: BaseException) -> bool:
    """Whether `exc` means PostgreSQL could not be reached (a restart, a dropped connection), not a bad statement."""
    if isinstance(exc, DBAPIError):
        return bool(exc.connection_invalidated) or isinstance(exc.orig, (psycopg.OperationalError, psycopg.InterfaceError))
    return isinstance(exc, (psycopg.OperationalError, psycopg.InterfaceError))

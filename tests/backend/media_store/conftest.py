"""Fixtures of the process-level media store tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from pg import PostgresServer


@pytest.fixture
def database(pg_server: PostgresServer) -> Iterator[str]:
    """A fresh database on the session's PostgreSQL server."""
    url = pg_server.create_database()
    yield url
    pg_server.drop_database(url)

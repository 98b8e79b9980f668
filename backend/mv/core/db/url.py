"""Operator database URLs to engine URLs: the operator names the database, Encore picks the driver."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

DRIVERS = {"sqlite": "sqlite+aiosqlite", "postgresql": "postgresql+psycopg", "postgres": "postgresql+psycopg"}
"""Accepted URL schemes and the async driver each one runs on."""


def default_url(data_dir: Path) -> str:
    """The embedded default: one SQLite file in the data folder."""
    return f"sqlite:///{data_dir / 'encore.db'}"


def engine_url(url: str) -> URL:
    """The SQLAlchemy URL for an operator's `sqlite:///…` or `postgresql://…` URL; ValueError for anything else."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise ValueError("must be a URL such as postgresql://user:password@host:5432/encore or sqlite:///path/encore.db") from None
    scheme, _, driver = parsed.drivername.partition("+")
    if scheme not in DRIVERS or (driver and f"{scheme}+{driver}" not in DRIVERS.values()):
        raise ValueError("must be a postgresql:// or sqlite:/// URL")
    if scheme == "sqlite" and parsed.database in (None, "", ":memory:"):
        raise ValueError("a sqlite URL must name a file, e.g. sqlite:///path/encore.db")
    return parsed.set(drivername=DRIVERS[scheme])

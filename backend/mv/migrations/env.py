"""Alembic's entry point: migrate the connection Encore hands over, or (from the alembic command) the configured database."""

from __future__ import annotations

import asyncio

from alembic import context
from sqlalchemy.engine import Connection

import mv.assets.repository  # noqa: F401  (registers the assets table)
import mv.jobs.repository  # noqa: F401  (registers the jobs table)
import mv.spend.repository  # noqa: F401  (registers the spend table)
import mv.webhooks.repository  # noqa: F401  (registers the webhook deliveries table)
from mv.core.db import Store, metadata
from mv.core.db.migrate import LOCK, include_object


def run(connection: Connection) -> None:
    """Apply the requested migrations inside the caller's transaction."""
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        include_object=include_object,
    )
    with context.begin_transaction():
        context.run_migrations()


async def run_from_settings() -> None:
    """For `alembic -c backend/mv/migrations/alembic.ini …`: the database MV_DATABASE_URL names."""
    from mv.core.settings import get_settings

    store = Store(get_settings().database_url)
    try:
        async with store.begin(exclusive=LOCK) as conn:
            await conn.run_sync(run)
    finally:
        await store.close()


given = context.config.attributes.get("connection")
if given is not None:
    run(given)
else:
    asyncio.run(run_from_settings())

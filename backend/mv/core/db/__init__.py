"""The metadata store: SQLAlchemy on SQLite (embedded) or PostgreSQL (shared), migrated by Alembic."""

from mv.core.db.schema import Json, metadata
from mv.core.db.store import Store, lock_key
from mv.core.db.url import default_url, engine_url

__all__ = ["Json", "Store", "default_url", "engine_url", "lock_key", "metadata"]

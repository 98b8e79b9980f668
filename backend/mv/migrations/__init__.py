"""Encore's schema history as Alembic migrations (applied by `mv.core.db.Store.open`)."""

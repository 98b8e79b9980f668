"""PostgreSQL only: a job change's NOTIFY carries the changed row itself (its id when the row is too large), so listeners see every state."""

from __future__ import annotations

from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

ROW_LIMIT = 7000
"""Bytes of JSON sent whole; PostgreSQL refuses payloads from 8000 bytes."""

WITH_ROW = f"""
CREATE OR REPLACE FUNCTION encore_notify_job() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    body TEXT := row_to_json(NEW)::TEXT;
BEGIN
    IF octet_length(body) <= {ROW_LIMIT} THEN
        PERFORM pg_notify('encore_jobs', body);
    ELSE
        PERFORM pg_notify('encore_jobs', NEW.id);
    END IF;
    RETURN NEW;
END;
$$
"""

ID_ONLY = """
CREATE OR REPLACE FUNCTION encore_notify_job() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('encore_jobs', NEW.id);
    RETURN NEW;
END;
$$
"""


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        bind.exec_driver_sql(WITH_ROW)


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        bind.exec_driver_sql(ID_ONLY)

"""PostgreSQL only: Procrastinate's queue schema, a NOTIFY on every job change, and the shared rate-limit buckets."""

from __future__ import annotations

from alembic import op
from procrastinate.schema import SchemaManager

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

JOB_CHANNEL = "encore_jobs"

NOTIFY_FUNCTION = f"""
CREATE FUNCTION encore_notify_job() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('{JOB_CHANNEL}', NEW.id);
    RETURN NEW;
END;
$$
"""

NOTIFY_TRIGGER = """
CREATE TRIGGER encore_jobs_notify AFTER INSERT OR UPDATE ON jobs
FOR EACH ROW EXECUTE FUNCTION encore_notify_job()
"""

BUCKETS = """
CREATE TABLE encore_rate_buckets (
    name TEXT PRIMARY KEY,
    tokens DOUBLE PRECISION NOT NULL,
    stamp DOUBLE PRECISION NOT NULL
)
"""


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    bind.exec_driver_sql(SchemaManager.get_schema().replace("%", "%%"))  # the driver reads % as a placeholder
    bind.exec_driver_sql(NOTIFY_FUNCTION)
    bind.exec_driver_sql(NOTIFY_TRIGGER)
    bind.exec_driver_sql(BUCKETS)


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    bind.exec_driver_sql("DROP TABLE encore_rate_buckets")
    bind.exec_driver_sql("DROP TRIGGER encore_jobs_notify ON jobs")
    bind.exec_driver_sql("DROP FUNCTION encore_notify_job()")

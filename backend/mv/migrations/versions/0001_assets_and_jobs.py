"""Assets and jobs, exactly as the first hand-written SQLite schema had them (0003 tightens SQLite's quirks)."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

JSON = sa.Text().with_variant(postgresql.JSONB(), "postgresql")
SECONDS = sa.Double().with_variant(sa.REAL(), "sqlite")
EMPTY = sa.text("'{}'")


def upgrade() -> None:
    op.create_table(
        "assets",
        sa.Column("id", sa.Text(), primary_key=True, nullable=True),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("job_id", sa.Text()),
        sa.Column("parent_id", sa.Text()),
        sa.Column("storage_key", sa.Text()),
        sa.Column("s3_key", sa.Text()),
        sa.Column("info", JSON, nullable=False, server_default=EMPTY),
        sa.Column("created_at", SECONDS, nullable=False),
        sa.Column("updated_at", SECONDS, nullable=False),
    )
    op.create_index("assets_job", "assets", ["job_id"])
    op.create_table(
        "jobs",
        sa.Column("id", sa.Text(), primary_key=True, nullable=True),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("progress", SECONDS, nullable=False, server_default=sa.text("0")),
        sa.Column("message", sa.Text()),
        sa.Column("request", JSON, nullable=False, server_default=EMPTY),
        sa.Column("state", JSON, nullable=False, server_default=EMPTY),
        sa.Column("result", JSON),
        sa.Column("error", JSON),
        sa.Column("attempts", sa.Integer(), nullable=False, server_default=sa.text("0")),
        sa.Column("created_at", SECONDS, nullable=False),
        sa.Column("updated_at", SECONDS, nullable=False),
    )
    op.create_index("jobs_status", "jobs", ["status"])


def downgrade() -> None:
    op.drop_table("jobs")
    op.drop_table("assets")

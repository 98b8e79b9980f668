"""Jobs remember the Idempotency-Key (unique) and request hash that created them."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("jobs", sa.Column("idempotency_key", sa.Text()))
    op.add_column("jobs", sa.Column("request_hash", sa.Text()))
    op.create_index("jobs_idempotency_key", "jobs", ["idempotency_key"], unique=True)


def downgrade() -> None:
    with op.batch_alter_table("jobs") as batch:
        batch.drop_index("jobs_idempotency_key")
        batch.drop_column("request_hash")
        batch.drop_column("idempotency_key")

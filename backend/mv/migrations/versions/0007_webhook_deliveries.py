"""Replicate webhook deliveries: each id once (replays are refused), with the prediction it reports."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "webhook_deliveries",
        sa.Column("id", sa.Text(), primary_key=True),
        sa.Column("prediction_id", sa.Text(), nullable=False),
        sa.Column("status", sa.Text()),
        sa.Column("payload", sa.Text().with_variant(postgresql.JSONB(), "postgresql")),
        sa.Column("received_at", sa.Double(), nullable=False),
    )
    op.create_index("webhook_deliveries_prediction_id", "webhook_deliveries", ["prediction_id"])
    op.create_index("webhook_deliveries_received_at", "webhook_deliveries", ["received_at"])


def downgrade() -> None:
    op.drop_index("webhook_deliveries_received_at", "webhook_deliveries")
    op.drop_index("webhook_deliveries_prediction_id", "webhook_deliveries")
    op.drop_table("webhook_deliveries")

"""The spend ledger: estimated USD reserved by paid requests, and one line per finished prediction."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "spend",
        sa.Column("id", sa.Text(), primary_key=True, nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("job_id", sa.Text(), nullable=False),
        sa.Column("step", sa.Text(), nullable=False),
        sa.Column("model", sa.Text(), nullable=False),
        sa.Column("usd", sa.Double(), nullable=False),
        sa.Column("seconds", sa.Double()),
        sa.Column("prediction_id", sa.Text()),
        sa.Column("created_at", sa.Double(), nullable=False),
    )
    op.create_index("spend_kind_created", "spend", ["kind", "created_at"])
    op.create_index("spend_job", "spend", ["job_id"])
    op.create_index("spend_prediction", "spend", ["prediction_id"], unique=True)


def downgrade() -> None:
    op.drop_index("spend_prediction", table_name="spend")
    op.drop_index("spend_job", table_name="spend")
    op.drop_index("spend_kind_created", table_name="spend")
    op.drop_table("spend")

"""On SQLite, ids become NOT NULL and times DOUBLE, as the tables declare them (PostgreSQL had both from the start)."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

TIMES = {"assets": ("created_at", "updated_at"), "jobs": ("progress", "created_at", "updated_at")}


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for table, columns in TIMES.items():
        with op.batch_alter_table(table, recreate="always") as batch:
            batch.alter_column("id", existing_type=sa.Text(), nullable=False)
            for column in columns:
                batch.alter_column(column, existing_type=sa.REAL(), type_=sa.Double(), existing_nullable=False)


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for table, columns in TIMES.items():
        with op.batch_alter_table(table, recreate="always") as batch:
            batch.alter_column("id", existing_type=sa.Text(), nullable=True)
            for column in columns:
                batch.alter_column(column, existing_type=sa.Double(), type_=sa.REAL(), existing_nullable=False)

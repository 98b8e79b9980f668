"""Projects (with the assets they use and a share link) and the workspace every project and job belongs to."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0005"
down_revision = "0003"
branch_labels = None
depends_on = None

JSON = sa.Text().with_variant(postgresql.JSONB(), "postgresql")
DEFAULT_WORKSPACE = sa.text("'default'")


def upgrade() -> None:
    op.add_column("jobs", sa.Column("workspace_id", sa.Text(), nullable=False, server_default=DEFAULT_WORKSPACE))
    op.create_table(
        "projects",
        sa.Column("id", sa.Text(), primary_key=True),
        sa.Column("workspace_id", sa.Text(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("document", JSON, nullable=False, server_default=sa.text("'{}'")),
        sa.Column("share_token_hash", sa.Text()),
        sa.Column("created_at", sa.Double(), nullable=False),
        sa.Column("updated_at", sa.Double(), nullable=False),
    )
    op.create_index("projects_workspace_created", "projects", ["workspace_id", "created_at"])
    op.create_index("projects_share_token_hash", "projects", ["share_token_hash"], unique=True)
    op.create_table(
        "project_assets",
        sa.Column("project_id", sa.Text(), primary_key=True),
        sa.Column("asset_id", sa.Text(), primary_key=True),
    )
    op.create_index("project_assets_asset", "project_assets", ["asset_id"])


def downgrade() -> None:
    op.drop_table("project_assets")
    op.drop_table("projects")
    with op.batch_alter_table("jobs") as batch:
        batch.drop_column("workspace_id")

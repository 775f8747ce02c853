"""theme runs: drafts awaiting confirmation (status, the run and the edits they were
computed against)

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-30 20:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("theme_runs", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("status", sa.String(length=10), nullable=False, server_default="applied")
        )
        batch_op.add_column(sa.Column("base_run_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("last_edit_id", sa.Integer(), nullable=True))


def downgrade() -> None:
    # Drafts were never shown as the project's themes; without a status they would be.
    op.execute("DELETE FROM theme_runs WHERE status = 'draft'")
    with op.batch_alter_table("theme_runs", schema=None) as batch_op:
        batch_op.drop_column("last_edit_id")
        batch_op.drop_column("base_run_id")
        batch_op.drop_column("status")

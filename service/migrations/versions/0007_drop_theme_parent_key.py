"""themes: drop parent_key, never written (the tree is computed from the centroids)

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-22 19:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("themes", schema=None) as batch_op:
        batch_op.drop_column("parent_key")


def downgrade() -> None:
    with op.batch_alter_table("themes", schema=None) as batch_op:
        batch_op.add_column(sa.Column("parent_key", sa.Integer(), nullable=True))

"""notes: noun phrases; themes: description and similarity quantiles (readable names, fit)

Revision ID: 0013
Revises: 0010
Create Date: 2026-11-23 12:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("notes", schema=None) as batch_op:
        batch_op.add_column(sa.Column("phrases", sa.JSON(), nullable=True))

    with op.batch_alter_table("themes", schema=None) as batch_op:
        batch_op.add_column(sa.Column("similarity_quantiles", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("description", sa.Text(), server_default="", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("themes", schema=None) as batch_op:
        batch_op.drop_column("description")
        batch_op.drop_column("similarity_quantiles")

    with op.batch_alter_table("notes", schema=None) as batch_op:
        batch_op.drop_column("phrases")

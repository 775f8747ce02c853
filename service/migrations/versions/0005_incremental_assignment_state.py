"""incremental assignment state

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22 13:16:00.955138
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("theme_runs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("center", sa.LargeBinary(), nullable=True))
        batch_op.add_column(sa.Column("assign_threshold", sa.Float(), nullable=True))

    with op.batch_alter_table("themes", schema=None) as batch_op:
        batch_op.add_column(sa.Column("centred_centroid", sa.LargeBinary(), nullable=True))
        batch_op.add_column(sa.Column("typical_similarity", sa.Float(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("themes", schema=None) as batch_op:
        batch_op.drop_column("typical_similarity")
        batch_op.drop_column("centred_centroid")

    with op.batch_alter_table("theme_runs", schema=None) as batch_op:
        batch_op.drop_column("assign_threshold")
        batch_op.drop_column("center")

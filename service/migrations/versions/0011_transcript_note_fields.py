"""notes: speaker, speaker_role, turn, start_time, end_time (transcripts)

Revision ID: 0011
Revises: 0013
Create Date: 2026-11-24 10:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("notes", schema=None) as batch_op:
        batch_op.add_column(sa.Column("speaker", sa.String(length=255), nullable=True))
        batch_op.add_column(sa.Column("speaker_role", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("turn", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("start_time", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("end_time", sa.Float(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("notes", schema=None) as batch_op:
        for column in ("end_time", "start_time", "turn", "speaker_role", "speaker"):
            batch_op.drop_column(column)

"""human codes

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 09:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "human_codes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("note_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=255), nullable=False),
        sa.Column("coder", sa.String(length=100), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["note_id"], ["notes.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["project_id"], ["projects.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("note_id", "coder"),
    )
    with op.batch_alter_table("human_codes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_human_codes_note_id"), ["note_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_human_codes_project_id"), ["project_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("human_codes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_human_codes_project_id"))
        batch_op.drop_index(batch_op.f("ix_human_codes_note_id"))

    op.drop_table("human_codes")

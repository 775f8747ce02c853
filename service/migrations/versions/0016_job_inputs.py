"""job inputs: a job's arguments and uploaded files live in the database, so any worker
process can run it from its row alone; attempts, so a job whose worker died runs again;
priority, so small work goes first; started_at, for an estimate of the time left

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-01 10:20:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("jobs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("args", sa.JSON(), nullable=False, server_default="{}"))
        batch_op.add_column(sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("priority", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("started_at", sa.DateTime(), nullable=True))
    op.create_table(
        "job_files",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "job_id",
            sa.String(length=36),
            sa.ForeignKey("jobs.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        ),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("filename", sa.Text(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sqlite_autoincrement=True,  # ids are never reused (migration 0008)
    )


def downgrade() -> None:
    op.drop_table("job_files")
    with op.batch_alter_table("jobs", schema=None) as batch_op:
        batch_op.drop_column("started_at")
        batch_op.drop_column("priority")
        batch_op.drop_column("attempts")
        batch_op.drop_column("args")

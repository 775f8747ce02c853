"""theme_keys_used: the largest theme key a project ever gave, so a deleted theme's key
(merged away, emptied by moves) is never given to another theme

Revision ID: 0015
Revises: 0011
Create Date: 2026-12-01 06:40:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("projects", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("theme_keys_used", sa.Integer(), nullable=False, server_default="0")
        )
    # The keys still stored are the best record there is of the keys already given.
    op.execute(
        'UPDATE projects SET theme_keys_used = COALESCE((SELECT MAX(themes."key") FROM themes'
        " WHERE themes.project_id = projects.id), 0)"
    )


def downgrade() -> None:
    with op.batch_alter_table("projects", schema=None) as batch_op:
        batch_op.drop_column("theme_keys_used")

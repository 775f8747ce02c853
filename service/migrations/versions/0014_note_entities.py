"""note_entities: organisations and places of a note text, cached for the actor map

Revision ID: 0014
Revises: 0012
Create Date: 2026-11-30 19:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "note_entities",
        sa.Column("recognizer", sa.String(length=255), nullable=False),
        sa.Column("text_hash", sa.String(length=64), nullable=False),
        sa.Column("mentions", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("recognizer", "text_hash"),
    )


def downgrade() -> None:
    op.drop_table("note_entities")

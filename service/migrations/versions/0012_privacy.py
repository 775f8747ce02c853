"""privacy: project policy, personal data findings, speaker names

Revision ID: 0012
Revises: 0007
Create Date: 2026-11-23 10:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "project_privacy",
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("policy", sa.String(length=10), nullable=False),
        sa.Column("updated_by", sa.String(length=100), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["project_id"], ["projects.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("project_id"),
    )
    op.create_table(
        "personal_data_findings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("note_id", sa.Integer(), nullable=True),
        sa.Column("field", sa.String(length=120), nullable=False),
        sa.Column("entity", sa.String(length=40), nullable=False),
        sa.Column("start", sa.Integer(), nullable=False),
        sa.Column("end", sa.Integer(), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("recognizer", sa.String(length=100), nullable=False),
        sa.Column("redacted", sa.Boolean(), nullable=False),
        sa.Column("review", sa.String(length=20), nullable=False),
        sa.Column("reviewed_by", sa.String(length=100), nullable=True),
        sa.Column("reviewed_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["document_id"], ["documents.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["note_id"], ["notes.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["project_id"], ["projects.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("personal_data_findings", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_personal_data_findings_document_id"), ["document_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_personal_data_findings_project_id"), ["project_id"], unique=False
        )
    op.create_table(
        "speaker_names",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("pseudonym", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.ForeignKeyConstraint(["document_id"], ["documents.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["project_id"], ["projects.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("document_id", "pseudonym"),
    )
    with op.batch_alter_table("speaker_names", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_speaker_names_project_id"), ["project_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("speaker_names", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_speaker_names_project_id"))
    op.drop_table("speaker_names")
    with op.batch_alter_table("personal_data_findings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_personal_data_findings_project_id"))
        batch_op.drop_index(batch_op.f("ix_personal_data_findings_document_id"))
    op.drop_table("personal_data_findings")
    op.drop_table("project_privacy")

"""never reuse ids; a random uid per project; jobs record their owner and a heartbeat

SQLite hands out the highest deleted rowid again unless a table is AUTOINCREMENT, so a
project made after another was deleted got its id (and, through id-keyed caches and
jobs, its data). Every table with an integer id is rebuilt with AUTOINCREMENT on SQLite;
PostgreSQL's sequences never reuse a value, so there only the new columns are added.
Ids deleted before this migration, above the highest id left, can still be given once.

The rebuild needs SQLite's foreign keys OFF (``service.storage.db.migrate`` does it):
with them on, dropping the old ``projects`` table would cascade-delete every document.

Revision ID: 0008
Revises: 0014
Create Date: 2026-11-30 19:30:00
"""

import uuid

import sqlalchemy as sa
from alembic import op
from sqlalchemy.engine import Connection

revision = "0008"
down_revision = "0014"
branch_labels = None
depends_on = None

# Tables with a single integer id (jobs have uuids; projects are rebuilt on their own).
ID_TABLES = (
    "documents",
    "notes",
    "theme_runs",
    "themes",
    "theme_edits",
    "users",
    "memberships",
    "audit_log",
    "human_codes",
    "personal_data_findings",
    "speaker_names",
)
AUTOINCREMENT = {"sqlite_autoincrement": True}
# Names SQLite's unnamed foreign keys so that batch mode can drop one.
NAMING = {"fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s"}
JOBS_FK = "fk_jobs_project_id_projects"  # what NAMING calls it; its name from here on


def _check_foreign_keys_off(bind: Connection) -> None:
    if bind.exec_driver_sql("PRAGMA foreign_keys").scalar():
        raise RuntimeError(
            "Migration 0008 rebuilds SQLite tables and must run with foreign keys off "
            "(run it through service.storage.db.migrate); with them on, rebuilding "
            "'projects' would delete every document."
        )


def _jobs_foreign_key(bind: Connection, sqlite: bool, name: str, ondelete: str) -> None:
    """Point jobs.project_id at projects with ``ondelete`` (CASCADE or SET NULL)."""
    reflected = next(
        fk["name"]
        for fk in sa.inspect(bind).get_foreign_keys("jobs")
        if fk["referred_table"] == "projects"
    )
    current = reflected or JOBS_FK  # SQLite's unnamed one: NAMING gives it this name
    with op.batch_alter_table("jobs", naming_convention=NAMING if sqlite else None) as batch:
        batch.drop_constraint(current, type_="foreignkey")
        batch.create_foreign_key(name, "projects", ["project_id"], ["id"], ondelete=ondelete)


def upgrade() -> None:
    bind = op.get_bind()
    sqlite = bind.dialect.name == "sqlite"
    if sqlite:
        _check_foreign_keys_off(bind)
    op.add_column("projects", sa.Column("uid", sa.String(length=32), nullable=True))
    projects = sa.table("projects", sa.column("id", sa.Integer), sa.column("uid", sa.String))
    for (project_id,) in bind.execute(sa.select(projects.c.id)).all():
        bind.execute(
            projects.update().where(projects.c.id == project_id).values(uid=uuid.uuid4().hex)
        )
    with op.batch_alter_table(
        "projects", recreate="always" if sqlite else "auto", table_kwargs=AUTOINCREMENT
    ) as batch:
        batch.alter_column("uid", existing_type=sa.String(length=32), nullable=False)
        batch.create_unique_constraint("uq_projects_uid", ["uid"])

    op.add_column("jobs", sa.Column("owner", sa.String(length=200), nullable=True))
    op.add_column("jobs", sa.Column("heartbeat_at", sa.DateTime(), nullable=True))
    _jobs_foreign_key(bind, sqlite, JOBS_FK, "SET NULL")
    if sqlite:
        for table in ID_TABLES:
            with op.batch_alter_table(table, recreate="always", table_kwargs=AUTOINCREMENT):
                pass


def downgrade() -> None:
    bind = op.get_bind()
    sqlite = bind.dialect.name == "sqlite"
    if sqlite:
        _check_foreign_keys_off(bind)
        for table in ID_TABLES:  # a rebuild from the reflected table drops AUTOINCREMENT
            with op.batch_alter_table(table, recreate="always"):
                pass
    _jobs_foreign_key(bind, sqlite, "jobs_project_id_fkey", "CASCADE")  # 0001's name
    with op.batch_alter_table("jobs") as batch:
        batch.drop_column("heartbeat_at")
        batch.drop_column("owner")
    with op.batch_alter_table("projects", recreate="always" if sqlite else "auto") as batch:
        batch.drop_constraint("uq_projects_uid", type_="unique")
        batch.drop_column("uid")

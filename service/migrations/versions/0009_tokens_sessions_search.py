"""token expiry, sign-in links and sessions; full-text search over notes

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30 20:00:00

The search index lives outside the models (SQLAlchemy has no type for it):

- SQLite: a contentless FTS5 table ``notes_search`` (rowid = note id; columns ``lemmas``,
  the note's lemmas joined by spaces, and ``text``), kept in step by triggers on ``notes``
  (a note's text and lemmas are written once; the update trigger is for safety);
- PostgreSQL: an immutable function ``note_search_vector(lemmas, text)`` (lemmas weighted
  A, text B, the ``simple`` configuration: lower case, no stemming) and a GIN index on it,
  which PostgreSQL keeps in step by itself.
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

_LEMMAS = "(SELECT group_concat(value, ' ') FROM json_each({row}.lemmas))"
SQLITE_UP = [
    "CREATE VIRTUAL TABLE notes_search USING fts5("
    "lemmas, text, content='', tokenize='unicode61 remove_diacritics 0')",
    f"INSERT INTO notes_search(rowid, lemmas, text) "
    f"SELECT id, {_LEMMAS.format(row='notes')}, text FROM notes",
    f"""CREATE TRIGGER notes_search_insert AFTER INSERT ON notes BEGIN
        INSERT INTO notes_search(rowid, lemmas, text)
        VALUES (new.id, {_LEMMAS.format(row="new")}, new.text);
    END""",
    f"""CREATE TRIGGER notes_search_delete AFTER DELETE ON notes BEGIN
        INSERT INTO notes_search(notes_search, rowid, lemmas, text)
        VALUES ('delete', old.id, {_LEMMAS.format(row="old")}, old.text);
    END""",
    f"""CREATE TRIGGER notes_search_update AFTER UPDATE OF text, lemmas ON notes BEGIN
        INSERT INTO notes_search(notes_search, rowid, lemmas, text)
        VALUES ('delete', old.id, {_LEMMAS.format(row="old")}, old.text);
        INSERT INTO notes_search(rowid, lemmas, text)
        VALUES (new.id, {_LEMMAS.format(row="new")}, new.text);
    END""",
]
SQLITE_DOWN = [
    "DROP TRIGGER notes_search_update",
    "DROP TRIGGER notes_search_delete",
    "DROP TRIGGER notes_search_insert",
    "DROP TABLE notes_search",
]
POSTGRES_UP = [
    """CREATE FUNCTION note_search_vector(lemmas json, body text) RETURNS tsvector
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
        SELECT setweight(to_tsvector('simple'::regconfig, coalesce(
                   (SELECT string_agg(value, ' ') FROM json_array_elements_text(lemmas)), '')),
               'A')
            || setweight(to_tsvector('simple'::regconfig, coalesce(body, '')), 'B')
    $$""",
    "CREATE INDEX ix_notes_search ON notes USING gin (note_search_vector(lemmas, text))",
]
POSTGRES_DOWN = [
    "DROP INDEX ix_notes_search",
    "DROP FUNCTION note_search_vector(json, text)",
]


def upgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("token_expires_at", sa.DateTime(), nullable=True))
    op.create_table(
        "session_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_hash"),
        sqlite_autoincrement=True,  # ids are never reused (migration 0008)
    )
    with op.batch_alter_table("session_tokens", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_session_tokens_user_id"), ["user_id"], unique=False)
    dialect = op.get_bind().dialect.name
    for statement in SQLITE_UP if dialect == "sqlite" else POSTGRES_UP:
        op.execute(statement)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    for statement in SQLITE_DOWN if dialect == "sqlite" else POSTGRES_DOWN:
        op.execute(statement)
    with op.batch_alter_table("session_tokens", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_session_tokens_user_id"))
    op.drop_table("session_tokens")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("token_expires_at")

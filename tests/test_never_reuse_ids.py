"""Integer ids are never handed out twice (SQLite AUTOINCREMENT, PostgreSQL sequences),
every project has its own random uid, and migration 0008 keeps existing data whole."""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from sqlalchemy import Integer, func, select, text

from service.config import Settings
from service.storage.db import MIGRATIONS_DIR, Database, migration_connection
from service.storage.models import Base, Document, Job, Note, Project, Theme, ThemeRun
from tests.factories import ThemeSpec, add_document, add_project, add_run, database


def _id_tables() -> list[str]:
    """Tables whose primary key is one integer id of their own (not a foreign key)."""
    names = []
    for table in Base.metadata.tables.values():
        key = list(table.primary_key.columns)
        if len(key) == 1 and isinstance(key[0].type, Integer) and not key[0].foreign_keys:
            names.append(table.name)
    return sorted(names)


def test_ids_are_never_reused_after_a_delete(settings: Settings) -> None:
    """SQLite would hand out the highest deleted id again without AUTOINCREMENT;
    PostgreSQL's sequences never do. Rows of every level, deleted and made again."""
    with database(settings.resolved_database_url) as db:
        first = add_project(db, "a")
        notes = add_document(db, first, ["Ensimmäinen muistiinpano tässä"], "Kainuu")
        run = add_run(db, first, {1: ThemeSpec("Teema")}, {notes[0]: 1})
        with db.session() as session:
            old_document = session.scalar(select(Document.id))
            old_theme = session.scalar(select(Theme.id))
            old_uid = session.get(Project, first).uid  # type: ignore[union-attr]
            session.delete(session.get(Project, first))
        second = add_project(db, "a")
        new_notes = add_document(db, second, ["Ensimmäinen muistiinpano tässä"], "Kainuu")
        new_run = add_run(db, second, {1: ThemeSpec("Teema")}, {new_notes[0]: 1})
        with db.session() as session:
            assert second > first and new_notes[0] > notes[0] and new_run > run
            assert session.scalar(select(Document.id)) > old_document  # type: ignore[operator]
            assert session.scalar(select(Theme.id)) > old_theme  # type: ignore[operator]
            assert session.get(Project, second).uid != old_uid  # type: ignore[union-attr]
            assert session.scalar(select(Note.id)) == new_notes[0]
            assert session.scalar(select(ThemeRun.id)) == new_run


def _config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def test_migration_0008_keeps_the_data_and_never_reuses_an_id(database_url: str) -> None:
    db = Database(database_url)
    config = _config()
    with migration_connection(db.engine) as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0007")
        for name in ("a", "b"):  # the schema of 0007: no uid yet
            connection.execute(
                text(
                    "INSERT INTO projects (name, description, created_at, revision) "
                    "VALUES (:name, '', CURRENT_TIMESTAMP, 0)"
                ),
                {"name": name},
            )
        connection.execute(
            text(
                "INSERT INTO documents (project_id, filename, content_hash, format, kind, "
                "region, text, note_count, created_at) SELECT id, 'a.txt', 'h', 'txt', "
                "'workshop', 'Kainuu', 'teksti', 0, CURRENT_TIMESTAMP FROM projects"
            )
        )
        connection.execute(
            text(
                "INSERT INTO jobs (id, project_id, kind, state, progress, message, result, "
                "created_at, updated_at) SELECT 'job-' || name, id, 'ingest', 'succeeded', "
                "1.0, '', '{}', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP FROM projects"
            )
        )
    db.migrate()  # to head, the way the service does it

    with db.session() as session:
        uids = session.scalars(select(Project.uid)).all()
        assert len(uids) == 2 and len(set(uids)) == 2 and all(len(u) == 32 for u in uids)
        assert session.scalar(select(func.count()).select_from(Document)) == 2
        newest = session.scalar(select(Document).order_by(Document.id.desc()))
        assert newest is not None and newest.id == 2
        session.delete(newest)
    with db.session() as session:  # the deleted document's id is not given again
        project_a = session.scalar(select(Project).where(Project.name == "a"))
        assert project_a is not None
        session.add(
            Document(project_id=project_a.id, filename="c.txt", content_hash="c", format="txt",
                     kind="workshop", region="Kainuu", text="t", note_count=0)
        )  # fmt: skip
        session.flush()
        assert session.scalar(select(func.max(Document.id))) == 3
        session.delete(project_a)
    with db.session() as session:  # foreign keys still cascade, and jobs outlive projects
        assert session.scalar(select(func.count()).select_from(Document)) == 0
        assert session.get(Job, "job-a").project_id is None  # type: ignore[union-attr]
        assert session.get(Job, "job-b").project_id is not None  # type: ignore[union-attr]

    if db.engine.dialect.name == "sqlite":
        with db.engine.connect() as connection:
            rows = connection.execute(text("SELECT name, sql FROM sqlite_master"))
            schemas = {name: sql or "" for name, sql in rows}
            assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
        missing = [name for name in _id_tables() if "AUTOINCREMENT" not in schemas[name]]
        assert missing == []
    db.dispose()


def test_every_table_with_an_id_is_declared_never_to_reuse_it() -> None:
    """A new table must end its ``__table_args__`` with NEVER_REUSE_IDS (models.py)."""
    tables = _id_tables()
    assert "projects" in tables and "notes" in tables and "users" in tables
    assert [
        name
        for name in tables
        if not Base.metadata.tables[name].dialect_options["sqlite"]["autoincrement"]
    ] == []

"""The migrations build exactly the schema the models describe, on SQLite and PostgreSQL,
and the newest one can be undone and redone."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext

from service.storage.db import MIGRATIONS_DIR, Database, migration_connection
from service.storage.models import Base
from service.storage.search import is_search_object


def _differences(database: Database) -> list[object]:
    with database.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": False})
        return [
            change
            for change in compare_metadata(context, Base.metadata)
            # alembic's own bookkeeping table is not a model, nor is the search index
            if not (change[0] == "remove_table" and change[1].name == "alembic_version")
            and not (
                change[0] in ("remove_table", "remove_index")
                and is_search_object(change[0].split("_")[1], change[1].name)
            )
        ]


def test_migrations_match_the_models(database_url: str) -> None:
    database = Database(database_url)
    database.migrate()
    assert _differences(database) == []
    with database.engine.connect() as connection:
        columns = connection.exec_driver_sql("SELECT * FROM themes WHERE 1 = 0").keys()
    assert "parent_key" not in columns  # 0007 dropped the column nobody wrote

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    with migration_connection(database.engine) as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "-1")
        command.upgrade(config, "head")
    assert _differences(database) == []
    database.engine.dispose()

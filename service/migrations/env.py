"""Alembic environment: runs on the connection handed in by ``service.storage.db.migrate``."""

from alembic import context
from sqlalchemy import create_engine

import service.storage.access  # noqa: F401  (registers the tables on Base)
import service.storage.human_codes  # noqa: F401
import service.storage.privacy  # noqa: F401
from service.storage.models import Base
from service.storage.search import is_search_object

config = context.config
target_metadata = Base.metadata


def include_object(
    _object: object, name: str | None, kind: str, reflected: bool, _to: object
) -> bool:
    """Autogenerate leaves the search index alone: it is made by hand, not from a model."""
    return not (reflected and is_search_object(kind, name))


def run_migrations() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            include_object=include_object,
        )
        with context.begin_transaction():
            context.run_migrations()
        return
    # `alembic` run by hand: use sqlalchemy.url from the config.
    engine = create_engine(config.get_main_option("sqlalchemy.url") or "sqlite://")
    with engine.begin() as conn:
        context.configure(
            connection=conn, target_metadata=target_metadata, include_object=include_object
        )
        with context.begin_transaction():
            context.run_migrations()


run_migrations()

"""Alembic environment: runs on the connection handed in by ``service.storage.db.migrate``."""

from alembic import context
from sqlalchemy import create_engine

import service.storage.access  # noqa: F401  (registers the tables on Base)
import service.storage.human_codes  # noqa: F401
import service.storage.privacy  # noqa: F401
from service.storage.models import Base

config = context.config
target_metadata = Base.metadata


def run_migrations() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
        )
        with context.begin_transaction():
            context.run_migrations()
        return
    # `alembic` run by hand: use sqlalchemy.url from the config.
    engine = create_engine(config.get_main_option("sqlalchemy.url") or "sqlite://")
    with engine.begin() as conn:
        context.configure(connection=conn, target_metadata=target_metadata)
        with context.begin_transaction():
            context.run_migrations()


run_migrations()

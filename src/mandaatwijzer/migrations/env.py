"""Alembic's environment, packaged with mandaatwijzer and configured in code.

`mandaatwijzer.adapters.database.migrate(engine)` hands over an open connection; the
`alembic` command line works too, with `-x url=...` or MANDAATWIJZER_DATABASE_URL.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection

from mandaatwijzer.adapters.database import create_engine_for, metadata
from mandaatwijzer.config import Settings


def _url() -> str:
    return (context.get_x_argument(as_dictionary=True).get("url")
            or context.config.get_main_option("sqlalchemy.url")
            or Settings.from_env().database_url)


def _run(connection: Connection) -> None:
    context.configure(connection=connection, target_metadata=metadata,
                      render_as_batch=connection.dialect.name == "sqlite")
    with context.begin_transaction():
        context.run_migrations()


def run() -> None:
    if context.is_offline_mode():
        context.configure(url=_url(), target_metadata=metadata, literal_binds=True)
        with context.begin_transaction():
            context.run_migrations()
        return
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = create_engine_for(_url())
    try:
        with engine.begin() as connection:
            _run(connection)
    finally:
        engine.dispose()


run()

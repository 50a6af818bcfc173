"""Engines and column types: URLs, SQLite's settings, value objects and moments."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import Engine, Table, insert, text
from sqlalchemy.exc import StatementError
from sqlalchemy.orm import Session

from mandaatwijzer.adapters import tokens
from mandaatwijzer.adapters.database import create_engine_for
from mandaatwijzer.adapters.orm import organisations, persons


def test_a_postgresql_url_without_a_driver_goes_through_psycopg() -> None:
    for url in ("postgresql://someone@localhost/registry", "postgres://someone@localhost/r"):
        engine = create_engine_for(url)
        assert engine.dialect.driver == "psycopg"
        engine.dispose()


def test_an_in_memory_sqlite_database_checks_foreign_keys() -> None:
    engine = create_engine_for("sqlite://")
    with engine.connect() as connection:
        assert connection.execute(text("PRAGMA foreign_keys")).scalar_one() == 1
        assert connection.execute(text("PRAGMA journal_mode")).scalar_one() == "memory"
    engine.dispose()


@pytest.mark.parametrize(("table", "column"), [(persons, "national_number"),
                                               (organisations, "enterprise_number")])
def test_an_identifier_column_takes_only_its_value_object(engine: Engine, table: Table,
                                                          column: str) -> None:
    with pytest.raises(StatementError, match="expected a"), engine.begin() as connection:
        connection.execute(insert(table).values({column: "85073003328"}))


def test_a_moment_without_a_timezone_is_refused(engine: Engine) -> None:
    with pytest.raises(StatementError, match="timezone-aware"), Session(engine) as session:
        tokens.create(session, "naive", ["a"], datetime(2025, 3, 3, 9, 0))


def test_moments_come_back_as_the_same_instant_in_utc(engine: Engine) -> None:
    brussels = datetime(2025, 7, 1, 11, 30, 15, 123456, tzinfo=timezone(timedelta(hours=2)))
    with Session(engine) as session:
        tokens.create(session, "summer", ["a"], brussels)
        session.commit()
        [token] = tokens.list_tokens(session)
    assert token.created_at == brussels
    assert token.created_at.tzinfo is UTC
    assert token.created_at.hour == 9

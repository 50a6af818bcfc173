"""The SQL repository answers exactly as the in-memory fake does, on both databases."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Engine

from mandaatwijzer.adapters.database import session_factory
from mandaatwijzer.adapters.memory import MemoryUnitOfWork
from mandaatwijzer.adapters.sql import SqlUnitOfWork

from . import scenario


def _in_memory(monkeypatch: pytest.MonkeyPatch) -> tuple[dict[str, Any], dict[str, Any]]:
    uow = MemoryUnitOfWork()
    with scenario.predictable_ids(monkeypatch):
        built = scenario.build(uow)
    return (scenario.repository_views(uow.repo, built),
            scenario.query_views(uow.repo, built))


def _in_sql(engine: Engine,
            monkeypatch: pytest.MonkeyPatch) -> tuple[dict[str, Any], dict[str, Any]]:
    uow = SqlUnitOfWork(session_factory(engine))
    with scenario.predictable_ids(monkeypatch):
        built = scenario.build(uow)
    with uow:
        return (scenario.repository_views(uow.repo, built),
                scenario.query_views(uow.repo, built))


@pytest.fixture
def both(engine: Engine, monkeypatch: pytest.MonkeyPatch
         ) -> tuple[tuple[dict[str, Any], dict[str, Any]], tuple[dict[str, Any], dict[str, Any]]]:
    return _in_memory(monkeypatch), _in_sql(engine, monkeypatch)


def _differences(memory: dict[str, Any], sql: dict[str, Any]) -> list[str]:
    assert memory.keys() == sql.keys()
    return [f"{key}:\n  memory {memory[key]!r}\n  sql    {sql[key]!r}"
            for key in memory if memory[key] != sql[key]]


def test_every_repository_method_returns_what_the_memory_fake_returns(both: Any) -> None:
    (memory, _), (sql, _) = both
    assert _differences(memory, sql) == []


def test_the_queries_answer_the_same_on_sql_as_in_memory(both: Any) -> None:
    (_, memory), (_, sql) = both
    assert _differences(memory, sql) == []

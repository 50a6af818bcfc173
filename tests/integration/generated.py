"""A small generated registry (bench/registry/dataset.py) written straight into a test database,
without audit events, for the access tests."""

from __future__ import annotations

import sys
from pathlib import Path

from sqlalchemy import Engine

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench" / "registry"))

import dataset

SIZE = dataset.Size(providers=8, employees=80, applicants=300, mandates=3000)


def url(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=False)


def fill(engine: Engine, seed: int) -> None:
    data = dataset.Dataset(SIZE, seed=seed)
    if engine.dialect.name == "sqlite":
        assert engine.url.database is not None
        dataset.write_sqlite(engine.url.database, data, dataset.TABLES)
    else:
        dataset.write_postgresql(url(engine), data, dataset.TABLES)

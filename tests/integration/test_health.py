"""Health at start (issue 15): the app opens the registry and loads its access index in the
background from its start; `/health/ready` says 503 (with Retry-After) until the index is in
memory and 200 after, `/health/live` 200 throughout, and requests are answered meanwhile."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from mandaatwijzer.adapters.access import AccessIndex
from mandaatwijzer.config import Settings
from mandaatwijzer.web import create_app


def _until(client: TestClient, status: int) -> dict[str, Any]:
    deadline = time.monotonic() + 30
    while True:
        answer = client.get("/health/ready")
        if answer.status_code == status:
            return {"body": answer.json(), "headers": dict(answer.headers)}
        assert time.monotonic() < deadline, answer.text
        time.sleep(0.05)


def test_ready_only_once_the_index_is_loaded(tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    release = threading.Event()
    load = AccessIndex._load

    def held_load(self: AccessIndex) -> Any:
        assert release.wait(30)
        return load(self)

    monkeypatch.setattr(AccessIndex, "_load", held_load)
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'registry.sqlite3'}", demo=True,
                        secret_key="test", access_log=False)
    with TestClient(create_app(settings)) as client:  # the lifespan runs: the start
        starting = _until(client, 503)
        assert starting["body"] == {"status": "starting"}
        assert int(starting["headers"]["retry-after"]) >= 1
        assert client.get("/health/live").status_code == 200
        # Served meanwhile, the registry's pages included (the reader answers checks).
        assert client.get("/nl/").status_code == 200
        assert client.get("/nl/registry/sign-in").status_code == 200
        release.set()
        assert _until(client, 200)["body"] == {"status": "ready"}


def test_a_registry_without_an_index_is_ready_once_open() -> None:
    settings = Settings(database_url="memory:", demo=True, secret_key="test", access_log=False)
    with TestClient(create_app(settings)) as client:
        assert _until(client, 200)["body"] == {"status": "ready"}
        assert client.get("/health/live").json() == {"status": "live"}

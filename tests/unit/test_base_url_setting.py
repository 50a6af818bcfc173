"""MANDAATWIJZER_BASE_URL: the web guide's address, under which the terminal prints links."""

from __future__ import annotations

import pytest

from mandaatwijzer.config import DEFAULT_BASE_URL, Settings, base_url_from_env


def test_the_default_is_where_make_run_serves() -> None:
    assert base_url_from_env({}) == DEFAULT_BASE_URL == "http://127.0.0.1:8000"
    assert base_url_from_env({"MANDAATWIJZER_BASE_URL": "  "}) == DEFAULT_BASE_URL
    assert Settings().base_url == DEFAULT_BASE_URL
    defaults = Settings.from_env({})
    assert defaults.base_url == f"http://{defaults.host}:{defaults.port}"


@pytest.mark.parametrize(("given", "used"), [
    ("https://mandaatwijzer.example.be/", "https://mandaatwijzer.example.be"),
    ("https://example.be/mandaatwijzer", "https://example.be/mandaatwijzer"),
    ("http://localhost:8080", "http://localhost:8080"),
])
def test_a_public_address_is_taken_without_its_trailing_slash(given: str, used: str) -> None:
    assert base_url_from_env({"MANDAATWIJZER_BASE_URL": given}) == used
    assert Settings.from_env({"MANDAATWIJZER_BASE_URL": given}).base_url == used


@pytest.mark.parametrize("given", ["example.be", "ftp://example.be", "http://example.be",
                                   "https://example.be/?a=1", "https://example.be/#x"])
def test_anything_else_is_refused_naming_the_setting(given: str) -> None:
    with pytest.raises(ValueError, match=r"^MANDAATWIJZER_BASE_URL is "):
        base_url_from_env({"MANDAATWIJZER_BASE_URL": given})

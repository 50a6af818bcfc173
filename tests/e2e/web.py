"""A test client for the web app, and small HTML helpers."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from starlette.testclient import TestClient

from mandaatwijzer.config import Settings
from mandaatwijzer.web import create_app

FLOW = "externe-dienstverlener"
BASE = f"/nl/flows/{FLOW}"


def client() -> TestClient:
    return TestClient(create_app(Settings()), follow_redirects=False)


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.elements: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, {k: v or "" for k, v in attrs}))


def elements(html: str, tag: str | None = None) -> list[dict[str, str]]:
    parser = _Elements()
    parser.feed(html)
    return [attrs for name, attrs in parser.elements if tag is None or name == tag]


def text(html: str) -> str:
    """The visible text, whitespace collapsed (tags removed)."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())

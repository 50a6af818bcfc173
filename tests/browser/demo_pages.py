"""The demo dataset in the browser: a registry loaded with it, served, and a tab signed in as
one of its persons (by the session cookie a sign-in leaves)."""

from __future__ import annotations

from datetime import UTC, datetime

from playwright.sync_api import Browser, Page

from mandaatwijzer.bootstrap import RegistryContext, build_context
from mandaatwijzer.config import Settings
from mandaatwijzer.registry import demo
from mandaatwijzer.registry.identifiers import NationalNumber
from mandaatwijzer.registry.model import Person
from mandaatwijzer.registry.ports import Clock

from ..e2e.registry import open_session
from .guide_pages import new_context


def demo_registry() -> RegistryContext:
    """An in-memory registry with the demo loaded, as `make run` starts (with the index)."""
    ctx = build_context(Settings(database_url="memory:", demo=True, secret_key="browser",
                                 access_log=False), access_index=True)
    demo.load_if_empty(ctx.units, Clock(datetime.now(UTC)))
    return ctx


def demo_person(registry: RegistryContext, key: str) -> Person:
    """The demo's person `key` ("pieter", "lotte" …)."""
    number = next(p.national_number for p in demo.PERSONS if p.key == key)
    with registry.units() as uow:
        found = uow.repo.person_by_number(NationalNumber.parse(number))
        assert found is not None
        return found


def demo_tab(browser: Browser, url: str, registry: RegistryContext, key: str, *,
             javascript: bool = False) -> Page:
    """A tab of the demo's person `key`, signed in (JavaScript only for axe)."""
    context = new_context(browser, url, javascript=javascript)
    context.add_cookies([{"name": "mw_session", "url": url, "httpOnly": True,
                          "sameSite": "Lax",
                          "value": open_session(registry, demo_person(registry, key))}])
    return context.new_page()

"""Real-browser tests: the app served by uvicorn in a thread, driven by Debian's Chromium.

Never downloads a browser: `playwright install` cannot work on a closed network. Without a
Chromium the tests are skipped, except under CI, where that is a failure. CHROMIUM=/path picks
another binary.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, sync_playwright

from mandaatwijzer.config import Settings
from mandaatwijzer.web import create_app

from ..serving import served
from .guide_pages import NOT_DUTCH, new_context

REPO = Path(__file__).resolve().parents[2]
SCREENSHOTS = REPO / "test-artifacts" / "screenshots"

#: Chromium must stay off the network: without these it tries to reach Google's services.
CHROMIUM_ARGS = [
    "--no-sandbox",  # the tests run as root
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
NO_CHROMIUM = "Chromium not found: install Debian's chromium package"


@pytest.fixture(autouse=True)
def dutch_pages() -> Iterator[None]:
    """Fails a test whose browser loaded a Dutch registry page with a rule code, an internal
    id or an English sentence of the catalog (guide_pages._check_dutch, tests/e2e/dutch.py)."""
    NOT_DUTCH.clear()
    yield
    found, NOT_DUTCH[:] = list(NOT_DUTCH), []
    assert not found, "Dutch pages that are not Dutch: " + "; ".join(found)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "browser: drives a real Chromium through Playwright")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in item.path.parents:
            item.add_marker(pytest.mark.browser)


def find_chromium() -> str | None:
    """The CHROMIUM environment variable if set, else Debian's chromium."""
    chosen = os.environ.get("CHROMIUM")
    candidates = [chosen] if chosen else ["/usr/bin/chromium", shutil.which("chromium"),
                                          shutil.which("chromium-browser")]
    for candidate in candidates:
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return candidate
    return None


@pytest.fixture(scope="package")
def chromium() -> str:
    path = find_chromium()
    if path is None:
        if os.environ.get("CI"):
            pytest.fail(f"{NO_CHROMIUM} (CI is set, so the browser tests may not be skipped)",
                        pytrace=False)
        pytest.skip(NO_CHROMIUM)
    return path


@pytest.fixture(scope="package")
def base_url() -> Iterator[str]:
    """The app on 127.0.0.1 and a free port, for all the browser tests."""
    with served(create_app(Settings(access_log=False)), "browser-tests") as url:
        yield url


@pytest.fixture(scope="package")
def playwright() -> Iterator[Playwright]:
    # Package scope, not session: the sync API keeps an asyncio loop running in this thread
    # until it stops, and asyncio.run() in later tests (the terminal guide) would then fail.
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="package")
def browser(playwright: Playwright, chromium: str) -> Iterator[Browser]:
    browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture(scope="package")
def nojs_context(browser: Browser, base_url: str) -> Iterator[BrowserContext]:
    context = new_context(browser, base_url, javascript=False)
    yield context
    context.close()


@pytest.fixture(scope="package")
def js_context(browser: Browser, base_url: str) -> Iterator[BrowserContext]:
    context = new_context(browser, base_url, javascript=True)
    yield context
    context.close()


@pytest.fixture
def page(nojs_context: BrowserContext) -> Iterator[Page]:
    """A fresh tab with JavaScript off: the guide must work without it."""
    page = nojs_context.new_page()
    yield page
    page.close()


@pytest.fixture
def js_page(js_context: BrowserContext) -> Iterator[Page]:
    """A fresh tab with JavaScript on, only to evaluate in it (axe, document.activeElement)."""
    page = js_context.new_page()
    yield page
    page.close()


@pytest.fixture(scope="session")
def screenshots() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS

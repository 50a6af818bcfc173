"""Across the suite: when tests were skipped for want of a tool (Chromium, the PostgreSQL 15
server), the last line of the run says how many and the one command that installs them."""

from __future__ import annotations

import pytest

#: Words of the skip reasons that mean a missing tool (tests/browser, tests/integration).
MISSING_TOOLS = ("Chromium not found", "PostgreSQL is not available")
INSTALL = "sudo bash .ci/install-test-deps"

_skipped: list[str] = []


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.skipped and isinstance(report.longrepr, tuple):
        reason = str(report.longrepr[2])
        if any(tool in reason for tool in MISSING_TOOLS):
            _skipped.append(report.nodeid)


def pytest_unconfigure(config: pytest.Config) -> None:
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    if _skipped and reporter is not None:
        count = len(set(_skipped))
        reporter.write_line(f"{count} test{'s' if count != 1 else ''} skipped: Chromium or the "
                            f"PostgreSQL 15 server is missing; install them (Debian) with: "
                            f"{INSTALL}", yellow=True, bold=True)

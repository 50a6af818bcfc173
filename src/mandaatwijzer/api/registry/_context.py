"""The registry context of the running app, kept on its state.

Built on the first registry request, not when the app is created: the guide alone needs no
database, and its tests create the app with the default settings. In demo mode that first
request also loads the demo dataset into an empty registry.
"""

from __future__ import annotations

import logging
import threading
import time

from starlette.datastructures import State
from starlette.requests import Request

from ...bootstrap import RegistryContext, build_context
from ...config import Settings
from ...registry import demo

_lock = threading.Lock()
_log = logging.getLogger("mandaatwijzer")


def install(state: State, settings: Settings, ready: RegistryContext | None) -> None:
    """Keep the settings (and a ready context, for tests) on the app's state."""
    state.registry_settings = settings
    state.registry_context = ready


def context(request: Request) -> RegistryContext:
    return _built(request.app.state)


def _built(state: State) -> RegistryContext:
    found: RegistryContext | None = getattr(state, "registry_context", None)
    if found is None:
        with _lock:
            found = getattr(state, "registry_context", None)
            if found is None:
                found = build_context(state.registry_settings, access_index=True)
                if found.settings.demo:
                    # Demo mode serves the demo dataset; a registry with data keeps its own.
                    demo.load_if_empty(found.units, found.clock)
                state.registry_context = found
    return found


def warm_up(state: State) -> threading.Thread:
    """At the app's start, in a thread of its own: the context (migrations, the demo's
    data) and then the access index, loaded in the background while the reader answers.
    The log says when each is ready; `ready` says whether both are."""
    def start() -> None:
        started = time.monotonic()
        try:
            found = _built(state)
        except Exception:  # the first request builds it again, and says what is wrong
            _log.exception("the registry could not be opened at start")
            return
        _log.info("registry opened in %.1f s; loading the access index",
                  time.monotonic() - started)
        found.warm_up(lambda seconds: _log.info("access index ready in %.1f s", seconds))

    thread = threading.Thread(target=start, name="mandaatwijzer-start", daemon=True)
    thread.start()
    return thread


def ready(state: State) -> bool:
    """The registry is open and answers checks from memory (or has nothing to load)."""
    found: RegistryContext | None = getattr(state, "registry_context", None)
    return found is not None and found.ready()


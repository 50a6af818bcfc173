"""The registry context of the running app, kept on its state.

Built on the first registry request, not when the app is created: the guide alone needs no
database, and its tests create the app with the default settings. In demo mode that first
request also loads the demo dataset into an empty registry.
"""

from __future__ import annotations

import threading

from starlette.datastructures import State
from starlette.requests import Request

from ...bootstrap import RegistryContext, build_context
from ...config import Settings
from ...registry import demo

_lock = threading.Lock()


def install(state: State, settings: Settings, ready: RegistryContext | None) -> None:
    """Keep the settings (and a ready context, for tests) on the app's state."""
    state.registry_settings = settings
    state.registry_context = ready


def context(request: Request) -> RegistryContext:
    state = request.app.state
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

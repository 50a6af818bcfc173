"""A value that holds for one block of code (and what it calls), as a context variable.

The core's three such values: the language of explanations (`phrases.translated`), where
audit events come from (`audit.recorded_via`) and how the acting person signed in
(`means.acting_with`). Context variables follow a request into the thread that runs it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TypeVar

T = TypeVar("T")


@contextmanager
def scoped(variable: ContextVar[T], value: T) -> Iterator[None]:
    """`variable` is `value` inside the block, and what it was before after it."""
    token = variable.set(value)
    try:
        yield
    finally:
        variable.reset(token)

"""The means a person signed in with, for the duration of one request.

The seed's rule "Ik heb een Belgische eID" is about the person (`Person.has_eid`) and, once a
person signs in through the user management, about the sign-in too: a person who signed in
with an authenticator app may read, but every action that needs an eID is refused until they
sign in with one. The entry points say how the acting person signed in (`acting_with`);
`rules.require_eid` asks (`current`). The command line's operator (`--as`) sets nothing: no
sign-in, so only the person's record counts.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from .scoped import scoped


@dataclass(frozen=True, slots=True)
class Means:
    #: The provider's `acr` value, None when it named none.
    acr: str | None
    #: Whether that means counts as a Belgian eID (settings: the eID `acr` values).
    eid: bool


_current: ContextVar[Means | None] = ContextVar("sign_in_means", default=None)


@contextmanager
def acting_with(means: Means | None) -> Iterator[None]:
    """Within the block, the acting person signed in with `means` (None: not signed in)."""
    with scoped(_current, means):
        yield


def current() -> Means | None:
    return _current.get()

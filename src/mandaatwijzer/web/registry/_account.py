"""What the site's header shows of the signed-in person: their name and how many things wait
for them on their to-do list (`views.todo`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ...registry import views
from ...registry.model import Person
from ...registry.ports import Repository


@dataclass(frozen=True, slots=True)
class Account:
    """The signed-in person as the header shows them: by name, with their to-do count."""

    name: str
    todo: int


def account_of(repo: Repository, person: Person | None, day: date) -> Account | None:
    """The header's account for the person (None: nobody signed in, or no longer in the
    registry)."""
    if person is None:
        return None
    return Account(person.name, views.todo(repo, person.id, day).count)


__all__ = ["Account", "account_of"]

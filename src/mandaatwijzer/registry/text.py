"""Text that comes in from outside has no control characters (issue 11).

No id, name, title, address or query value needs one, and a NUL byte cannot be stored in
PostgreSQL's text at all: refused at the door, a value that holds one is a 422 naming its
field (an API request, a page's form), or a row's error naming its column (a CSV import),
never a server error. Strict: tab and newline are control characters too.
"""

from __future__ import annotations

import re
from datetime import date

from .errors import ValidationError
from .phrases import N_, Phrase

__all__ = ["CONTROL_CHARACTERS", "DAY", "EXPECTED", "WITHOUT_CONTROL", "control_problem",
           "parse_day", "refuse_control"]

#: U+0000 to U+001F (C0, with tab, newline and carriage return) and U+007F (DEL).
CONTROL_CHARACTERS = re.compile("[\x00-\x1f\x7f]")
#: The same rule as a pattern a whole value matches, for JSON Schema and the OpenAPI document
#: (written with escapes, so the document shows it readably).
WITHOUT_CONTROL = r"^[^\x00-\x1f\x7f]*$"
EXPECTED = N_("text without control characters (U+0000 to U+001F, U+007F)")


def control_problem(value: str) -> Phrase | None:
    """What is wrong with `value` (its first control character), or None when nothing is."""
    found = CONTROL_CHARACTERS.search(value)
    if found is None:
        return None
    return N_("contains the control character {character}",
              character=f"U+{ord(found.group()):04X}")


def refuse_control(field: str, value: str) -> None:
    """Raise the registry's `ValidationError` naming `field` when `value` has one."""
    problem = control_problem(value)
    if problem is not None:
        raise ValidationError(field, problem, EXPECTED)


#: A day as the pages and the API take it: YYYY-MM-DD and only so (`date.fromisoformat` also
#: takes 20250303, and pydantic a number as Unix time: `at=0` was 1970-01-01).
DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def parse_day(value: str) -> date:
    """A day written YYYY-MM-DD; else ValueError."""
    if not DAY.fullmatch(value):
        raise ValueError(value)
    return date.fromisoformat(value)

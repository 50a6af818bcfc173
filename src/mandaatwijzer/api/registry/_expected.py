"""What a field of a request expects, in words from the catalog: pydantic's validation errors
(English, from its own messages) said by their type in the request's language, with the
bounds pydantic names (`ctx`). A type without words here keeps pydantic's English message."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from ...registry.phrases import N_, Phrase
from ...registry.text import EXPECTED as NO_CONTROL_EXPECTED
from ...registry.text import WITHOUT_CONTROL

Context = Mapping[str, Any]
Words = Callable[[Context], Phrase]

_DATE = N_("a date as YYYY-MM-DD, for example 2025-03-03")
_MOMENT = N_("a date and time as in ISO 8601, for example 2025-03-03T09:00:00+01:00")
_WHOLE = N_("a whole number")
_TEXT = N_("text")


def _same(phrase: Phrase) -> Words:
    return lambda _context: phrase


def _choices(context: Context) -> Phrase:
    # pydantic writes "'a', 'b' or 'c'": the "or" is English.
    return N_("one of: {choices}",
              choices=str(context.get("expected", "")).replace(" or ", ", "))


def _pattern(context: Context) -> Phrase:
    if context.get("pattern") == WITHOUT_CONTROL:
        return N_("contains a control character; expected {expected}",
                  expected=NO_CONTROL_EXPECTED)
    return N_("text in the form {pattern}", pattern=str(context.get("pattern", "")))


#: pydantic's error types (pydantic_core's `ErrorType`), in words.
WORDS: dict[str, Words] = {
    "missing": _same(N_("a value: the field is required")),
    "extra_forbidden": _same(N_("no such field: leave it out")),
    "json_invalid": _same(N_("a valid JSON document")),
    "model_type": _same(N_("a JSON object")),
    "model_attributes_type": _same(N_("a JSON object")),
    "dict_type": _same(N_("a JSON object")),
    "list_type": _same(N_("a list")),
    "string_type": _same(_TEXT),
    "string_sub_type": _same(_TEXT),
    "string_unicode": _same(_TEXT),
    "string_too_short": lambda c: N_("text of at least {count} characters",
                                     count=c["min_length"]) if c.get("min_length", 1) > 1
    else N_("text that is not empty"),
    "string_too_long": lambda c: N_("text of at most {count} characters",
                                    count=c.get("max_length", 0)),
    "too_short": lambda c: N_("at least {count} items", count=c.get("min_length", 1)),
    "too_long": lambda c: N_("at most {count} items", count=c.get("max_length", 0)),
    "string_pattern_mismatch": _pattern,
    "literal_error": _choices,
    "enum": _choices,
    "bool_type": _same(N_("true or false")),
    "bool_parsing": _same(N_("true or false")),
    "int_type": _same(_WHOLE),
    "int_parsing": _same(_WHOLE),
    "int_from_float": _same(_WHOLE),
    "greater_than_equal": lambda c: N_("a number of at least {bound}", bound=c.get("ge")),
    "greater_than": lambda c: N_("a number greater than {bound}", bound=c.get("gt")),
    "less_than_equal": lambda c: N_("a number of at most {bound}", bound=c.get("le")),
    "less_than": lambda c: N_("a number less than {bound}", bound=c.get("lt")),
    "date_type": _same(_DATE),
    "date_parsing": _same(_DATE),
    "date_from_datetime_parsing": _same(_DATE),
    "date_from_datetime_inexact": _same(_DATE),
    "datetime_type": _same(_MOMENT),
    "datetime_parsing": _same(_MOMENT),
    "datetime_from_date_parsing": _same(_MOMENT),
}


def expected(item: Mapping[str, Any]) -> str:
    """What the field of pydantic's error `item` expects, said in the current language."""
    words = WORDS.get(str(item.get("type", "")))
    if words is None:
        return str(item.get("msg", "a valid value"))
    return str(words(item.get("ctx") or {}))


__all__ = ["WORDS", "expected"]

"""The registry's sentences: English in the code, other languages on request.

`registry/access.py` writes every sentence as `_("template with {fields}", field=value)`.
Outside a `translated` block that is the English template filled in; inside one, the
template goes through the block's `translate` (a gettext catalog's `gettext`, whose msgids are
the English templates: `pybabel extract` finds them, see babel.cfg) before it is filled in.
The domain knows no catalog: the edges open the block for the page's or the request's
language, the way a web framework activates a language for a request (a context variable, so
threads and tasks each have their own).

A refusal is said later than it is made: `N_("template", field=value)` (a keyword `pybabel`
extracts by default) keeps the template and its values as a `Phrase`, the code and parameters
of a sentence, and says it (`str`) in the language of the block it is read in. The registry's
errors (`errors.py`) carry one: the API reads it in the request's language, a page in its own.
A value of a phrase may itself be a phrase, said in the same language.
"""

from __future__ import annotations

import string
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date

from .scoped import scoped

Translate = Callable[[str], str]

WriteDay = Callable[[date], str]

_translate: ContextVar[Translate | None] = ContextVar("mandaatwijzer_phrases", default=None)
_write_day: ContextVar[WriteDay | None] = ContextVar("mandaatwijzer_days", default=None)


def _(template: str, /, **values: object) -> str:
    """The template, translated when a `translated` block asks for it, filled in (a day as
    the block writes days, ISO 8601 outside one)."""
    translate = _translate.get()
    if translate is not None:
        template = translate(template)
        write_day = _write_day.get()
        if write_day is not None and any(isinstance(v, date) for v in values.values()):
            values = {k: write_day(v) if isinstance(v, date) else v for k, v in values.items()}
    fill = _fills.get(template)
    if fill is None:
        fill = _fills[template] = _compile(template)
    return fill(values)


Fill = Callable[[dict[str, object]], str]

#: Each template made a function once (the templates are those of the code and its catalogs,
#: a few hundred at most): an explanation fills a dozen, and `str.format` parses its template
#: at every call, about four times the cost of the f-string the function holds.
_fills: dict[str, Fill] = {}


def _compile(template: str) -> Fill:
    """`lambda v: '…' f"{v['name']}" '…'`: the literal parts written with `repr`, the fields
    only plain identifiers, so that no text of a template is ever read as code."""
    parts = []
    for literal, name, spec, conversion in string.Formatter().parse(template):
        if literal:
            parts.append(repr(literal))
        if name is not None:
            if spec or conversion or not name.isidentifier():
                raise ValueError(f"{template!r}: expected plain {{name}} fields")
            parts.append(f'f"{{v[{name!r}]}}"')
    fill: Fill = eval("lambda v: " + (" ".join(parts) or "''"))
    return fill


class Phrase:
    """A sentence not yet said: an English template (a catalog msgid with `{fields}`) and the
    values of its fields. `str` says it in the current language (`translated`); a `literal`
    phrase is a text that no catalog holds, said as it is (no fields are filled in)."""

    __slots__ = ("literal", "template", "values")

    def __init__(self, template: str, values: Mapping[str, object] | None = None, *,
                 literal: bool = False) -> None:
        self.template, self.values, self.literal = template, dict(values or {}), literal

    def __str__(self) -> str:
        return self.template if self.literal else _(self.template, **self.values)

    def __repr__(self) -> str:
        return f"Phrase({self.template!r}, {self.values!r})"

    def __eq__(self, other: object) -> bool:
        return (isinstance(other, Phrase) and other.template == self.template
                and other.values == self.values and other.literal == self.literal)

    __hash__ = None  # type: ignore[assignment]


def N_(template: str, /, **values: object) -> Phrase:  # noqa: N802 (gettext's own name)
    """The template and its values, to be said later in the language asked for then."""
    return Phrase(template, values)


def phrase_of(text: str | Phrase) -> Phrase:
    """`text` as a phrase: a plain string is said as it is, in every language."""
    return text if isinstance(text, Phrase) else Phrase(text, literal=True)


@contextmanager
def translated(translate: Translate | None, write_day: WriteDay | None = None) -> Iterator[None]:
    """Sentences said inside the block are in the language of `translate`, with the days
    (a `date` value) as `write_day` writes them ("7 december 2026")."""
    with scoped(_translate, translate), scoped(_write_day, write_day):
        yield


__all__ = ["N_", "Phrase", "Translate", "WriteDay", "phrase_of", "translated"]

"""The sentences of the access explanations: English in the code, other languages on request.

`registry/access.py` writes every sentence as `_("template with {fields}", field=value)`.
Outside a `translated` block that is the English template filled in; inside one, the
template goes through the block's `translate` (a gettext catalog's `gettext`, whose msgids are
the English templates: `pybabel extract` finds them, see babel.cfg) before it is filled in.
The domain knows no catalog: the web layer opens the block for the page's language, the way
a web framework activates a language for a request (a context variable, so threads and tasks
each have their own).
"""

from __future__ import annotations

import string
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from .scoped import scoped

Translate = Callable[[str], str]

_translate: ContextVar[Translate | None] = ContextVar("mandaatwijzer_phrases", default=None)


def _(template: str, /, **values: object) -> str:
    """The template, translated when a `translated` block asks for it, filled in."""
    translate = _translate.get()
    if translate is not None:
        template = translate(template)
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


@contextmanager
def translated(translate: Translate | None) -> Iterator[None]:
    """Explanations made inside the block are in the language of `translate`."""
    with scoped(_translate, translate):
        yield


__all__ = ["Translate", "translated"]

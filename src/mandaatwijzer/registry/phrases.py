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

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

Translate = Callable[[str], str]

_translate: ContextVar[Translate | None] = ContextVar("mandaatwijzer_phrases", default=None)


def _(template: str, /, **values: object) -> str:
    """The template, translated when a `translated` block asks for it, filled in."""
    translate = _translate.get()
    return (template if translate is None else translate(template)).format_map(values)


@contextmanager
def translated(translate: Translate | None) -> Iterator[None]:
    """Explanations made inside the block are in the language of `translate`."""
    token = _translate.set(translate)
    try:
        yield
    finally:
        _translate.reset(token)


__all__ = ["Translate", "translated"]

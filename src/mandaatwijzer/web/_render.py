"""Jinja2 environments, one per language, with that language's interface strings installed."""

from __future__ import annotations

from functools import cache
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.responses import HTMLResponse

from ..guide import LANGUAGES, glossary
from . import _i18n

LANGUAGE_NAMES = {"nl": "Nederlands", "en": "English"}


@cache
def environment(lang: str) -> Environment:
    env = Environment(
        loader=PackageLoader("mandaatwijzer.web", "templates"),
        autoescape=select_autoescape(default=True),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
    )
    env.install_gettext_translations(_i18n.translations(lang), newstyle=True)  # type: ignore[attr-defined]
    env.globals.update(lang=lang, languages=LANGUAGES, language_names=LANGUAGE_NAMES)
    return env


def switch_href(path: str, query: str, lang: str, to: str) -> str:
    """The same page in language `to`: the first path segment swapped, the query kept."""
    rest = path[len(lang) + 1:] if path.startswith(f"/{lang}") else "/"
    return f"/{to}{rest or '/'}" + (f"?{query}" if query else "")


def render(lang: str, template: str, *, path: str, query: str = "", status: int = 200,
           **context: Any) -> HTMLResponse:
    switches = [
        {"lang": other, "name": LANGUAGE_NAMES[other],
         "href": switch_href(path, query, lang, other)}
        for other in LANGUAGES if other != lang
    ]
    html = environment(lang).get_template(template).render(
        switches=switches, glossary_data=glossary(), **context
    )
    return HTMLResponse(html, status_code=status)

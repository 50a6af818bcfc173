"""Jinja2 environments, one per language, with that language's interface strings installed."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import TYPE_CHECKING, Any

from jinja2 import Environment, PackageLoader, pass_context, select_autoescape
from jinja2.runtime import Context
from markupsafe import Markup
from starlette.responses import HTMLResponse

from ..guide import LANGUAGES, glossary
from . import _i18n

if TYPE_CHECKING:
    from gettext import NullTranslations

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
    translations = _i18n.translations(lang)
    env.install_gettext_translations(translations, newstyle=True)  # type: ignore[attr-defined]
    # `_` and `gettext` as the extension installs them, minus two hops (see _gettext).
    env.globals["_"] = env.globals["gettext"] = _gettext(translations)
    env.globals.update(lang=lang, languages=LANGUAGES, language_names=LANGUAGE_NAMES)
    return env


def _gettext(translations: NullTranslations) -> Callable[..., str]:
    """Jinja's new-style `gettext`, the same result for less work on every page.

    The i18n extension's `_` resolves `gettext` in the context and calls it through
    `Context.call`, which calls the translation through `Context.call` again: three calls per
    string and about a fifth of a question page's time. This is the function the extension
    builds (`jinja2.ext._make_new_gettext`), calling the translation directly, with the
    result kept per string when there are no variables: a template's strings are literals,
    and a language's catalog does not change while the process runs.
    """
    translate = translations.gettext
    known: dict[str, str] = {}

    @pass_context
    def gettext(context: Context, string: str, /, **variables: Any) -> str:
        if not context.eval_ctx.autoescape:
            return translate(string) % variables
        if variables:
            return Markup(translate(string)) % variables
        try:
            return known[string]
        except KeyError:
            known[string] = result = Markup(translate(string)) % variables
            return result

    return gettext


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

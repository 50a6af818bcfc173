"""Jinja2 environments, one per language, with that language's interface strings installed."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Iterator, MutableMapping
from functools import cache
from typing import TYPE_CHECKING, Any

from jinja2 import Environment, PackageLoader, pass_context, select_autoescape
from jinja2.ext import Extension
from jinja2.lexer import Token, TokenStream
from jinja2.runtime import Context
from markupsafe import Markup
from starlette.responses import HTMLResponse

from ..guide import LANGUAGES, glossary, glossary_href, organisation_href, start_href
from . import _formats, _i18n

if TYPE_CHECKING:
    from gettext import NullTranslations

LANGUAGE_NAMES = {"nl": "Nederlands", "en": "English"}
_DICT_ATTRIBUTES = frozenset(dir(dict))


class _Environment(Environment):
    """An environment of one language: its catalog, and a quicker `x.name` on dicts."""

    translations: NullTranslations | None = None

    def make_globals(self, d: MutableMapping[str, Any] | None) -> MutableMapping[str, Any]:
        """A template's globals as one dict, not a `ChainMap` over the environment's.

        Jinja copies them into a new dict at every render and compares their keys with those
        of `_macros.html` at every `{% from ... import %}`; through a `ChainMap` that was about
        a fifth of the template's time. The environment's globals are complete before the
        first template loads (see `environment`) and never change afterwards, so a template
        sees the same names and values.
        """
        return {**self.globals, **(d or {})}

    def getattr(self, obj: Any, attribute: str) -> Any:
        """`Environment.getattr`, the same result, without an exception for a dict's key.

        Jinja tries the attribute first, then the item: `node.text` on a dict raised and
        caught an AttributeError each time, thirty times per question page. A plain dict's
        attributes are those of its type (`dir(dict)`), so for any other name the item is
        the answer, exactly as before.
        """
        if type(obj) is dict and attribute not in _DICT_ATTRIBUTES:
            try:
                return obj[attribute]
            except KeyError:
                return self.undefined(obj=obj, name=attribute)
        try:
            return getattr(obj, attribute)
        except AttributeError:
            pass
        try:
            return obj[attribute]
        except (TypeError, LookupError, AttributeError):
            return self.undefined(obj=obj, name=attribute)


class _TranslatedLiterals(Extension):
    """`_("literal")` translated once, when the template compiles, instead of per render.

    The tokens `_ ( "literal" )` become `( "translation" | safe )`: the value the runtime
    `_` returns (see `_gettext`: the translation as `Markup`, `%`-formatted with no
    variables), which Jinja's optimizer folds into the template's text. Left alone: calls
    with variables or anything but one string, translations holding a `%` (formatting
    would change them), and every template that uses the name `_` otherwise (a variable,
    a macro argument) or has an `{% autoescape %}` block (the runtime `_` returns a plain
    string where autoescaping is off). A language's catalog does not change while the
    process runs, and each language has its own environment, hence its own templates.
    """

    def filter_stream(self, stream: TokenStream) -> Iterable[Token]:
        tokens = list(stream)
        translations = getattr(self.environment, "translations", None)
        if translations is None or not self._plain(tokens, stream.name):
            return tokens
        return self._rewrite(tokens, translations)

    def _plain(self, tokens: list[Token], name: str | None) -> bool:
        autoescape = self.environment.autoescape
        if not (autoescape(name) if callable(autoescape) else autoescape):
            return False
        for i, token in enumerate(tokens):
            if token.type == "name" and token.value == "autoescape":
                return False
            if token.type == "name" and token.value == "_" and (
                    i + 1 == len(tokens) or tokens[i + 1].type != "lparen"):
                return False
        return True

    @staticmethod
    def _rewrite(tokens: list[Token], translations: NullTranslations) -> Iterator[Token]:
        i = 0
        while i < len(tokens):
            token = tokens[i]
            call = tokens[i:i + 4]
            if (token.type == "name" and token.value == "_"
                    and (i == 0 or tokens[i - 1].type != "dot")
                    and [t.type for t in call] == ["name", "lparen", "string", "rparen"]):
                translation = translations.gettext(call[2].value)
                if "%" not in translation:
                    line = token.lineno
                    yield Token(line, "lparen", "(")
                    yield Token(line, "string", translation)
                    yield Token(line, "pipe", "|")
                    yield Token(line, "name", "safe")
                    yield Token(line, "rparen", ")")
                    i += 4
                    continue
            yield token
            i += 1


@cache
def environment(lang: str) -> Environment:
    translations = _i18n.translations(lang)
    env = _Environment(
        loader=PackageLoader("mandaatwijzer.web", "templates"),
        autoescape=select_autoescape(default=True),
        extensions=["jinja2.ext.i18n", _TranslatedLiterals],
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
    )
    env.translations = translations
    env.install_gettext_translations(translations, newstyle=True)  # type: ignore[attr-defined]
    # `_` and `gettext` as the extension installs them, minus two hops (see _gettext).
    env.globals["_"] = env.globals["gettext"] = _gettext(translations)
    env.globals.update(lang=lang, languages=LANGUAGES, language_names=LANGUAGE_NAMES,
                       start_href=start_href, glossary_href=glossary_href,
                       organisation_href=organisation_href)
    env.filters["day"] = functools.partial(_formats.day, lang=lang)
    env.filters["moment"] = functools.partial(_formats.moment, lang=lang)
    env.filters["sentence"] = _formats.sentence
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

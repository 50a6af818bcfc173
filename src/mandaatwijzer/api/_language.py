"""The language of an API answer's sentences: the request's Accept-Language, English without.

The API's codes (`code`, `rule`, `field`) are the same in every language; its `message` is
the registry's sentence (`registry.phrases`) said in the language negotiated here, which the
answer names in `Content-Language`.
"""

from __future__ import annotations

import gettext
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from functools import cache
from importlib.resources import files
from pathlib import Path

from babel.dates import format_date

from ..guide import LANGUAGES
from ..registry import phrases

#: Without an Accept-Language that names one of ours, the API answers in English.
DEFAULT_LANGUAGE = "en"
#: The CLDR locale of each language, for the days in a sentence.
_LOCALES = {"nl": "nl_BE", "en": "en_GB"}


def negotiate(accept_language: str | None) -> str:
    """The best of our languages for an Accept-Language header (`nl`, `en-GB;q=0.5`…);
    English when the header names none of them."""
    ranked = []
    for position, part in enumerate((accept_language or "").split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name.strip() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        primary = tag.strip().lower().split("-")[0]
        if primary in LANGUAGES and quality > 0:
            ranked.append((-quality, position, primary))
    return min(ranked)[2] if ranked else DEFAULT_LANGUAGE


@cache
def _translations(lang: str) -> gettext.NullTranslations:
    localedir = Path(str(files("mandaatwijzer"))) / "locale"
    return gettext.translation("mandaatwijzer", localedir, languages=[lang], fallback=True)


def _write_day(locale: str) -> phrases.WriteDay:
    def write(day: date) -> str:
        return format_date(day, "long", locale=locale)
    return write


@contextmanager
def speaking(lang: str) -> Iterator[None]:
    """The registry's sentences said inside the block are in `lang`."""
    with phrases.translated(_translations(lang).gettext, _write_day(_LOCALES[lang])):
        yield


def said(phrase: phrases.Phrase, lang: str) -> str:
    """`phrase` in `lang`."""
    with speaking(lang):
        return str(phrase)

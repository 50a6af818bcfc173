"""The languages of the edges: their catalogs, the choice from Accept-Language, and how each
writes a day. One home for the web pages and the API (which may not import each other)."""

from __future__ import annotations

import gettext
from datetime import date
from functools import cache
from importlib.resources import files
from pathlib import Path

from babel.dates import format_date

from .guide import LANGUAGES

#: The CLDR locale of each language: Belgian Dutch, and British English (day first).
LOCALES = {"nl": "nl_BE", "en": "en_GB"}


@cache
def translations(lang: str) -> gettext.NullTranslations:
    localedir = Path(str(files("mandaatwijzer"))) / "locale"
    return gettext.translation("mandaatwijzer", localedir, languages=[lang], fallback=True)


def negotiate(accept_language: str | None, default: str) -> str:
    """The best of our languages for an Accept-Language header (`nl`, `en-GB;q=0.5`…);
    `default` when the header names none of them."""
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
    return min(ranked)[2] if ranked else default


def write_day(value: date, lang: str) -> str:
    """A day in words, as `lang` writes it ("7 december 2026", "7 December 2026")."""
    return format_date(value, "long", locale=LOCALES[lang])

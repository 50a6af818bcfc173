"""Interface strings per language (gettext catalogs) and the choice of a first language."""

from __future__ import annotations

import gettext
from functools import cache
from importlib.resources import files
from pathlib import Path

from ..guide import LANGUAGES

DEFAULT_LANGUAGE = "nl"


@cache
def translations(lang: str) -> gettext.NullTranslations:
    localedir = Path(str(files("mandaatwijzer"))) / "locale"
    return gettext.translation("mandaatwijzer", localedir, languages=[lang], fallback=True)


def negotiate(accept_language: str | None) -> str:
    """The best of our languages for an Accept-Language header; Dutch when nothing matches."""
    if not accept_language:
        return DEFAULT_LANGUAGE
    ranked = []
    for position, part in enumerate(accept_language.split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        primary = tag.strip().lower().split("-")[0]
        if primary in LANGUAGES and quality > 0:
            ranked.append((-quality, position, primary))
    return min(ranked)[2] if ranked else DEFAULT_LANGUAGE


def page_language(path: str, accept_language: str | None) -> str:
    """The language of a page at `path`: its first segment when that is one of ours, else
    the best for the Accept-Language header (Dutch without one)."""
    first = path.strip("/").split("/")[0]
    return first if first in LANGUAGES else negotiate(accept_language)

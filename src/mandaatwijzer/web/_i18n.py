"""Interface strings per language (gettext catalogs) and the choice of a first language."""

from __future__ import annotations

from .. import languages
from ..guide import LANGUAGES

DEFAULT_LANGUAGE = "nl"


translations = languages.translations


def negotiate(accept_language: str | None) -> str:
    """The best of our languages for an Accept-Language header; Dutch when nothing matches."""
    return languages.negotiate(accept_language, DEFAULT_LANGUAGE)


def page_language(path: str, accept_language: str | None) -> str:
    """The language of a page at `path`: its first segment when that is one of ours, else
    the best for the Accept-Language header (Dutch without one)."""
    first = path.strip("/").split("/")[0]
    return first if first in LANGUAGES else negotiate(accept_language)

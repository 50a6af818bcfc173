"""The language of an API answer's sentences: the request's Accept-Language, English without.

The API's codes (`code`, `rule`, `field`) are the same in every language; its `message` is
the registry's sentence (`registry.phrases`) said in the language negotiated here, which the
answer names in `Content-Language`.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from contextlib import contextmanager

from .. import languages
from ..registry import phrases

#: Without an Accept-Language that names one of ours, the API answers in English.
DEFAULT_LANGUAGE = "en"


def negotiate(accept_language: str | None) -> str:
    """The best of our languages for an Accept-Language header; English when it names none."""
    return languages.negotiate(accept_language, DEFAULT_LANGUAGE)


@contextmanager
def speaking(lang: str) -> Iterator[None]:
    """The registry's sentences said inside the block are in `lang`."""
    with phrases.translated(languages.translations(lang).gettext,
                            functools.partial(languages.write_day, lang=lang)):
        yield


def said(phrase: phrases.Phrase, lang: str) -> str:
    """`phrase` in `lang`."""
    with speaking(lang):
        return str(phrase)

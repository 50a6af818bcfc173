"""Interface strings through stdlib gettext; the catalogs live in `mandaatwijzer/locale`."""

from __future__ import annotations

import gettext
from collections.abc import Callable
from importlib.resources import files
from pathlib import Path

DOMAIN = "mandaatwijzer"

#: A translation function: English msgid in, text in the chosen language out.
Gettext = Callable[[str], str]


def locale_folder() -> Path:
    return Path(str(files("mandaatwijzer"))) / "locale"


def translation(lang: str) -> gettext.NullTranslations:
    """The catalog of `lang`; English msgids when there is none (or the msgstr is empty)."""
    return gettext.translation(DOMAIN, localedir=locale_folder(), languages=[lang], fallback=True)

"""Every interface string of the web guide, and every sentence of the registry's explanations,
is in the catalogs and translated into Dutch (with the same `{fields}`)."""

from __future__ import annotations

import string
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

import mandaatwijzer

PACKAGE = Path(mandaatwijzer.__file__).parent
METHODS = [("web/**.py", "python"), ("web/templates/**.html", "jinja2"),
           ("registry/access.py", "python")]
OPTIONS = {"web/templates/**.html": {"extensions": "jinja2.ext.i18n", "trim_blocks": "true",
                                     "lstrip_blocks": "true"}}


def _used() -> set[str]:
    found = extract_from_dir(str(PACKAGE), METHODS, options_map=OPTIONS)
    return {message for _, _, message, _, _ in found if isinstance(message, str)}


def test_the_web_guide_uses_interface_strings_from_the_catalogs() -> None:
    assert {"Continue", "Back", "There is a problem", "Choose one of the answers"} <= _used()


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_every_web_string_is_in_the_catalog(lang: str) -> None:
    path = PACKAGE / "locale" / lang / "LC_MESSAGES" / "mandaatwijzer.po"
    with path.open("rb") as file:
        catalog = read_po(file)
    missing = sorted(_used() - {m.id for m in catalog if isinstance(m.id, str)})
    assert missing == [], "run pybabel extract and update (see babel.cfg)"
    if lang == "nl":
        untranslated = sorted(m for m in _used() if not catalog[m].string)
        assert untranslated == [], "translate these in the Dutch catalog"


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def test_the_explanations_are_translated_with_their_fields() -> None:
    found = extract_from_dir(str(PACKAGE), [("registry/access.py", "python")])
    sentences = {message for _, _, message, _, _ in found if isinstance(message, str)}
    assert "{giver} gave {taker} no mandate" in sentences
    path = PACKAGE / "locale" / "nl" / "LC_MESSAGES" / "mandaatwijzer.po"
    with path.open("rb") as file:
        catalog = read_po(file)
    wrong = sorted(s for s in sentences if _fields(catalog[s].string) != _fields(s))
    assert wrong == [], "a Dutch sentence lacks a field of the English one, or adds one"

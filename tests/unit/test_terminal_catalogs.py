"""The gettext catalogs of the terminal guide: compiled, complete and consistent."""

from __future__ import annotations

import io
import string
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

import mandaatwijzer.terminal
from mandaatwijzer.terminal._i18n import DOMAIN, locale_folder, translation

LOCALES = ("nl", "en")
TERMINAL = Path(mandaatwijzer.terminal.__file__).parent
TERMINAL_IN_CATALOG = "src/mandaatwijzer/terminal/"


def catalog(lang: str) -> Catalog:
    with (locale_folder() / lang / "LC_MESSAGES" / f"{DOMAIN}.po").open("rb") as file:
        return read_po(file, locale=lang, domain=DOMAIN)


def used_msgids() -> set[str]:
    # Each found message is (filename, lineno, message, comments, context).
    found = {found[2] for found in extract_from_dir(str(TERMINAL), [("**.py", "python")])}
    assert all(isinstance(message, str) for message in found), "no plurals are used"
    return {str(message) for message in found}


def fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


@pytest.mark.parametrize("lang", LOCALES)
def test_the_committed_mo_file_is_the_compiled_po_file(lang: str) -> None:
    compiled = io.BytesIO()
    write_mo(compiled, catalog(lang))

    committed = (locale_folder() / lang / "LC_MESSAGES" / f"{DOMAIN}.mo").read_bytes()
    assert compiled.getvalue() == committed, (
        f"{lang}: the .mo file is stale; run "
        "`.venv/bin/pybabel compile -d src/mandaatwijzer/locale -D mandaatwijzer`"
    )


def test_the_terminal_package_uses_interface_strings() -> None:
    assert {"Outcome", "The answers that led here:", "Your choice: "} <= used_msgids()


@pytest.mark.parametrize("lang", LOCALES)
def test_every_catalog_holds_every_msgid_the_terminal_uses(lang: str) -> None:
    in_catalog = {str(message.id) for message in catalog(lang) if message.id}

    assert sorted(used_msgids() - in_catalog) == [], "missing: run pybabel extract and update"


@pytest.mark.parametrize("lang", LOCALES)
def test_no_catalog_keeps_terminal_msgids_the_terminal_no_longer_uses(lang: str) -> None:
    # The domain may be shared with other interfaces: only messages found solely in the
    # terminal package (by their location comments) are the terminal's to account for.
    terminal_only = {
        str(message.id)
        for message in catalog(lang)
        if message.id
        and message.locations
        and all(path.startswith(TERMINAL_IN_CATALOG) for path, _ in message.locations)
    }

    assert terminal_only, "the catalog keeps file locations (pybabel extract --add-location=file)"
    assert sorted(terminal_only - used_msgids()) == [], "no longer used: run pybabel update"


def test_every_msgid_used_in_the_terminal_is_translated_in_dutch() -> None:
    dutch = catalog("nl")
    for msgid in used_msgids():
        message = dutch.get(msgid)
        assert message is not None, msgid
        assert message.string, f"untranslated: {msgid!r}"
        assert not message.fuzzy, f"fuzzy: {msgid!r}"


@pytest.mark.parametrize("lang", LOCALES)
def test_translations_keep_the_placeholders_of_their_msgid(lang: str) -> None:
    for message in catalog(lang):
        if message.id and message.string:
            assert fields(str(message.string)) == fields(str(message.id)), message.id


def test_the_compiled_catalogs_are_found_by_gettext() -> None:
    assert translation("nl").gettext("The answers that led here:") == (
        "Antwoorden die hiertoe leidden:"
    )
    assert translation("en").gettext("The answers that led here:") == (
        "The answers that led here:"
    )
    assert translation("xx").gettext("Outcome") == "Outcome"

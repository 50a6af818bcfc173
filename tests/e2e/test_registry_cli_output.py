"""The command line shows the control characters of a name; a terminal never obeys them.

Names with control characters are refused at the door now (`registry/text.py`), but a
registry may hold older ones, and C1 controls (U+0080-U+009F) come in: the names here are
stored through the repository, as such a record would be.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date

import pytest
from typer.testing import CliRunner, Result

from mandaatwijzer import cli
from mandaatwijzer.registry import demo
from mandaatwijzer.registry.identifiers import EnterpriseNumber, NationalNumber
from mandaatwijzer.registry.model import EntityGroup, Organisation, Person, new_id
from mandaatwijzer.registry_cli import _common

NAME = "Eva\x1b[31mRed\x1b]0;owned\x07 \x9b2J\x85x\r\nP-fake  **  Forged"
SHOWN = r"Eva\x1b[31mRed\x1b]0;owned\x07 \x9b2J\x85x\x0d\x0aP-fake  **  Forged"


def _number(serial: int) -> str:
    return demo.national_number(date(1990, 5, 17), serial)


@pytest.fixture
def run(monkeypatch: pytest.MonkeyPatch) -> Iterator[CliRunner]:
    monkeypatch.setenv("MANDAATWIJZER_DATABASE_URL", "memory:")
    _common.CONTEXTS.clear()
    yield CliRunner()
    _common.CONTEXTS.clear()


def _stored(entity: Person | Organisation) -> str:
    """`entity` stored as it is, past the use cases' checks of what comes in; its id."""
    with _common.uow() as uow:
        uow.repo.add(entity)
        uow.commit()
    return entity.id


def _person(name: str, serial: int) -> str:
    return _stored(Person(new_id("P"), NationalNumber.parse(_number(serial)), name))


def _ok(runner: CliRunner, *args: str, code: int = 0) -> Result:
    result = runner.invoke(cli.app, list(args))
    assert result.exit_code == code, (args, result.stdout, result.stderr, result.exception)
    return result


def _no_controls(text: str) -> None:
    assert not [c for c in text if (ord(c) < 32 and c != "\n") or 0x7f <= ord(c) <= 0x9f]


def test_a_name_with_escape_sequences_is_printed_visibly_not_obeyed(run: CliRunner) -> None:
    person = _person(NAME, 1)
    listed = _ok(run, "registry", "person", "list")
    assert listed.stdout.startswith(f"{person}  ")
    assert listed.stdout.endswith(f"  {SHOWN}\n")
    shown = _ok(run, "registry", "person", "show", person)
    for result in (listed, shown):
        _no_controls(result.stdout)
        assert "\x1b" not in result.stdout
    assert len(listed.stdout.splitlines()) == 1  # the name's CR LF forged no second line
    assert f"name             {SHOWN}\n" in shown.stdout


def test_an_error_naming_an_organisation_is_printed_visibly(run: CliRunner) -> None:
    eva, rep = _person("Eva", 1), _person("Rita", 2)
    org = _stored(Organisation(new_id("O"), NAME, EntityGroup.ECONOMIC_ACTOR,
                               EnterpriseNumber.parse(demo.enterprise_number("07001234")),
                               {rep}))
    refused = _ok(run, "registry", "local-admin", "appoint", org, rep, "--as", eva, code=7)
    _no_controls(refused.stderr)
    assert refused.stderr.startswith("mandaatwijzer: error: ")
    assert SHOWN in refused.stderr
    assert len(refused.stderr.splitlines()) == 1


def test_json_keeps_the_name_as_it_is_and_escapes_every_control(run: CliRunner) -> None:
    _person(NAME, 1)
    listed = _ok(run, "registry", "person", "list", "--json")
    _no_controls(listed.stdout)
    assert "\\u001b[31m" in listed.stdout
    assert "\\u009b2J" in listed.stdout
    assert "\\u0085x" in listed.stdout
    [person] = json.loads(listed.stdout)["items"]
    assert person["name"] == NAME


@pytest.mark.parametrize(("text", "shown"), [
    ("plain, ümlaut, 名前", "plain, ümlaut, 名前"),
    ("tab\there", r"tab\x09here"),
    ("\x00\x7f\x9f", r"\x00\x7f\x9f"),
])
def test_printable_writes_each_control_character_as_its_code(text: str, shown: str) -> None:
    assert _common.printable(text) == shown

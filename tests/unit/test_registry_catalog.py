"""Every sentence of the registry has a Dutch and an English text with the same fields, and
every code (a rule's refusal, a validation problem, an identifier's error, a refused sign-in)
has its sentence (issue 13).

The registry's errors carry a code and a phrase (`registry.phrases.N_`: an English template
marked for the catalog, and its parameters); the edges say it in the reader's language.
"""

from __future__ import annotations

import ast
import gettext
import re
from datetime import date
from functools import cache
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

import mandaatwijzer
from mandaatwijzer.registry import identifiers, phrases, policy, rules, services
from mandaatwijzer.registry.errors import (
    InvalidIdentifierError,
    NotFoundError,
    RuleViolationError,
    ValidationError,
)
from mandaatwijzer.registry.identifiers import EnterpriseNumber, NationalNumber

ROOT = Path(mandaatwijzer.__file__).parent
LOCALE = ROOT / "locale"
FIELD = re.compile(r"\{(\w+)\}")


@cache
def catalog(lang: str) -> dict[str, str]:
    with (LOCALE / lang / "LC_MESSAGES" / "mandaatwijzer.po").open("rb") as f:
        return {str(m.id): str(m.string) for m in read_po(f) if m.id}


@cache
def registry_templates() -> tuple[str, ...]:
    """Every msgid the registry's code marks (`_` and `N_`), as `pybabel extract` finds it."""
    found = {message if isinstance(message, str) else message[0]
             for _, _, message, _, _ in extract_from_dir(
                 str(ROOT / "registry"), method_map=[("**.py", "python")])}
    return tuple(sorted(found))


def fields(text: str) -> set[str]:
    return set(FIELD.findall(text))


def test_the_registry_marks_its_sentences_for_the_catalog() -> None:
    assert len(registry_templates()) > 150
    assert "the mandate from {giver} to {taker}" in registry_templates()


@pytest.mark.parametrize("template", registry_templates())
def test_every_sentence_of_the_registry_has_dutch_and_english_with_the_same_fields(
        template: str) -> None:
    nl, en = catalog("nl"), catalog("en")
    assert nl.get(template), f"no Dutch for {template!r}"
    assert fields(nl[template]) == fields(template), template
    assert template in en, f"not in the English catalog: {template!r}"
    assert not en[template] or fields(en[template]) == fields(template)
    assert not re.search(r"\b(u|uw|U|Uw|uzelf)\b(?!\+)", nl[template]), \
        f"the Dutch addresses the reader with “je”: {nl[template]!r}"


# --- every code has its sentence ---------------------------------------------------------------


def _rule_constants() -> dict[str, str]:
    """The rules' codes by constant name, of `rules` and `policy`."""
    found = {}
    for module in (rules, policy):
        for name, value in vars(module).items():
            if name.isupper() and type(value) is str and re.fullmatch(r"[a-z_]+", value) \
                    and "_" in value:
                found[f"{module.__name__.rpartition('.')[2]}.{name}"] = value
    return found


def _refusal_templates() -> dict[str, set[str]]:
    """Each rule's code, with the templates its refusals are written in (read from the calls
    `RuleViolationError(RULE, N_(…))`, `Refusal(RULE, N_(…))`, `require(…, RULE, N_(…))`)."""
    codes = {name.rpartition(".")[2]: value for name, value in _rule_constants().items()}
    found: dict[str, set[str]] = {}
    for path in (ROOT / "registry").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.attr if isinstance(node.func, ast.Attribute) else \
                getattr(node.func, "id", "")
            if name not in {"RuleViolationError", "Refusal", "require"}:
                continue
            rule = next((codes[arg.attr if isinstance(arg, ast.Attribute) else arg.id]
                         for arg in node.args
                         if isinstance(arg, ast.Attribute | ast.Name)
                         and (arg.attr if isinstance(arg, ast.Attribute) else arg.id) in codes),
                        None)
            templates = [arg.args[0].value for arg in node.args
                         if isinstance(arg, ast.Call) and getattr(arg.func, "id", "") == "N_"
                         and isinstance(arg.args[0], ast.Constant)]
            if rule is not None and templates:
                found.setdefault(rule, set()).update(templates)
    return found


#: Codes this reading of the source cannot pair with their sentence: the signing rules are
#: raised through a variable (`require_signer`, checked below), and one code names no refusal.
RAISED_THROUGH_A_VARIABLE = {"person_signs_for_self", "signer_for_organisation"}
NO_REFUSAL = {"work_relation_of_organisation"}


def test_every_rule_code_has_a_sentence_in_dutch_and_english() -> None:
    templates = _refusal_templates()
    missing = set(_rule_constants().values()) - set(templates) - RAISED_THROUGH_A_VARIABLE \
        - NO_REFUSAL
    assert not missing, f"rules refused without a sentence of the catalog: {sorted(missing)}"
    nl = catalog("nl")
    for rule, texts in templates.items():
        for template in texts:
            assert fields(nl[template]) == fields(template), (rule, template)


def test_every_identifier_error_has_its_code_and_a_sentence_in_dutch() -> None:
    nl = catalog("nl")
    for reason, problem in identifiers.REASONS.items():
        assert nl.get(problem.template), reason
        assert fields(nl[problem.template]) == fields(problem.template), reason


# --- said in the language asked for -----------------------------------------------------------


def _dutch() -> gettext.NullTranslations:
    return gettext.translation("mandaatwijzer", LOCALE, languages=["nl"])


def test_an_error_says_its_sentence_in_the_current_language_english_by_default() -> None:
    with pytest.raises(InvalidIdentifierError) as caught:
        EnterpriseNumber.parse("0403.170.702")
    error = caught.value
    assert error.reason == "enterprise_checksum"
    assert str(error) == ("enterprise_number: the check digits of 0403.170.702 do not match "
                          "its first 8 digits; expected the last two digits to be 97 - (the "
                          "first 8 digits mod 97)")
    with phrases.translated(_dutch().gettext):
        assert error.problem == ("de controlecijfers van 0403.170.702 passen niet bij de "
                                 "eerste 8 cijfers")
        assert error.message.startswith("enterprise_number: de controlecijfers")
    assert error.problem.startswith("the check digits")


def test_a_national_number_never_appears_in_an_error_in_any_language() -> None:
    with pytest.raises(InvalidIdentifierError) as caught:
        NationalNumber.parse("85.07.30-033.29")
    for translate in (None, _dutch().gettext):
        with phrases.translated(translate):
            said = str(caught.value)
            assert "0730" not in re.sub(r"[^0-9]", "", said)
            assert "033" not in said
    not_found = NotFoundError("person", "85.07.30-033.28")
    with phrases.translated(_dutch().gettext):
        assert str(not_found) == "geen persoon **.**.**-***.28"


def test_a_refusal_names_no_code_and_writes_days_as_the_language_does() -> None:
    refusal = RuleViolationError(rules.LOCAL_ADMIN_ONLY, phrases.N_(
        "{name} is neither a local administrator nor a legal representative of "
        "{organisation}; only they grant and withdraw rights there",
        name="Jonas Peeters", organisation="Bakkerij NV"))
    assert rules.LOCAL_ADMIN_ONLY not in str(refusal)
    with phrases.translated(_dutch().gettext):
        assert str(refusal) == ("Jonas Peeters is geen lokale beheerder en geen wettelijke "
                                "vertegenwoordiger van Bakkerij NV; alleen zij kennen daar "
                                "rechten toe en trekken ze in")
    late = ValidationError("end", phrases.N_("{end} lies in the past", end=date(2026, 12, 7)),
                           phrases.N_("today ({today}) or later", today=date(2026, 12, 8)))
    assert late.advice == "2026-12-07 lies in the past; expected today (2026-12-08) or later"
    with phrases.translated(_dutch().gettext, lambda day: f"{day.day} december {day.year}"):
        assert late.advice == ("7 december 2026 ligt in het verleden; verwacht: vandaag "
                               "(8 december 2026) of later")


def test_a_mandates_status_is_said_in_words() -> None:
    nl = catalog("nl")
    for status, phrase in services.STATUSES.items():
        assert nl.get(phrase.template), status


def test_the_signing_rules_refuse_in_words() -> None:
    source = (ROOT / "registry" / "rules.py").read_text(encoding="utf-8")
    nl = catalog("nl")
    for template in ("{name} can sign only for themself, not for another person",
                     "{name} may not sign for {organisation}: that takes a legal "
                     "representative or a holder of the right ‘{right}’ there"):
        assert template.split("{")[1].split("}")[1][:20] in source
        assert fields(nl[template]) == fields(template)


def test_the_dutch_catalog_addresses_the_reader_with_je_everywhere() -> None:
    formal = [(msgid, text) for msgid, text in catalog("nl").items()
              if re.search(r"\b(u|uw|U|Uw|uzelf|Uzelf)\b(?!\+)", text)]
    assert formal == [], "the guide and the registry say “je”, not “u”"

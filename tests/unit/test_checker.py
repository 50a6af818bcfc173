"""The flow checker: each rule has a fixture flow under tests/fixtures/flows/ that breaks it.

The fixtures are small copies of `valid-minimal` with one thing broken; the first comment of
each flow.yaml says what. A test asserts the exact lines `flow check` would print.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path

import pytest

from mandaatwijzer import guide
from mandaatwijzer.guide import Flow, FlowFormatError, Glossary, Problem, check, load_flow
from mandaatwijzer.guide._model import GlossaryTexts, Term

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "flows"
VALID = "valid-minimal"


def small_glossary(nl: Iterable[str] = ("mandaat",), en: Iterable[str] = ("mandaat",),
                   official: str | None = None) -> Glossary:
    """A glossary defining the terms `nl` in Dutch and `en` in English."""
    return Glossary({
        lang: GlossaryTexts(lang, f"{lang}.yaml", official,
                            {term: Term(term, term, f"{term} ({lang})") for term in terms})
        for lang, terms in (("nl", nl), ("en", en))
    })


def fixture(name: str) -> Flow:
    return load_flow(FIXTURES / name)


def problems(name: str, glossary: Glossary | None = None) -> list[Problem]:
    """The problems of fixture `name`; the valid fixture counts as a flow using the glossary."""
    return check([fixture(name)], glossary or small_glossary(), [fixture(VALID)])


def lines(name: str, glossary: Glossary | None = None) -> list[str]:
    return [problem.line() for problem in problems(name, glossary)]


# --- flows without problems ---------------------------------------------------------------


def test_the_valid_minimal_fixture_has_no_problems() -> None:
    assert lines(VALID) == []


def test_the_packaged_flow_has_no_problems_not_even_warnings() -> None:
    assert check([guide.flow("externe-dienstverlener")], guide.glossary()) == []


def test_every_other_fixture_breaks_at_least_one_rule_or_the_loader() -> None:
    names = sorted(path.name for path in FIXTURES.iterdir() if (path / "flow.yaml").is_file())
    assert VALID in names
    for name in names:
        if name == VALID:
            continue
        if name.startswith("malformed-") and name != "malformed-urls":
            with pytest.raises(FlowFormatError):
                fixture(name)
            continue
        assert any(problem.is_error for problem in problems(name)), name


# --- routing: reachability and dead ends ----------------------------------------------------


def test_nodes_nothing_leads_to_from_the_start_are_unreachable() -> None:
    assert lines("unreachable-node") == [
        "unreachable-node: los: unreachable from the start",
        "unreachable-node: alleen-via-los: unreachable from the start",
    ]


def test_a_route_without_a_goto_is_a_dead_end() -> None:
    assert lines("route-without-goto") == [
        "route-without-goto: vraag: dead end: route 1 has no target (goto)",
    ]


def test_a_goto_to_an_unknown_node_is_a_dead_end() -> None:
    assert lines("goto-unknown-node") == [
        "goto-unknown-node: vraag: dead end: route 1 goes to unknown node 'nergens'",
    ]


def test_a_question_without_routes_is_one_dead_end_not_one_per_option() -> None:
    assert lines("question-without-routes") == [
        "question-without-routes: leeg: dead end: the question has no routes",
    ]


def test_a_conditional_last_route_is_a_dead_end_even_if_every_option_is_covered() -> None:
    assert lines("last-route-conditional") == [
        "last-route-conditional: vraag: dead end: the last route has a condition; "
        "expected an unconditional last route",
    ]


def test_an_option_that_matches_no_route_is_named() -> None:
    assert lines("option-matches-no-route") == [
        "option-matches-no-route: kleur: dead end: the last route has a condition; "
        "expected an unconditional last route",
        "option-matches-no-route: kleur: dead end: option 'blauw' matches no route",
    ]


def test_a_cycle_is_reported_with_the_loop() -> None:
    assert lines("cycle") == ["cycle: tweede: cycle: eerste → tweede → eerste"]


def test_an_outcome_nothing_leads_to_is_reported() -> None:
    assert lines("outcome-nothing-leads-to") == [
        "outcome-nothing-leads-to: vergeten: outcome nothing leads to",
    ]


def test_routes_after_an_unconditional_route_are_never_taken() -> None:
    assert lines("routes-after-unconditional-route") == [
        "routes-after-unconditional-route: vraag: route 1 has no condition, "
        "so the routes after it are never taken",
        "routes-after-unconditional-route: overgeslagen: unreachable from the start",
    ]


def test_a_first_node_that_does_not_exist_leaves_every_node_unreachable() -> None:
    assert lines("start-points-nowhere") == [
        "start-points-nowhere: start: first node 'nergens' does not exist",
        "start-points-nowhere: vraag: unreachable from the start",
        "start-points-nowhere: ja-einde: unreachable from the start",
        "start-points-nowhere: nee-einde: unreachable from the start",
    ]


# --- options and ids --------------------------------------------------------------------------


def test_a_duplicate_option_value_is_reported() -> None:
    assert lines("duplicate-option-values") == [
        "duplicate-option-values: keuze: duplicate option value 'een'",
    ]


def test_a_choice_with_fewer_than_two_options_is_reported() -> None:
    assert lines("choice-with-one-option") == [
        "choice-with-one-option: keuze: a choice question needs at least two options",
    ]


def test_ids_and_option_values_must_be_slugs() -> None:
    assert lines("id-not-a-slug") == [
        "id-not-a-slug: Mijn_Vraag: id is not a slug; expected lower-case letters, digits and '-'",
        "id-not-a-slug: Mijn_Vraag: option value 'Ja_Graag' is not a slug; "
        "expected lower-case letters, digits and '-'",
    ]


# --- conditions -------------------------------------------------------------------------------


def test_a_condition_on_an_unknown_question_is_reported() -> None:
    assert lines("condition-unknown-question") == [
        "condition-unknown-question: vraag: route 1 tests unknown question 'bestaat-niet'",
    ]


def test_a_condition_on_a_value_the_question_cannot_have_is_reported() -> None:
    assert lines("condition-unknown-value") == [
        "condition-unknown-value: vraag: route 1 tests 'vraag' for 'misschien', "
        "which is not one of its options",
    ]


def test_a_condition_on_a_question_skipped_on_some_path_is_reported() -> None:
    assert lines("condition-not-always-answered") == [
        "condition-not-always-answered: derde: route 1 tests 'tweede', "
        "which is not always answered before",
    ]


# --- texts ------------------------------------------------------------------------------------


def test_a_missing_language_file_is_reported() -> None:
    assert lines("language-file-missing") == [
        "language-file-missing: (texts): no texts in 'en'; expected a file en.yaml",
    ]


def test_a_missing_intro_and_a_missing_node_text_are_reported() -> None:
    assert lines("text-missing") == [
        "text-missing: start: text 'intro' missing in 'en'",
        "text-missing: vraag: text missing in 'en'",
    ]


def test_missing_option_labels_are_reported_for_choices_and_yes_no() -> None:
    assert lines("option-label-missing") == [
        "option-label-missing: keuze: label of option 'twee' missing in 'en'",
        "option-label-missing: vraag: label of option 'nee' missing in 'en'",
    ]


def test_a_missing_link_label_is_reported() -> None:
    assert lines("link-label-missing") == [
        "link-label-missing: einde: label of the external link missing in 'en'",
    ]


def test_texts_for_a_node_option_or_link_the_flow_lacks_are_reported() -> None:
    assert lines("texts-for-things-the-flow-lacks") == [
        "texts-for-things-the-flow-lacks: spook: texts in 'nl' for a node the flow does not have",
        "texts-for-things-the-flow-lacks: vraag: label in 'nl' for option 'misschien', "
        "which the question does not have",
        "texts-for-things-the-flow-lacks: einde: label in 'nl' for the howto link, "
        "which the outcome does not have",
    ]


def test_after_texts_must_be_for_an_option_of_a_question_in_every_language() -> None:
    assert lines("after-texts-wrong") == [
        "after-texts-wrong: eid: `after` text in 'nl' for option 'misschien', "
        "which the question does not have",
        "after-texts-wrong: uitvoeren: `after` texts in 'nl' on an outcome; expected them only "
        "on a question, per option",
        "after-texts-wrong: eid: `after` text for option 'ja' missing in 'en'",
    ]
    texts = fixture("after-texts-wrong").node_texts("eid", "nl").after
    assert texts["ja"].source == "inferred"
    assert texts["misschien"].source == "seed"


# --- glossary ---------------------------------------------------------------------------------


def test_a_glossary_term_used_but_not_defined_is_reported_per_language() -> None:
    glossary = small_glossary(nl=["mandaat", "alleen-nederlands"], en=["mandaat"])

    assert lines("glossary-term-undefined", glossary) == [
        "glossary-term-undefined: start: glossary term 'onbekende-term' is not defined in 'nl'",
        "glossary-term-undefined: start: glossary term 'onbekende-term' is not defined in 'en'",
        "glossary-term-undefined: vraag: glossary term 'alleen-nederlands' "
        "is not defined in 'en'",
    ]


def test_a_glossary_term_defined_but_unused_is_only_a_warning() -> None:
    found = check([fixture(VALID)], small_glossary(nl=["mandaat", "ongebruikt"], en=["mandaat"]))

    assert [problem.line() for problem in found] == [
        "warning: glossary: ongebruikt: term defined in 'nl' but no flow links to it",
    ]
    assert not any(problem.is_error for problem in found)


def test_a_term_used_only_by_another_flow_is_not_unused() -> None:
    glossary = small_glossary(nl=["mandaat", "aanvrager"], en=["mandaat", "aanvrager"])

    assert check([fixture(VALID)], glossary) != []
    assert check([fixture(VALID)], glossary, [guide.flow("externe-dienstverlener")]) == []


def test_a_malformed_glossary_address_is_reported() -> None:
    glossary = small_glossary(official="http://www.vlaanderen.be/begrippen")

    assert [problem.line() for problem in check([fixture(VALID)], glossary)] == [
        "glossary: official: malformed URL 'http://www.vlaanderen.be/begrippen' in 'nl'; "
        "expected https://host/path",
        "glossary: official: malformed URL 'http://www.vlaanderen.be/begrippen' in 'en'; "
        "expected https://host/path",
    ]


# --- addresses --------------------------------------------------------------------------------


def test_malformed_addresses_are_reported_per_link() -> None:
    expected = "expected https://host/path"
    assert lines("malformed-urls") == [
        f"malformed-urls: niet-https: malformed URL 'http://www.vlaanderen.be/mandaten'; "
        f"{expected}",
        f"malformed-urls: spatie: malformed URL 'https://www.vlaanderen.be/mandaten en rechten'; "
        f"{expected}",
        f"malformed-urls: geen-host: malformed URL 'https:///mandaten'; {expected}",
        f"malformed-urls: haakje: malformed URL 'https://[www.vlaanderen.be/mandaten'; "
        f"{expected}",
        "malformed-urls: geen-slug: how-to page 'Hoe Doe Ik Dat' is not a slug; "
        "expected lower-case letters, digits and '-'",
    ]


# --- several flows, and the line format -------------------------------------------------------


def test_problems_of_several_flows_are_reported_together_each_under_its_flow() -> None:
    found = check([fixture("cycle"), fixture(VALID), fixture("outcome-nothing-leads-to")],
                  small_glossary())

    assert [problem.line() for problem in found] == [
        "cycle: tweede: cycle: eerste → tweede → eerste",
        "outcome-nothing-leads-to: vergeten: outcome nothing leads to",
    ]


def test_a_problem_line_names_flow_node_and_message_and_marks_warnings() -> None:
    assert Problem("f", "n", "wrong").line() == "f: n: wrong"
    assert Problem("f", "n", "odd", "warning").line() == "warning: f: n: odd"
    assert Problem("f", "n", "wrong").is_error
    assert not Problem("f", "n", "odd", "warning").is_error


# --- the command line: `mandaatwijzer flow check` ---------------------------------------------


def flow_check(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mandaatwijzer", "flow", "check", *args],
        capture_output=True, encoding="utf-8", check=False, timeout=60,
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
    )


def test_flow_check_prints_the_problems_of_a_broken_flow_and_exits_1() -> None:
    result = flow_check(str(FIXTURES / "cycle"))

    assert result.returncode == 1, result.stderr
    assert "cycle: tweede: cycle: eerste → tweede → eerste" in result.stdout.splitlines()


def test_flow_check_of_the_packaged_flows_exits_0() -> None:
    result = flow_check()

    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == ""


def test_flow_check_prints_the_loader_message_for_a_malformed_flow_and_exits_1() -> None:
    folder = FIXTURES / "malformed-unknown-key"

    result = flow_check(str(folder))

    assert result.returncode == 1, result.stderr
    message = (f"{folder / 'flow.yaml'}:8: vraag: unknown key 'titel'; "
               "expected one of: glossary, options, routes, source, type")
    assert message in result.stdout.splitlines()

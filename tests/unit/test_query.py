"""Answers as one canonical, sorted query string."""

from __future__ import annotations

import pytest

from mandaatwijzer import guide

FLOW = guide.flow("externe-dienstverlener")


def test_the_query_string_is_sorted_whatever_the_order_of_answering() -> None:
    assert guide.to_query({"rol": "mandaatbeheerder", "eid": "ja"}) == "eid=ja&rol=mandaatbeheerder"


def test_parsing_and_writing_round_trip() -> None:
    for path in guide.paths(FLOW):
        assert guide.to_query(guide.parse_query(path.query, FLOW.questions)) == path.query


def test_unknown_keys_are_dropped() -> None:
    answers = guide.parse_query("?eid=ja&utm_source=mail&lang=en&rol=mandaatbeheerder",
                                FLOW.questions)
    assert answers == {"eid": "ja", "rol": "mandaatbeheerder"}


def test_an_empty_query_means_no_answers() -> None:
    assert guide.parse_query("", FLOW.questions) == {}
    assert guide.parse_query("?", FLOW.questions) == {}


def test_values_are_percent_encoded() -> None:
    assert guide.to_query({"a": "b c&d"}) == "a=b+c%26d"


@pytest.mark.parametrize(("query", "message"), [
    ("eid", "expected question=value pairs"),
    ("eid=ja&&rol=x", "expected question=value pairs"),
    ("eid=ja&eid=nee", "question 'eid' is answered twice"),
    ("eid=", "question 'eid' has an empty answer"),
])
def test_a_malformed_query_string_is_refused_with_what_is_expected(
    query: str, message: str
) -> None:
    with pytest.raises(guide.MalformedQueryError, match=message):
        guide.parse_query(query, FLOW.questions)


def test_a_long_malformed_query_is_shortened_in_the_message() -> None:
    with pytest.raises(guide.MalformedQueryError) as caught:
        guide.parse_query("x" * 500, FLOW.questions)
    assert len(caught.value.message) < 200


def test_the_lenient_reading_of_a_well_formed_query_is_the_strict_one() -> None:
    query = "eid=ja&utm_source=mail&rol=mandaatbeheerder"
    assert guide.parse_query_lenient(query, FLOW.questions) == (
        guide.parse_query(query, FLOW.questions), False
    )
    assert guide.parse_query_lenient("", FLOW.questions) == ({}, False)


@pytest.mark.parametrize(("query", "answers"), [
    ("eid=ja&eid=nee", {"eid": "ja"}),
    ("eid=&rol=mandaatbeheerder", {"rol": "mandaatbeheerder"}),
    ("rol&eid=ja", {"eid": "ja"}),
    ("eid=ja&&rol=lokale-beheerder&unknown=", {"eid": "ja", "rol": "lokale-beheerder"}),
    ("x" * 500, {}),
])
def test_the_lenient_reading_keeps_what_it_can_and_says_that_some_was_dropped(
    query: str, answers: dict[str, str]
) -> None:
    assert guide.parse_query_lenient(query, FLOW.questions) == (answers, True)

"""The engine: replay, answer, back, change, restart, trace and its typed errors."""

from __future__ import annotations

import pytest

from mandaatwijzer import guide

FLOW = guide.flow("externe-dienstverlener")
LB, MB = "lokale-beheerder", "mandaatbeheerder"


def test_a_new_state_asks_the_first_question_with_no_answers() -> None:
    state = guide.start(FLOW)
    assert state.node.id == "rol"
    assert state.answers == {}
    assert state.query == ""
    assert not state.finished


def test_answering_moves_to_the_next_question_the_routes_choose() -> None:
    state = guide.answer(guide.start(FLOW), "rol", MB)
    assert state.node.id == "eid"
    assert guide.answer(state, "eid", "ja").node.id == "wil-mandaat"
    lb = guide.answer(guide.answer(guide.start(FLOW), "rol", LB), "eid", "ja")
    assert lb.node.id == "is-lokale-beheerder"


def test_the_state_is_the_replay_of_its_answers() -> None:
    state = guide.start(FLOW)
    for question, value in [("rol", LB), ("eid", "ja"), ("is-lokale-beheerder", "nee")]:
        state = guide.answer(state, question, value)
    assert guide.resolve(FLOW, state.answers) == state
    assert guide.from_query(FLOW, state.query) == state


def test_back_undoes_the_last_answer_and_stays_put_at_the_start() -> None:
    state = guide.from_query(FLOW, "eid=ja&rol=mandaatbeheerder")
    assert guide.back(state).node.id == "eid"
    assert guide.back(state).answers == {"rol": MB}
    start = guide.start(FLOW)
    assert guide.back(start) == start


def test_restart_forgets_every_answer() -> None:
    state = guide.from_query(FLOW, "eid=nee&rol=mandaatbeheerder")
    assert state.finished
    restarted = guide.restart(state)
    assert restarted == guide.start(FLOW)


def test_changing_an_earlier_answer_keeps_later_answers_that_stay_on_the_path() -> None:
    # MB path: rol, eid, wil-mandaat. Switching to LB inserts is-lokale-beheerder before
    # wil-mandaat, so the replay stops there and wil-mandaat's answer is no longer on the path.
    state = guide.from_query(FLOW, "eid=ja&rol=mandaatbeheerder&wil-mandaat=ja")
    changed = guide.change(state, "rol", LB)
    assert changed.answers == {"rol": LB, "eid": "ja"}
    assert changed.node.id == "is-lokale-beheerder"


def test_changing_an_answer_keeps_the_later_answers_of_the_new_path() -> None:
    state = guide.from_query(
        FLOW, "eid=ja&is-lokale-beheerder=nee&is-mandaatbeheerder=ja&rol=lokale-beheerder"
        "&wil-mandaat=ja")
    assert state.node.id == "mandaat-afsluiten"
    changed = guide.change(state, "rol", MB)
    assert changed.answers == {"rol": MB, "eid": "ja", "wil-mandaat": "ja",
                               "is-mandaatbeheerder": "ja"}
    assert changed.node.id == "mandaat-afsluiten"


def test_changing_an_answer_to_no_drops_everything_after_it() -> None:
    state = guide.from_query(FLOW, "eid=ja&rol=mandaatbeheerder&wil-mandaat=ja")
    changed = guide.change(state, "eid", "nee")
    assert changed.answers == {"rol": MB, "eid": "nee"}
    assert changed.node.id == "geen-eid"


def test_the_trace_lists_only_the_answers_that_decided_in_the_order_given() -> None:
    state = guide.from_query(FLOW, "eid=nee&rol=lokale-beheerder")
    assert [(s.question.id, s.answer) for s in state.trace] == [("eid", "nee")]
    state = guide.from_query(FLOW, "eid=ja&rol=mandaatbeheerder&wil-mandaat=nee")
    assert [s.question.id for s in state.trace] == ["rol", "eid", "wil-mandaat"]


def test_an_unknown_question_is_refused_with_its_name() -> None:
    with pytest.raises(guide.UnknownQuestionError, match="'bestaat-niet'"):
        guide.answer(guide.start(FLOW), "bestaat-niet", "ja")
    with pytest.raises(guide.UnknownQuestionError):
        guide.resolve(FLOW, {"bestaat-niet": "ja"})


def test_an_answer_for_a_question_not_on_the_path_is_refused() -> None:
    state = guide.from_query(FLOW, "eid=ja&rol=mandaatbeheerder")
    with pytest.raises(guide.NotOnPathError) as caught:
        guide.answer(state, "is-lokale-beheerder", "ja")
    assert caught.value.code == "not_on_path"
    assert "expected an answer to 'wil-mandaat'" in caught.value.message


def test_a_value_not_among_the_options_is_refused_with_the_options() -> None:
    with pytest.raises(guide.InvalidValueError) as caught:
        guide.answer(guide.start(FLOW), "rol", "burgemeester")
    assert caught.value.message == ("'burgemeester' is not an option of question 'rol'; "
                                    "expected one of: lokale-beheerder, mandaatbeheerder")


def test_a_replay_reports_what_it_left_out_and_stops_at_the_furthest_valid_step() -> None:
    result = guide.replay(FLOW, {"rol": MB, "eid": "misschien", "wil-mandaat": "ja", "x": "y"})
    assert result.state.node.id == "eid"
    assert result.state.answers == {"rol": MB}
    assert [type(p) for p in result.problems] == [
        guide.UnknownQuestionError, guide.InvalidValueError, guide.NotOnPathError]


def test_off_path_answers_are_reported_not_used() -> None:
    result = guide.replay(FLOW, {"rol": MB, "eid": "ja", "uitvoerder-recht": "ja"})
    assert result.state.node.id == "wil-mandaat"
    assert [p.code for p in result.problems] == ["not_on_path"]


def test_every_answer_error_shares_one_family_and_exit_code() -> None:
    for error in (guide.UnknownQuestionError, guide.NotOnPathError, guide.InvalidValueError,
                  guide.MalformedQueryError):
        assert issubclass(error, guide.AnswerError)
        assert error.exit_code == guide.AnswerError.exit_code
    assert guide.UnknownFlowError.exit_code != guide.AnswerError.exit_code


def test_an_unknown_flow_is_refused_with_the_known_ones() -> None:
    with pytest.raises(guide.UnknownFlowError, match="expected one of: externe-dienstverlener"):
        guide.flow("onbekend")


def test_an_unknown_language_is_refused() -> None:
    with pytest.raises(guide.UnknownLanguageError, match="expected one of: nl, en"):
        guide.language("fr")

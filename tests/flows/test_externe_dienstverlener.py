"""The seed flow, node by node and path by path, against the seed reading."""

from __future__ import annotations

import pytest

from mandaatwijzer import guide

from .seed_paths import (
    GLOSSARY_URL,
    HOWTO_URL,
    SEED_BUTTONS,
    SEED_GLOSSARY_LINK_COUNTS,
    SEED_INTRO,
    SEED_NOTES_NL,
    SEED_PATHS,
    SEED_ROLE_BUTTONS,
    SEED_SCOPE_NOTE,
    SEED_TEXTS_NL,
    SEED_TITLE,
)

FLOW = guide.flow("externe-dienstverlener")


def _answered(answers: list[tuple[str, str]]) -> guide.State:
    state = guide.start(FLOW)
    for question, value in answers:
        assert state.node.id == question, f"expected to be asked {question}, got {state.node.id}"
        state = guide.answer(state, question, value)
    return state


def _path_id(answers: list[tuple[str, str]], outcome: str) -> str:
    return f"{outcome}:" + ",".join(v for _, v in answers)


@pytest.mark.parametrize(("answers", "outcome"), SEED_PATHS,
                         ids=[_path_id(a, o) for a, o in SEED_PATHS])
def test_each_seed_path_ends_in_its_outcome_with_the_seed_text(
    answers: list[tuple[str, str]], outcome: str
) -> None:
    state = _answered(answers)
    assert state.finished
    assert state.node.id == outcome
    # geen-recht has no text in the seed (only its button); its added text is checked below.
    assert FLOW.text(outcome, "nl") == SEED_TEXTS_NL.get(outcome, "Je wilt geen recht toekennen "
                                                         "aan een collega.")


def test_the_flow_has_exactly_the_eleven_paths_of_the_seed_reading() -> None:
    found = {(tuple((s.question.id, s.answer) for s in p.steps), p.outcome.id)
             for p in guide.paths(FLOW)}
    expected = {(tuple(answers), outcome) for answers, outcome in SEED_PATHS}
    assert len(SEED_PATHS) == 11
    assert found == expected


def test_path_ids_are_unique_and_depend_only_on_the_answers() -> None:
    ids = {p.query: p.id for p in guide.paths(FLOW)}
    assert len(set(ids.values())) == 11
    # Written down once: a path keeps its id as long as its answers stay the same.
    assert ids["eid=nee&rol=lokale-beheerder"] == "p-8edc76b"
    assert ids["eid=ja&is-mandaatbeheerder=ja&rol=mandaatbeheerder&wil-mandaat=ja"] == "p-2320c4c"


@pytest.mark.parametrize("node_id", sorted(SEED_TEXTS_NL))
def test_every_box_carries_its_dutch_seed_text_word_for_word(node_id: str) -> None:
    node_texts = FLOW.node_texts(node_id, "nl")
    assert node_texts.text is not None
    assert node_texts.text.value == SEED_TEXTS_NL[node_id]
    assert node_texts.text.source == "seed"


def test_the_only_added_statement_is_the_no_right_outcome_and_it_is_marked_inferred() -> None:
    added = [node.id for node in FLOW.nodes if node.id not in SEED_TEXTS_NL]
    assert added == ["geen-recht"]
    text = FLOW.node_texts("geen-recht", "nl").text
    assert text is not None
    assert text.source == "inferred"


@pytest.mark.parametrize(("outcome", "note"), sorted(SEED_NOTES_NL.items()))
def test_outcome_notes_are_the_seed_notes(outcome: str, note: str) -> None:
    text = FLOW.node_texts(outcome, "nl").note
    assert text is not None
    assert text.value == note
    assert text.source == "seed"


def test_the_start_page_has_the_seed_title_intro_and_scope_note() -> None:
    texts = FLOW.texts["nl"]
    assert texts.title is not None
    assert texts.title.value == SEED_TITLE
    assert texts.intro is not None
    assert texts.intro.value == SEED_INTRO
    assert texts.scope_note is not None
    assert texts.scope_note.value == SEED_SCOPE_NOTE


def test_the_role_question_offers_the_two_seed_buttons() -> None:
    state = guide.start(FLOW)
    assert state.node.id == "rol"
    view = guide.state_view(state, guide.glossary(), "nl")
    assert {o["value"]: o["label"] for o in view["node"]["options"]} == SEED_ROLE_BUTTONS


def test_yes_no_labels_are_marked_inferred_because_the_seed_shows_no_arrow_labels() -> None:
    labels = FLOW.texts["nl"].yes_no
    assert {k: v.value for k, v in labels.items()} == {"ja": "Ja", "nee": "Nee"}
    assert {v.source for v in labels.values()} == {"inferred"}


@pytest.mark.parametrize(("outcome", "buttons"), sorted(SEED_BUTTONS.items()))
def test_every_outcome_has_its_seed_buttons(outcome: str, buttons: list[tuple[str, str]]) -> None:
    node = FLOW.outcomes[outcome]
    seed_links = [(link.kind, FLOW.link_label(outcome, link.kind, "nl"))
                  for link in node.links if link.source == "seed"]
    assert [link for link in seed_links if link[0] != "external"] == buttons


@pytest.mark.parametrize("outcome", ["recht-mandaatuitvoerder", "recht-mandaatbeheerder",
                                     "mandaat-afsluiten"])
def test_read_how_outcomes_link_to_the_official_page_and_the_projects_howto(outcome: str) -> None:
    links = guide.state_view(_answered(next(a for a, o in SEED_PATHS if o == outcome)),
                             guide.glossary(), "nl")["node"]["links"]
    external = [link for link in links if link["kind"] == "external"]
    howto = [link for link in links if link["kind"] == "howto"]
    assert [link["href"] for link in external] == [HOWTO_URL]
    assert howto == [{"kind": "howto", "label": "LEES HIER HOE JE DAT DOET",
                      "href": f"/nl/flows/externe-dienstverlener/howto/{outcome}",
                      "source": "seed"}]


def test_restart_buttons_added_beyond_the_seed_are_marked_inferred() -> None:
    for outcome in ("recht-mandaatuitvoerder", "recht-mandaatbeheerder", "mandaat-afsluiten"):
        restart = [link for link in FLOW.outcomes[outcome].links if link.kind == "restart"]
        assert [link.source for link in restart] == ["inferred"]


@pytest.mark.parametrize(("place", "count"), sorted(SEED_GLOSSARY_LINK_COUNTS.items()))
def test_glossary_links_stand_beside_the_boxes_as_in_the_seed(place: str, count: int) -> None:
    refs = FLOW.start.glossary if place == "start" else FLOW.questions[place].glossary
    assert len([ref for ref in refs if ref.source == "seed"]) == count


def test_the_local_administrator_statement_links_its_three_terms() -> None:
    refs = [ref.term for ref in FLOW.questions["is-lokale-beheerder"].glossary]
    assert refs == ["lokale-beheerder", "externe-dienstverlener", "gebruikersbeheer"]


def test_the_glossary_points_at_the_official_begrippenlijst_in_both_languages() -> None:
    assert {t.official for t in guide.glossary().texts.values()} == {GLOSSARY_URL}


def test_every_term_of_the_seed_reading_is_defined_in_dutch_and_english() -> None:
    terms = {"externe-dienstverlener", "lokale-beheerder", "mandaatbeheerder", "mandaatuitvoerder",
             "gebruikersbeheer", "belgische-eid", "aanvrager", "mandaat", "ssm",
             "ondernemingsnummer", "economische-actor", "lokaal-bestuur", "dossier"}
    glossary = guide.glossary()
    for lang in ("nl", "en"):
        assert set(glossary.texts[lang].terms) == terms
        for term in terms:
            entry = glossary.term(term, lang)
            assert entry is not None
            assert len(entry.definition) > 40


def test_the_english_translation_is_complete_and_marked_as_translation() -> None:
    texts = FLOW.texts["en"]
    assert texts.source == "translation"
    for node in FLOW.nodes:
        assert FLOW.text(node.id, "en"), node.id
        assert FLOW.text(node.id, "en") != FLOW.text(node.id, "nl")


def test_the_english_guide_speaks_english() -> None:
    view = guide.state_view(_answered(SEED_PATHS[0][0]), guide.glossary(), "en")
    assert view["node"]["text"] == ("You cannot grant rights or conclude mandates on behalf of an "
                                    "external service provider.")
    assert view["node"]["links"][0]["label"] == "BACK TO THE START"
    assert view["trace"] == [{"question": "eid", "text": "I have a Belgian eID.",
                              "answer": "nee", "label": "No"}]


def test_the_no_eid_outcome_is_decided_by_the_eid_answer_alone() -> None:
    for answers, outcome in SEED_PATHS[:2]:
        state = _answered(answers)
        assert outcome == "geen-eid"
        assert [(s.question.id, s.answer) for s in state.trace] == [("eid", "nee")]


def test_the_right_outcomes_are_decided_by_every_answer_on_their_path() -> None:
    answers, _ = SEED_PATHS[3]
    assert [(s.question.id, s.answer) for s in _answered(answers).trace] == answers


def test_after_no_to_the_local_administrator_statement_one_inferred_line_says_where_next() -> None:
    """The seed has no "nee" box for it: the flow adds one line (inferred, nl and en), shown
    where that answer leads and nowhere else on any of the eleven paths."""
    for lang in guide.LANGUAGES:
        after = FLOW.node_texts("is-lokale-beheerder", lang).after
        assert list(after) == ["nee"]
        assert after["nee"].source == "inferred"
    shown = []
    for answers, _outcome in SEED_PATHS:
        for given in range(len(answers) + 1):
            state = _answered(answers[:given])
            for lang in guide.LANGUAGES:
                node = guide.state_view(state, guide.glossary(), lang)["node"]
                if "arrival" in node:
                    shown.append((state.query, node["id"], node["arrival"]["source"], lang))
    at_wil_mandaat = "eid=ja&is-lokale-beheerder=nee&rol=lokale-beheerder"
    # Three paths pass there (6, 7, 8 of the seed reading), each in both languages.
    assert shown == [(at_wil_mandaat, "wil-mandaat", "inferred", lang)
                     for _ in range(3) for lang in guide.LANGUAGES]
    nl = guide.state_view(guide.from_query(FLOW, at_wil_mandaat), guide.glossary(), "nl")
    assert nl["node"]["arrival"] == {
        "question": "is-lokale-beheerder", "answer": "nee", "source": "inferred",
        "text": "Je bent geen lokale beheerder, dus je kunt geen rechten toekennen aan een "
                "collega. De wegwijzer gaat verder met het afsluiten van een mandaat met een "
                "aanvrager.",
    }

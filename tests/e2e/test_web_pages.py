"""The web guide over HTTP: every page, every error, the state in the URL."""

from __future__ import annotations

import logging

import pytest

from ..flows.seed_paths import HOWTO_URL, SEED_PATHS, SEED_TEXTS_NL
from .web import BASE, FLOW, client, elements, text

C = client()


def _query(answers: list[tuple[str, str]]) -> str:
    return "&".join(f"{q}={v}" for q, v in sorted(answers))


@pytest.mark.parametrize(("header", "lang"), [
    (None, "nl"), ("en-GB,en;q=0.9", "en"), ("fr-BE, nl;q=0.8, en;q=0.5", "nl"),
    ("de, en;q=0.3", "en"), ("fr", "nl"), ("en;q=0, nl;q=0.1", "nl"),
])
def test_the_first_visit_follows_the_browsers_language(header: str | None, lang: str) -> None:
    response = C.get("/", headers={"accept-language": header} if header else {})
    assert response.status_code == 307
    assert response.headers["location"] == f"/{lang}/"


def test_the_index_lists_the_flows() -> None:
    page = C.get("/nl/").text
    assert f'href="{BASE}"' in page
    assert "Externe dienstverlener" in page


def test_the_start_page_has_the_title_intro_scope_note_and_a_start_button() -> None:
    response = C.get(BASE)
    assert response.status_code == 200
    page = text(response.text)
    assert "Externe dienstverlener" in page
    assert "Ik wens rechten toe te kennen of mandaten te sluiten in naam van de externe " \
           "dienstverlener." in page
    assert "(met name voor economische actoren, dus niet voor lokale besturen)" in page
    assert any(a.get("href") == f"{BASE}/step" for a in elements(response.text, "a"))


def test_a_question_page_is_one_fieldset_with_a_legend_radios_and_a_continue_button() -> None:
    page = C.get(f"{BASE}/step?eid=ja&rol=lokale-beheerder").text
    assert '<html lang="nl">' in page
    assert page.count("<fieldset") == 1
    assert "<legend" in page
    assert SEED_TEXTS_NL["is-lokale-beheerder"] in text(page)
    radios = [i for i in elements(page, "input") if i.get("type") == "radio"]
    assert [r["value"] for r in radios] == ["ja", "nee"]
    labels = {label["for"] for label in elements(page, "label")}
    assert {r["id"] for r in radios} <= labels
    form = elements(page, "form")[0]
    assert form["method"] == "post"
    assert form["action"] == f"{BASE}/step?eid=ja&rol=lokale-beheerder"
    hrefs = [a.get("href") for a in elements(page, "a")]
    assert f"{BASE}/step?rol=lokale-beheerder" in hrefs  # Vorige (back)
    assert BASE in hrefs  # Terug naar het begin


def test_the_first_question_goes_back_to_the_start_page() -> None:
    page = C.get(f"{BASE}/step").text
    assert elements(page, "a")[1]["href"] == BASE or any(
        a.get("class") == "back-link" and a.get("href") == BASE for a in elements(page, "a"))


def test_answering_redirects_to_the_canonical_address_of_the_next_step() -> None:
    response = C.post(f"{BASE}/step?rol=mandaatbeheerder", data={"question": "eid", "answer": "ja"})
    assert response.status_code == 303
    assert response.headers["location"] == f"{BASE}/step?eid=ja&rol=mandaatbeheerder"
    assert SEED_TEXTS_NL["wil-mandaat"] in text(C.get(response.headers["location"]).text)


def test_submitting_without_a_choice_shows_an_error_summary_and_the_field_error() -> None:
    response = C.post(f"{BASE}/step?rol=mandaatbeheerder", data={"question": "eid"})
    assert response.status_code == 422
    page = response.text
    assert "<title>Fout: " in page
    summary = page.split('class="error-summary"')[1].split("</div>")[0]
    assert 'href="#answer-1"' in summary
    assert "Kies een van de antwoorden" in summary
    assert 'id="answer-error"' in page
    fieldset = elements(page, "fieldset")[0]
    assert fieldset["aria-describedby"] == "answer-error"
    assert SEED_TEXTS_NL["eid"] in text(page)


def test_the_error_is_in_the_pages_language() -> None:
    page = C.post(f"/en/flows/{FLOW}/step", data={"question": "rol"}).text
    assert "Choose one of the answers" in page
    assert "There is a problem" in page


def test_an_answer_that_is_not_an_option_is_an_error_too() -> None:
    response = C.post(f"{BASE}/step", data={"question": "rol", "answer": "koning"})
    assert response.status_code == 422


def test_a_stale_form_for_a_question_off_the_path_changes_nothing() -> None:
    response = C.post(f"{BASE}/step?eid=ja&rol=mandaatbeheerder",
                      data={"question": "uitvoerder-recht", "answer": "ja"})
    assert response.status_code == 303
    assert response.headers["location"] == f"{BASE}/step?eid=ja&rol=mandaatbeheerder"


@pytest.mark.parametrize(("answers", "outcome"), SEED_PATHS,
                         ids=[f"{o}-{i}" for i, (_, o) in enumerate(SEED_PATHS)])
def test_every_path_reaches_its_outcome_page(answers: list[tuple[str, str]], outcome: str) -> None:
    url = f"{BASE}/step"
    for question, value in answers:
        response = C.post(url, data={"question": question, "answer": value})
        assert response.status_code == 303
        url = response.headers["location"]
    page = C.get(url).text
    assert url == f"{BASE}/step?{_query(answers)}"
    expected = SEED_TEXTS_NL.get(outcome, "Je wilt geen recht toekennen aan een collega.")
    assert expected in text(page)


def test_the_outcome_page_has_its_buttons_official_link_answers_and_trace() -> None:
    query = "eid=ja&is-lokale-beheerder=ja&rol=lokale-beheerder&uitvoerder-recht=ja"
    page = C.get(f"{BASE}/step?{query}").text
    links = {a.get("href"): a for a in elements(page, "a")}
    assert f"{BASE}/howto/recht-mandaatuitvoerder?{query}" in links
    assert HOWTO_URL in links
    assert "LEES HIER HOE JE DAT DOET" in page
    assert "TERUG NAAR HET BEGIN" in page
    assert "De mandaatuitvoerder kan in naam van externe dienstverlener dossiers van aanvragers " \
           "beheren." in page
    for question in ("rol", "eid", "is-lokale-beheerder", "uitvoerder-recht"):
        assert f"{BASE}/change/{question}?{query}" in links
    trace = page.split('class="trace"')[1].split("</ol>")[0]
    assert trace.count("<li>") == 4
    assert '<link rel="stylesheet" href="/static/print.css" media="print">' in page


def test_the_trace_shows_only_the_deciding_answers() -> None:
    page = C.get(f"{BASE}/step?eid=nee&rol=mandaatbeheerder").text
    trace = page.split('class="trace"')[1].split("</ol>")[0]
    assert trace.count("<li>") == 1
    assert "Ik heb een Belgische eID." in trace
    assert "START OPNIEUW" not in page
    assert "TERUG NAAR HET BEGIN" in page


def test_the_change_link_shows_the_question_with_the_current_answer_chosen() -> None:
    query = "eid=ja&rol=mandaatbeheerder&wil-mandaat=nee"
    page = C.get(f"{BASE}/change/rol?{query}").text
    radios = {r["value"]: r for r in elements(page, "input") if r.get("type") == "radio"}
    assert "checked" in radios["mandaatbeheerder"]
    assert "checked" not in radios["lokale-beheerder"]
    assert elements(page, "form")[0]["action"] == f"{BASE}/step?{query}"


def test_changing_an_answer_keeps_later_answers_only_while_on_the_path() -> None:
    query = "eid=ja&is-mandaatbeheerder=ja&rol=mandaatbeheerder&wil-mandaat=ja"
    response = C.post(f"{BASE}/step?{query}", data={"question": "rol",
                                                     "answer": "lokale-beheerder"})
    assert response.headers["location"] == f"{BASE}/step?eid=ja&rol=lokale-beheerder"
    response = C.post(f"{BASE}/step?{query}", data={"question": "eid", "answer": "nee"})
    assert response.headers["location"] == f"{BASE}/step?eid=nee&rol=mandaatbeheerder"


def test_a_change_link_for_an_unanswered_question_goes_to_the_current_step() -> None:
    response = C.get(f"{BASE}/change/beheer-recht?rol=mandaatbeheerder")
    assert response.status_code == 303
    assert response.headers["location"] == f"{BASE}/step?rol=mandaatbeheerder"


@pytest.mark.parametrize(("query", "node"), [
    ("rol=koning&eid=ja", "rol"),
    ("rol=mandaatbeheerder&eid=ja&uitvoerder-recht=ja", "wil-mandaat"),
    ("rol=mandaatbeheerder&rol=lokale-beheerder", "eid"),
    ("eid=ja", "rol"),
    ("%%%&rol=mandaatbeheerder", "eid"),
])
def test_an_invalid_address_lands_on_the_furthest_valid_step_with_a_notice(
    query: str, node: str
) -> None:
    response = C.get(f"{BASE}/step?{query}")
    assert response.status_code == 200
    assert 'class="notice"' in response.text
    assert SEED_TEXTS_NL[node] in text(response.text)


def test_unknown_keys_in_the_address_are_ignored_without_a_notice() -> None:
    page = C.get(f"{BASE}/step?utm_source=mail&rol=mandaatbeheerder").text
    assert 'class="notice"' not in page
    assert SEED_TEXTS_NL["eid"] in text(page)


@pytest.mark.parametrize("path", ["/nl/flows/onbekend", "/nl/flows/onbekend/step",
                                  "/fr/", "/nl/bestaat-niet", f"{BASE}/howto/onbekend"])
def test_unknown_pages_get_a_404_page_that_links_to_the_index(path: str) -> None:
    response = C.get(path)
    assert response.status_code == 404
    assert "text/html" in response.headers["content-type"]
    assert any(a.get("href") in ("/nl/", "/en/") for a in elements(response.text, "a"))


@pytest.mark.parametrize("slug", ["recht-mandaatuitvoerder", "recht-mandaatbeheerder",
                                  "mandaat-afsluiten"])
@pytest.mark.parametrize("lang", ["nl", "en"])
def test_each_howto_page_explains_the_steps_and_ends_with_the_official_link(
    slug: str, lang: str
) -> None:
    response = C.get(f"/{lang}/flows/{FLOW}/howto/{slug}")
    assert response.status_code == 200
    page = response.text
    assert page.count("<li>") >= 3
    assert page.rfind(HOWTO_URL) > page.rfind("<ol")


def test_the_howto_page_goes_back_to_the_outcome_it_came_from() -> None:
    query = "eid=ja&is-mandaatbeheerder=ja&rol=mandaatbeheerder&wil-mandaat=ja"
    page = C.get(f"{BASE}/howto/mandaat-afsluiten?{query}").text
    assert any(a.get("href") == f"{BASE}/step?{query}" for a in elements(page, "a"))


def test_glossary_terms_open_inline_and_on_the_glossary_page_with_an_anchor() -> None:
    page = C.get(f"{BASE}/step?eid=ja&rol=lokale-beheerder").text
    assert page.count("<details") == 3
    assert "Gebruikersbeheer van de Vlaamse overheid" in page
    glossary_links = [a["href"] for a in elements(page, "a")
                      if a.get("href", "").startswith("/nl/glossary")]
    assert glossary_links[0].endswith("#lokale-beheerder")
    glossary = C.get(glossary_links[0].split("#")[0]).text
    assert 'id="lokale-beheerder"' in glossary
    back = [a for a in elements(glossary, "a") if a.get("class") == "back-link"]
    assert back[0]["href"] == f"{BASE}/step?eid=ja&rol=lokale-beheerder"


@pytest.mark.parametrize("back", ["https://evil.example/", "//evil.example/x", "/\\evil", ""])
def test_the_glossary_never_links_back_to_another_site(back: str) -> None:
    glossary = C.get("/nl/glossary", params={"back": back}).text
    assert not [a for a in elements(glossary, "a") if a.get("class") == "back-link"]


def test_the_glossary_page_defines_every_term_with_an_anchor() -> None:
    page = C.get("/en/glossary").text
    ids = {e["id"] for e in elements(page) if "id" in e}
    assert {"lokale-beheerder", "mandaatbeheerder", "ssm", "dossier"} <= ids


def test_the_language_switch_keeps_the_state() -> None:
    page = C.get(f"{BASE}/step?eid=ja&rol=mandaatbeheerder").text
    switch = [a for a in elements(page, "a") if a.get("hreflang") == "en"]
    assert switch[0]["href"] == f"/en/flows/{FLOW}/step?eid=ja&rol=mandaatbeheerder"
    english = C.get(switch[0]["href"]).text
    assert '<html lang="en">' in english
    assert "I want to conclude a mandate with an applicant." in english


def test_interface_strings_are_dutch_on_dutch_pages() -> None:
    page = C.get(f"{BASE}/step?eid=ja&rol=mandaatbeheerder").text
    assert "Vorige" in page
    assert "Doorgaan" in page
    assert "Continue" not in page


def test_every_page_has_a_skip_link_and_the_main_landmark() -> None:
    for path in ("/nl/", BASE, f"{BASE}/step", "/nl/glossary", f"{BASE}/howto/mandaat-afsluiten"):
        page = C.get(path).text
        assert '<a class="skip-link" href="#main">' in page
        assert '<main id="main"' in page


@pytest.mark.parametrize("path", ["/", "/nl/", BASE, f"{BASE}/step", "/nl/onbekend",
                                  "/static/style.css", "/api/flows", "/api/docs"])
def test_every_response_carries_the_security_headers(path: str) -> None:
    headers = C.get(path).headers
    csp = headers["content-security-policy"]
    assert "script-src" not in csp or "'unsafe-inline'" not in csp
    assert "default-src 'none'" in csp
    assert "frame-ancestors 'none'" in csp
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "no-referrer"


def test_no_page_loads_anything_from_a_third_party() -> None:
    for path in ("/nl/", BASE, f"{BASE}/step?eid=ja&rol=lokale-beheerder", "/en/glossary",
                 f"{BASE}/step?eid=ja&is-mandaatbeheerder=ja&rol=mandaatbeheerder&wil-mandaat=ja",
                 "/api/docs"):
        page = C.get(path).text
        for element in elements(page):
            for attribute in ("src", "srcset", "action", "data"):
                assert not element.get(attribute, "").startswith(("http", "//")), path
        for link in elements(page, "link"):
            assert link["href"].startswith("/"), path
        assert "<script" not in page
        assert " style=" not in page


def test_answers_are_never_logged(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="mandaatwijzer.access"):
        C.get(f"{BASE}/step?eid=nee&rol=lokale-beheerder")
        C.post(f"{BASE}/step?rol=lokale-beheerder", data={"question": "eid", "answer": "ja"})
    assert caplog.messages
    assert all("eid" not in m and "lokale-beheerder" not in m for m in caplog.messages)
    assert caplog.messages[0].startswith(f"GET {BASE}/step 200")


def test_the_access_log_record_is_the_one_logger_info_would_make(
        caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="mandaatwijzer.access"):
        C.get(f"{BASE}/step?eid=nee")
    [record] = [r for r in caplog.records if r.name == "mandaatwijzer.access"]
    assert (record.levelname, record.funcName, record.module) == ("INFO", "__call__", "_security")
    assert record.msg == "%s %s %d %.1fms"
    assert record.args is not None
    assert record.args[:3] == ("GET", f"{BASE}/step", 200)
    with caplog.at_level(logging.WARNING, logger="mandaatwijzer.access"):
        C.get(f"{BASE}/step?eid=nee")
    assert len([r for r in caplog.records if r.name == "mandaatwijzer.access"]) == 1


def test_the_diagram_page_highlights_the_path_and_gives_the_flow_as_nested_lists() -> None:
    page = C.get(f"{BASE}/diagram?eid=ja&rol=mandaatbeheerder&wil-mandaat=nee").text
    assert '<svg' in page
    assert 'id="node-geen-mandaat"' in page
    assert page.count("on-path") >= 4
    outline = page.split('class="outline__tree"')[1]
    for statement in SEED_TEXTS_NL.values():
        assert statement in outline
    assert "De gemarkeerde vakken en pijlen zijn jouw pad." in page


def test_the_diagram_page_without_answers_highlights_nothing() -> None:
    page = C.get(f"{BASE}/diagram").text
    assert "on-path" not in page
    assert any(a.get("href") == BASE and a.get("class") == "back-link"
               for a in elements(page, "a"))

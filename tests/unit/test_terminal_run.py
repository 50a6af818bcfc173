"""`mandaatwijzer.terminal.run` in-process: the plain prompts, the choice of style, the exits."""

from __future__ import annotations

import io

import pytest

from mandaatwijzer import guide
from mandaatwijzer.terminal import _session, run
from mandaatwijzer.terminal._i18n import translation
from mandaatwijzer.terminal._screen import build, commands, definition

FLOW = "externe-dienstverlener"
BASE = "http://127.0.0.1:8000"


class Keyboard(io.StringIO):
    """Piped stdin whose reads can raise, e.g. Ctrl-C."""

    def __init__(self, text: str = "", *, interrupt: bool = False) -> None:
        super().__init__(text)
        self.interrupt = interrupt

    def readline(self, size: int = -1, /) -> str:  # type: ignore[override]
        if self.interrupt:
            raise KeyboardInterrupt
        return super().readline(size)


def run_with(
    monkeypatch: pytest.MonkeyPatch, stdin: io.StringIO, answers: str = "", lang: str = "nl"
) -> tuple[int, str]:
    stdout = io.StringIO()
    monkeypatch.setattr("sys.stdin", stdin)
    monkeypatch.setattr("sys.stdout", stdout)
    state = guide.from_query(guide.flow(FLOW), answers)
    return run(state, guide.glossary(), lang, base_url=BASE), stdout.getvalue()


def test_run_walks_the_plain_prompts_to_an_outcome_and_quits_with_zero(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, shown = run_with(monkeypatch, Keyboard("2\n1\n1\n1\ng2\nq\n"))

    assert code == 0
    assert "Uitkomst\nDe mandaatbeheerder sluit" in shown
    assert "\n4. Ik ben mandaatbeheerder van een externe dienstverlener" in shown
    assert "Officiële begrippenlijst: https://" in shown
    assert capsys.readouterr().err == ""


@pytest.mark.parametrize(("entries", "lang"), [
    ("2\nj\nn\n", "nl"), ("1\nja\nnee\nnee\n", "nl"), ("2\nJ\nJ\nN\n", "nl"),
    ("1\ny\nyes\nno\nn\n", "en"), ("2\nYes\nja\nNo\n", "en"),
])
def test_piped_yes_and_no_words_reach_an_outcome_and_the_end_of_input_there_is_zero(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], entries: str, lang: str
) -> None:
    code, shown = run_with(monkeypatch, Keyboard(entries), lang=lang)

    assert code == 0
    assert ("Uitkomst\n" if lang == "nl" else "Outcome\n") in shown
    assert capsys.readouterr().err == ""


def test_run_ends_with_one_and_one_line_when_the_input_ends(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _ = run_with(monkeypatch, Keyboard("1\n"), lang="en")

    assert code == 1
    assert capsys.readouterr().err == (
        "mandaatwijzer: the input ended before the guide was stopped (type q to quit)\n"
    )


def test_run_ends_with_130_and_one_line_on_ctrl_c(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, shown = run_with(monkeypatch, Keyboard(interrupt=True))

    assert code == 130
    assert shown.endswith("Je keuze: \n")
    assert capsys.readouterr().err == "mandaatwijzer: onderbroken\n"


def test_the_arrow_keys_are_used_only_when_both_ends_are_a_terminal(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.setenv("TERM", "xterm-256color")
    monkeypatch.setattr("sys.stdin", Tty())
    monkeypatch.setattr("sys.stdout", Tty())
    assert _session._interactive()
    monkeypatch.setenv("TERM", "dumb")
    assert not _session._interactive()
    monkeypatch.setenv("TERM", "xterm-256color")
    monkeypatch.setattr("sys.stdout", io.StringIO())
    assert not _session._interactive()


def test_the_start_screen_shows_the_start_page_and_its_glossary_terms() -> None:
    state = guide.start(guide.flow(FLOW))

    screen = build(state, guide.glossary(), "nl", base_url=BASE)

    assert screen.title == "Externe dienstverlener"
    assert len(screen.intro) == 2
    assert [term.term for term in screen.terms] == [
        "externe-dienstverlener", "economische-actor", "ondernemingsnummer", "lokaal-bestuur",
    ]
    assert build(state, guide.glossary(), "nl", base_url=BASE, again=True).intro == ()


def test_the_commands_offered_depend_on_where_the_person_is() -> None:
    flow = guide.flow(FLOW)
    _ = translation("en").gettext

    def keys(answers: str) -> str:
        screen = build(guide.from_query(flow, answers), guide.glossary(), "en", base_url=BASE)
        return "".join(command.key for command in commands(screen, _))

    assert keys("") == "gq"
    assert keys("rol=mandaatbeheerder") == "brgq"
    assert keys("rol=mandaatbeheerder&eid=nee") == "rbq"
    assert keys("rol=mandaatbeheerder&eid=ja&wil-mandaat=ja&is-mandaatbeheerder=ja") == "rbgq"


def test_run_handles_every_kind_of_entry_of_the_plain_prompts(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    entries = [
        "", "7", "G", "x", "2",  # at "Ik ben:": nothing, a wrong number, the term list
        "g", "", "g9", "lokale-beheerder", "Ja",  # leave the term list; a value; a label
        "opnieuw", "1", "1", "1", "1",  # restart by word; on to an outcome with a note
        "b", "1", "q",  # back from the outcome and forward again
    ]
    code, shown = run_with(monkeypatch, Keyboard("\n".join(entries) + "\n"))

    assert code == 0
    assert "Er werd niets getypt. Typ een nummer van 1 tot 2, of een van: g, q." in shown
    assert "“7” is geen van de keuzes." in shown
    assert "“x” is geen nummer van een begrip." in shown
    assert "Nummer van het begrip (Enter = terug naar de vraag): 2\n\neconomische actor\n" in shown
    assert "“g9” is geen van de keuzes." in shown
    assert "Opnieuw begonnen bij het begin." in shown
    assert shown.count("Uitkomst\n") == 2
    outcome = shown.rsplit("Uitkomst\n", 1)[1]
    assert "\nDe mandaatuitvoerder kan in naam van externe dienstverlener" in outcome
    assert f"\nLinks:\n- LEES HIER HOE JE DAT DOET: {BASE}/nl/flows/" in outcome
    assert "r = opnieuw, b = vorige, q = stoppen\nJe keuze: q\n" in outcome


def test_every_link_of_an_outcome_is_a_full_address_under_the_base_url() -> None:
    state = guide.from_query(guide.flow(FLOW), "rol=mandaatbeheerder&eid=ja&wil-mandaat=ja"
                             "&is-mandaatbeheerder=ja")

    screen = build(state, guide.glossary(), "nl", base_url="https://mw.example.be/gids/")

    hrefs = [link.href for link in (*screen.links, *screen.terms)]
    assert "https://mw.example.be/gids/nl/flows/externe-dienstverlener/howto/mandaat-afsluiten" \
        in hrefs
    assert "https://mw.example.be/gids/nl/glossary#ssm" in hrefs
    assert "https://mw.example.be/gids/nl/flows/externe-dienstverlener" in hrefs
    assert all(href.startswith("https://") for href in hrefs)


def test_an_outcome_with_a_how_to_carries_its_text_and_others_none() -> None:
    flow = guide.flow(FLOW)
    pages = guide.howto_pages()["en"]
    for path in guide.paths(flow):
        screen = build(guide.from_query(flow, path.query), guide.glossary(), "en", base_url=BASE)
        slugs = [str(link.href) for link in path.outcome.links if link.kind == "howto"]
        assert [h.steps for h in screen.howtos] == [pages[slug].steps for slug in slugs]
    assert build(guide.start(flow), guide.glossary(), "en", base_url=BASE).howtos == ()


def test_a_term_missing_from_the_glossary_still_gets_its_label() -> None:
    found = definition(guide.glossary(), "no-such-term", "en", "no such term")

    assert found.term == "no such term"
    assert found.definition == ""
    assert found.official.startswith("https://")


def test_a_terminal_on_both_ends_gets_the_arrow_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_session, "_interactive", lambda: True)

    ui = _session._make_ui(translation("en").gettext)

    assert type(ui).__name__ == "RichUI"

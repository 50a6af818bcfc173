"""End to end: `mandaatwijzer guide` as a person (or a script) uses it.

The plain numbered prompts are driven through a subprocess with piped stdin; the arrow-key
mode is driven in-process through prompt_toolkit's pipe input, so both input styles are
really exercised.
"""

from __future__ import annotations

import io
import os
import re
import select
import signal
import subprocess
import sys
import time
from dataclasses import dataclass

import pytest
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput
from rich.console import Console

from mandaatwijzer import guide
from mandaatwijzer.terminal._i18n import translation
from mandaatwijzer.terminal._rich import RichUI
from mandaatwijzer.terminal._session import walk

FLOW = "externe-dienstverlener"
HOWTO = "https://www.vlaanderen.be/cjm/nl/ik-wil-rechten-en-mandaten-voor-een-externe-dienstverlener-instellen"
OFFICIAL_GLOSSARY = "https://www.vlaanderen.be/cjm/nl/mandaten-en-rechten-begrippenlijst"
DOWN, ENTER = "\x1b[B", "\r"
#: The web guide's address the links are printed under (MANDAATWIJZER_BASE_URL's default).
BASE = "http://127.0.0.1:8000"


def guide_run(
    entries: str, *args: str, lang: str = "nl", timeout: float = 30, base_url: str = ""
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8", "NO_COLOR": "1"}
    env.pop("MANDAATWIJZER_BASE_URL", None)
    if base_url:
        env["MANDAATWIJZER_BASE_URL"] = base_url
    return subprocess.run(
        [sys.executable, "-m", "mandaatwijzer", "guide", *args, "--lang", lang],
        input=entries,
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        timeout=timeout,
        check=False,
    )


def after(text: str, marker: str) -> str:
    """The output after the last `marker`: what was shown most recently."""
    assert marker in text
    return text.rsplit(marker, 1)[1]


@dataclass(frozen=True)
class Walk:
    lang: str
    entries: str
    outcome: str
    texts: tuple[str, ...]
    links: tuple[str, ...]
    trace: tuple[str, ...]


WALKS = [
    Walk(
        "nl", "1\n1\n1\n1\nq\n", "recht-mandaatuitvoerder",
        (
            "De lokale beheerder van de externe dienstverlener wil een medewerker van de externe "
            "dienstverlener het recht \u2018SSM Mandaatuitvoerder\u2019 toekennen.",
            "De mandaatuitvoerder kan in naam van externe dienstverlener dossiers van aanvragers "
            "beheren.",
        ),
        (
            "LEES HIER HOE JE DAT DOET: "
            f"{BASE}/nl/flows/externe-dienstverlener/howto/recht-mandaatuitvoerder",
            f": {HOWTO}",
            f"TERUG NAAR HET BEGIN: {BASE}/nl/flows/externe-dienstverlener",
        ),
        (
            "1. Ik ben: (antwoord: LOKALE BEHEERDER)",
            "2. Ik heb een Belgische eID. (antwoord: Ja)",
            "3. Ik ben lokale beheerder van een externe dienstverlener in het Gebruikersbeheer van "
            "de Vlaamse overheid. (antwoord: Ja)",
            "4. Ik wil mandaatuitvoerder-recht toekennen aan een collega. (antwoord: Ja)",
        ),
    ),
    Walk(
        "nl", "2\n1\n1\n1\nq\n", "mandaat-afsluiten",
        (
            "De mandaatbeheerder sluit in naam van de externe dienstverlener het door de "
            "aanvrager toegekende mandaat af via het Self Service Mandatenbeheer (SSM) voor "
            "Vlaamse mandaten.",
        ),
        (
            f"LEES HIER HOE JE DAT DOET: {BASE}/nl/flows/externe-dienstverlener/howto/"
            "mandaat-afsluiten",
            f": {HOWTO}",
            f"{BASE}/nl/glossary#ssm",
            f"{BASE}/nl/glossary#dossier",
        ),
        (
            "1. Ik ben: (antwoord: MANDAATBEHEERDER)",
            "2. Ik heb een Belgische eID. (antwoord: Ja)",
            "3. Ik wil een mandaat afsluiten met een aanvrager. (antwoord: Ja)",
            "4. Ik ben mandaatbeheerder van een externe dienstverlener in het Gebruikersbeheer "
            "van de Vlaamse overheid. (antwoord: Ja)",
        ),
    ),
    Walk(
        "nl", "1\n1\n2\n2\nq\n", "geen-mandaat",
        (
            "Je wilt geen mandaat met een aanvrager afsluiten. Start opnieuw voor andere "
            "mogelijkheden.",
        ),
        (f"START OPNIEUW: {BASE}/nl/flows/externe-dienstverlener",),
        (
            "Ik ben lokale beheerder van een externe dienstverlener in het Gebruikersbeheer van "
            "de Vlaamse overheid. (antwoord: Nee)",
            "Ik wil een mandaat afsluiten met een aanvrager. (antwoord: Nee)",
        ),
    ),
    Walk(
        "nl", "2\n2\nq\n", "geen-eid",
        (
            "Je kunt geen rechten toekennen of mandaten afsluiten in naam van een externe "
            "dienstverlener.",
        ),
        (f"TERUG NAAR HET BEGIN: {BASE}/nl/flows/externe-dienstverlener",),
        ("1. Ik heb een Belgische eID. (antwoord: Nee)",),
    ),
    Walk(
        "en", "1\n1\n1\n2\n1\nq\n", "recht-mandaatbeheerder",
        (),
        (
            f": {BASE}/en/flows/externe-dienstverlener/howto/recht-mandaatbeheerder",
            f": {HOWTO}",
            f": {BASE}/en/flows/externe-dienstverlener\n",
        ),
        (
            "1. I am: (answer: LOCAL ADMINISTRATOR)",
            "2. I have a Belgian eID. (answer: Yes)",
            "4. I want to grant a colleague the mandate executor right. (answer: No)",
        ),
    ),
    Walk(
        "en", "2\n1\n1\n2\nq\n", "vraag-recht",
        (),
        (f": {BASE}/en/flows/externe-dienstverlener\n", f"{BASE}/en/glossary#lokale-beheerder"),
        ("3. I want to conclude a mandate with an applicant. (answer: Yes)",),
    ),
]


@pytest.mark.parametrize("walk_", WALKS, ids=[f"{w.lang}-{w.outcome}" for w in WALKS])
def test_a_walk_shows_the_outcome_its_links_and_the_answers_that_led_there(walk_: Walk) -> None:
    result = guide_run(walk_.entries, lang=walk_.lang)

    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    flow = guide.flow(FLOW)
    shown = after(result.stdout, "Uitkomst\n" if walk_.lang == "nl" else "Outcome\n")
    assert shown.startswith(flow.text(walk_.outcome, walk_.lang) + "\n")
    for text in walk_.texts:
        assert text in shown
    for link in walk_.links:
        assert link in shown
    heading = {"nl": "Antwoorden die hiertoe leidden:", "en": "The answers that led here:"}
    trace = after(shown, heading[walk_.lang])
    for step in walk_.trace:
        assert step in trace


def test_the_first_statement_follows_the_start_page_with_numbered_options_and_commands() -> None:
    result = guide_run("q\n")

    assert result.returncode == 0
    assert result.stdout.startswith(
        "\nExterne dienstverlener\n"
        "Ik wens rechten toe te kennen of mandaten te sluiten in naam van de externe "
        "dienstverlener.\n"
    )
    assert "Vraag 1\nIk ben:\n1. LOKALE BEHEERDER\n2. MANDAATBEHEERDER\n" in result.stdout
    assert "g = begrippen, q = stoppen\nJe keuze: q\n" in result.stdout


def test_the_commands_are_named_in_the_chosen_language() -> None:
    dutch = guide_run("1\nq\n").stdout
    english = guide_run("1\nq\n", lang="en").stdout

    assert "b = vorige, r = opnieuw, g = begrippen, q = stoppen" in dutch
    assert "b = back, r = restart, g = glossary, q = quit" in english
    assert "Question 2\nI have a Belgian eID.\n1. Yes\n2. No\n" in english


def test_plain_output_has_no_colours_or_box_drawing_even_without_no_color() -> None:
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    result = subprocess.run(
        [sys.executable, "-m", "mandaatwijzer", "guide"],
        input="1\n1\n1\n1\nq\n", capture_output=True, text=True, encoding="utf-8",
        env={**env, "PYTHONIOENCODING": "utf-8"}, timeout=30, check=False,
    )

    assert result.returncode == 0
    assert "\x1b" not in result.stdout
    assert not re.search("[\u2500-\u257f]", result.stdout)


def test_back_undoes_the_last_answer() -> None:
    result = guide_run("2\n1\nb\n2\nq\n")

    assert result.returncode == 0
    back = after(result.stdout, "Eén stap terug.\n")
    assert back.startswith("\nVraag 2\nIk heb een Belgische eID.\n")
    assert "Uitkomst\nJe kunt geen rechten toekennen" in back


def test_back_from_an_outcome_returns_to_its_last_statement() -> None:
    result = guide_run("2\n2\nb\n1\n2\nq\n", lang="en")

    assert result.returncode == 0
    back = after(result.stdout, "Went back one step.\n")
    assert back.startswith("\nQuestion 2\nI have a Belgian eID.\n")
    assert "Question 3\nI want to conclude a mandate with an applicant." in back
    assert "Outcome\nYou do not want to conclude a mandate with an applicant." in back


def test_restart_begins_again_with_no_answers() -> None:
    result = guide_run("1\n1\n1\nr\n2\n2\nq\n")

    assert result.returncode == 0
    again = after(result.stdout, "Opnieuw begonnen bij het begin.\n")
    assert again.startswith("\nExterne dienstverlener\n")
    assert "Vraag 1\nIk ben:\n" in again
    assert "Uitkomst\nJe kunt geen rechten toekennen" in again


def test_restart_from_an_outcome_begins_again() -> None:
    result = guide_run("2\n2\nr\nq\n", lang="en")

    assert result.returncode == 0
    again = after(result.stdout, "Started again from the beginning.\n")
    assert "Question 1\nI am:\n" in again
    assert "Outcome" not in again


def test_back_and_restart_are_not_offered_before_the_first_answer() -> None:
    result = guide_run("b\nq\n")

    refused = "“b” is geen van de keuzes. Typ een nummer van 1 tot 2, of een van: g, q."
    assert refused in result.stdout
    assert result.returncode == 0


def test_the_glossary_shows_the_definition_of_a_term_linked_from_the_statement() -> None:
    result = guide_run("g\n1\nq\n")

    assert result.returncode == 0
    definition = guide.glossary().term("externe-dienstverlener", "nl")
    assert definition is not None
    shown = after(result.stdout, "Nummer van het begrip (Enter = terug naar de vraag): 1\n")
    assert shown.startswith(
        f"\n{definition.term}\n{definition.definition}\n"
        f"Officiële begrippenlijst: {OFFICIAL_GLOSSARY}\n"
    )
    # Then the same statement again, without repeating the start page.
    assert shown.split(OFFICIAL_GLOSSARY, 1)[1].startswith("\n\nVraag 1\nIk ben:\n")


def test_a_glossary_term_can_be_looked_up_in_one_go_by_its_number() -> None:
    result = guide_run("1\n1\ng3\nq\n", lang="en")

    assert result.returncode == 0
    term = guide.glossary().term("gebruikersbeheer", "en")
    assert term is not None
    assert f"\n{term.term}\n{term.definition}\nOfficial glossary: {OFFICIAL_GLOSSARY}\n" in (
        result.stdout
    )


def test_a_statement_with_one_term_shows_its_definition_at_once() -> None:
    result = guide_run("1\ng\nq\n", lang="en")

    term = guide.glossary().term("belgische-eid", "en")
    assert term is not None
    assert f"Your choice: g\n\n{term.term}\n{term.definition}\n" in result.stdout


def test_the_glossary_term_prompt_goes_back_on_enter_and_rejects_other_entries() -> None:
    result = guide_run("g\n9\n\nq\n")

    assert result.returncode == 0
    assert ("“9” is geen nummer van een begrip. Typ een nummer van 1 tot 4, of druk op Enter "
            "om terug te gaan.") in result.stdout
    assert "Nummer van het begrip (Enter = terug naar de vraag): \nJe keuze: q" in result.stdout


def test_an_invalid_entry_says_what_was_typed_and_what_is_expected_then_asks_again() -> None:
    result = guide_run("7\nmisschien\n\n2\n2\nq\n")

    assert result.returncode == 0
    assert ("Je keuze: 7\n“7” is geen van de keuzes. Typ een nummer van 1 tot 2, of een van: "
            "g, q.\nJe keuze: misschien\n“misschien” is geen van de keuzes.") in result.stdout
    assert "Er werd niets getypt. Typ een nummer van 1 tot 2, of een van: g, q." in result.stdout
    assert "Uitkomst\nJe kunt geen rechten toekennen" in result.stdout


def test_an_invalid_entry_at_an_outcome_lists_the_commands() -> None:
    result = guide_run("2\n2\n1\nq\n", lang="en")

    assert '"1" is not one of the choices. Type one of: r, b, q.' in result.stdout
    assert result.returncode == 0


def test_an_option_can_be_chosen_by_its_value_or_its_label() -> None:
    result = guide_run("mandaatbeheerder\nNEE\nq\n")

    assert result.returncode == 0
    assert "Uitkomst\nJe kunt geen rechten toekennen" in result.stdout


def test_commands_can_be_typed_as_words() -> None:
    result = guide_run("2\nvorige\nstoppen\n")

    assert result.returncode == 0
    assert "Eén stap terug." in result.stdout


@pytest.mark.parametrize("entries", ["", "1\n", "2\n", "g\n"])
def test_the_end_of_input_stops_with_one_line_on_stderr_and_no_traceback(entries: str) -> None:
    result = guide_run(entries)

    assert result.returncode == 1
    assert result.stderr == (
        "mandaatwijzer: de invoer eindigde voordat de wegwijzer gestopt werd "
        "(typ q om te stoppen)\n"
    )
    assert result.stdout.endswith(": \n")


@pytest.mark.parametrize(("entries", "lang", "outcome"), [
    ("1\nja\nnee\nnee\n", "nl", "geen-mandaat"),
    ("2\nj\nj\nn\n", "nl", "vraag-recht"),
    ("LOKALE BEHEERDER\nJ\nJ\nN\nN\n", "nl", "geen-recht"),
    ("1\nyes\ny\nno\nyes\n", "en", "recht-mandaatbeheerder"),
    ("2\nn\n", "en", "geen-eid"),
])
def test_a_script_pipes_yes_and_no_words_and_the_guide_exits_zero_at_the_outcome(
        entries: str, lang: str, outcome: str) -> None:
    result = guide_run(entries, lang=lang)

    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    shown = after(result.stdout, "Uitkomst\n" if lang == "nl" else "Outcome\n")
    assert shown.startswith(guide.flow(FLOW).text(outcome, lang) + "\n")


def test_the_end_of_input_at_an_outcome_is_an_answer_not_an_error() -> None:
    result = guide_run("2\n2\n")

    assert result.returncode == 0
    assert result.stderr == ""


def test_links_print_under_the_base_url_setting_and_a_how_to_in_full() -> None:
    result = guide_run("2\nja\nja\nja\n", base_url="https://mandaatwijzer.example.be/")

    assert result.returncode == 0, result.stderr
    shown = after(result.stdout, "Uitkomst\n")
    address = "https://mandaatwijzer.example.be/nl/flows/externe-dienstverlener"
    assert f"LEES HIER HOE JE DAT DOET: {address}/howto/mandaat-afsluiten\n" in shown
    assert f"TERUG NAAR HET BEGIN: {address}\n" in shown
    assert "https://mandaatwijzer.example.be/nl/glossary#ssm\n" in shown
    assert ": /nl/" not in result.stdout
    page = guide.howto_pages()["nl"]["mandaat-afsluiten"]
    assert f"Hoe je dat doet: {page.title}\n{page.intro}\n" in shown
    steps = "".join(f"{n}. {step}\n" for n, step in enumerate(page.steps, 1))
    assert f"Stappen:\n{steps}Daarna:\n{page.after}\n" in shown


def test_a_base_url_that_is_no_address_is_refused_before_the_guide_starts() -> None:
    result = guide_run("q\n", base_url="http://example.be")

    assert result.returncode == 2
    assert result.stderr.startswith("mandaatwijzer: error: MANDAATWIJZER_BASE_URL is ")
    assert result.stdout == ""


NOT_LOCAL_ADMIN = {
    "nl": "Je bent geen lokale beheerder, dus je kunt geen rechten toekennen aan een collega. "
          "De wegwijzer gaat verder met het afsluiten van een mandaat met een aanvrager.",
    "en": "You are not the local administrator, so you cannot grant rights to a colleague. The "
          "guide continues with concluding a mandate with an applicant.",
}


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_no_to_the_local_administrator_statement_says_where_the_guide_goes_next(
        lang: str) -> None:
    # LOKALE BEHEERDER, Ja, Nee: the line; then Ja, Ja to mandaat-afsluiten, without it.
    result = guide_run("1\n1\n2\n1\n1\nq\n", lang=lang)

    assert result.returncode == 0, result.stderr
    question = "Vraag 4" if lang == "nl" else "Question 4"
    wil_mandaat = guide.flow(FLOW).text("wil-mandaat", lang)
    assert f"\n{NOT_LOCAL_ADMIN[lang]}\n{question}\n{wil_mandaat}\n" in result.stdout
    assert result.stdout.count(NOT_LOCAL_ADMIN[lang]) == 1


@pytest.mark.parametrize("entries", ["1\n1\n1\nq\n", "2\n1\nq\n", "2\n1\n1\n2\nq\n",
                                     "1\n1\n1\n2\n2\nq\n", "1\n2\nq\n"])
def test_no_other_answer_gets_that_line(entries: str) -> None:
    result = guide_run(entries)

    assert result.returncode == 0, result.stderr
    assert NOT_LOCAL_ADMIN["nl"] not in result.stdout


def test_the_arrow_keys_show_where_the_guide_goes_after_no() -> None:
    # No; then at "I want to conclude a mandate …": Yes, No, back, restart, glossary, quit.
    code, shown = arrow_walk(DOWN + ENTER + DOWN * 5 + ENTER, lang="en",
                             answers="rol=lokale-beheerder&eid=ja")

    assert code == 0
    assert " ".join(NOT_LOCAL_ADMIN["en"].split()) in " ".join(shown.split())


def test_quitting_at_an_outcome_exits_with_zero() -> None:
    result = guide_run("2\n2\nquit\n", lang="en")

    assert result.returncode == 0
    assert result.stderr == ""


def test_prefilled_answers_continue_from_where_they_lead() -> None:
    result = guide_run("1\n1\nq\n", "--answers", "rol=lokale-beheerder&eid=ja")

    assert result.returncode == 0
    assert result.stdout.startswith(
        "\nVraag 3\nIk ben lokale beheerder van een externe dienstverlener"
    )
    assert "Externe dienstverlener\nIk wens" not in result.stdout
    assert "\u2018SSM Mandaatuitvoerder\u2019" in after(result.stdout, "Uitkomst\n")


def test_back_from_prefilled_answers_undoes_them_one_by_one() -> None:
    result = guide_run("b\nb\nq\n", "--answers", "rol=mandaatbeheerder&eid=ja", lang="en")

    assert result.returncode == 0
    assert "Went back one step.\n\nQuestion 2\nI have a Belgian eID." in result.stdout
    assert "Went back one step.\n\nExternal service provider\n" in result.stdout


def test_prefilled_answers_that_reach_an_outcome_show_it_at_once() -> None:
    result = guide_run("q\n", "--answers", "rol=mandaatbeheerder&eid=nee", lang="en")

    assert result.returncode == 0
    assert result.stdout.startswith("\nOutcome\n")


def _interruptible() -> None:
    """In the child before it runs: Ctrl-C as a terminal sends it. A job started in the
    background by a shell without job control (`make test &`) ignores SIGINT, its children
    inherit that, and Python then leaves SIGINT ignored: the guide would never see it."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def test_ctrl_c_ends_with_exit_code_130_and_one_line() -> None:
    with subprocess.Popen(
        [sys.executable, "-m", "mandaatwijzer", "guide"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONIOENCODING": "utf-8"}, preexec_fn=_interruptible,
    ) as process:
        try:
            assert process.stdout is not None
            seen = b""
            deadline = time.monotonic() + 30
            while not seen.endswith(b"Je keuze: ") and time.monotonic() < deadline:
                ready, _, _ = select.select([process.stdout], [], [], 1)
                if ready:
                    seen += os.read(process.stdout.fileno(), 4096)
            process.send_signal(signal.SIGINT)
            # Its end first, then its output: `communicate` closes its input at once, and a
            # guide that read the end of its input before the signal would end with exit 1.
            process.wait(timeout=30)
            out, err = process.communicate(timeout=30)
        finally:
            if process.poll() is None:
                process.kill()
    assert process.returncode == 130
    assert err.decode() == "mandaatwijzer: onderbroken\n"
    assert (seen + out).decode().endswith("Je keuze: \n")


def test_a_closed_output_ends_without_a_traceback() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "mandaatwijzer", "guide"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )
    assert process.stdout is not None
    process.stdout.close()
    _, err = process.communicate(b"1\n1\n1\n1\nq\n", timeout=30)
    assert process.returncode == 1
    assert b"Traceback" not in err
    assert err.decode().startswith("mandaatwijzer: ")


def test_an_unknown_language_is_refused_before_the_guide_starts() -> None:
    result = guide_run("q\n", lang="fr")

    assert result.returncode == 2
    assert "Traceback" not in result.stderr


# The arrow-key mode, in-process.


def arrow_walk(keys: str, lang: str = "nl", answers: str = "") -> tuple[int, str]:
    """Run the arrow-key guide with `keys` typed; returns the exit code and what rich printed."""
    console = Console(file=io.StringIO(), width=120, color_system=None, highlight=False)
    state = guide.from_query(guide.flow(FLOW), answers)
    _ = translation(lang).gettext
    with create_pipe_input() as keyboard:
        keyboard.send_text(keys)
        ui = RichUI(_, console, input=keyboard, output=DummyOutput())
        code = walk(state, guide.glossary(), lang, ui, _, base_url=BASE)
    file = console.file
    assert isinstance(file, io.StringIO)
    return code, file.getvalue()


def test_the_arrow_keys_walk_to_an_outcome_and_show_its_links_and_the_answers() -> None:
    # MANDAATBEHEERDER, Ja, Ja, Ja; then at the outcome: restart, back, glossary, quit.
    keys = DOWN + ENTER + ENTER + ENTER + ENTER + DOWN * 3 + ENTER
    code, shown = arrow_walk(keys)

    assert code == 0
    outcome = after(shown, "Uitkomst")
    assert "De mandaatbeheerder sluit in naam van de externe dienstverlener" in outcome
    howto = f"{BASE}/nl/flows/externe-dienstverlener/howto/mandaat-afsluiten"
    assert f"• LEES HIER HOE JE DAT DOET\n  {howto}\n" in outcome
    assert HOWTO in outcome
    trace = after(outcome, "Antwoorden die hiertoe leidden:")
    assert re.search(r"1 │ Ik ben:\s+│ MANDAATBEHEERDER", trace)
    assert re.search(r"3 │ Ik wil een mandaat afsluiten met een aanvrager.\s+│ Ja", trace)


def test_the_arrow_keys_reach_back_restart_and_the_glossary() -> None:
    keys = (
        DOWN + ENTER  # Ik ben: MANDAATBEHEERDER
        + DOWN * 2 + ENTER  # back
        + ENTER  # Ik ben: LOKALE BEHEERDER
        + DOWN * 3 + ENTER  # restart
        + DOWN * 2 + ENTER  # glossary
        + DOWN + ENTER  # the second term: economische actor
        + DOWN * 3 + ENTER  # quit
    )
    code, shown = arrow_walk(keys)

    assert code == 0
    assert "Eén stap terug." in shown
    assert "Opnieuw begonnen bij het begin." in shown
    term = guide.glossary().term("economische-actor", "nl")
    assert term is not None
    assert f"─ {term.term} ─" in shown  # the title of the definition's panel
    unboxed = " ".join(re.sub("[│╭╮╰╯─]", " ", shown).split())
    assert f"{' '.join(term.definition.split())} Officiële begrippenlijst: {OFFICIAL_GLOSSARY}" in (
        unboxed
    )


def test_the_arrow_keys_can_leave_the_term_list_without_choosing() -> None:
    # MANDAATBEHEERDER; glossary; "back to the statement"; quit.
    keys = DOWN + ENTER + DOWN * 4 + ENTER + DOWN + ENTER + DOWN * 5 + ENTER
    code, shown = arrow_walk(keys, lang="en")

    assert code == 0
    assert "Official glossary" not in shown
    assert shown.count("I have a Belgian eID.") == 1


def test_the_arrow_keys_continue_from_prefilled_answers() -> None:
    code, shown = arrow_walk(DOWN + ENTER + DOWN * 2 + ENTER, lang="en",
                             answers="rol=mandaatbeheerder&eid=ja")

    assert code == 0
    assert "Question 3" in shown
    assert "You do not want to conclude a mandate with an applicant." in after(shown, "Outcome")


def test_the_arrow_keys_show_an_outcome_with_its_note() -> None:
    answers = "rol=lokale-beheerder&eid=ja&is-lokale-beheerder=ja&uitvoerder-recht=ja"
    code, shown = arrow_walk(DOWN * 2 + ENTER, lang="en", answers=answers)

    assert code == 0
    assert "The mandate executor can manage applicants' dossiers" in shown


def test_a_glossary_lookup_at_an_outcome_keeps_the_definition_in_view() -> None:
    result = guide_run("2\n1\n1\n1\ng\n2\nq\n", lang="en")

    assert result.returncode == 0
    term = guide.glossary().term("dossier", "en")
    assert term is not None
    shown = after(result.stdout, "(Enter = back to the statement): 2\n")
    assert shown == (
        f"\n{term.term}\n{term.definition}\nOfficial glossary: {OFFICIAL_GLOSSARY}\n\n"
        "r = restart, b = back, g = glossary, q = quit\nYour choice: q\n"
    )

"""Plain numbered prompts: for pipes, scripts and screen readers. No colours, no boxes.

Text is written unwrapped, one item a line, so that screen readers and scripts see whole
sentences; the person answers by typing a number, an option's value or label, a command letter,
or for a yes/no statement also j/n or y/yes/no in either language.
"""

from __future__ import annotations

from typing import TextIO

from ._i18n import Gettext
from ._screen import Action, Command, Definition, HowTo, Link, Screen, commands

#: What may be typed for the options of a yes/no statement besides their number and label.
YES_NO_WORDS = {"ja": ("ja", "j", "yes", "y"), "nee": ("nee", "n", "no")}


class PlainUI:
    def __init__(self, _: Gettext, stdin: TextIO, stdout: TextIO, *, echo: bool) -> None:
        self._ = _
        self._in = stdin
        self._out = stdout
        #: Write what was read after the prompt: a piped stdin is not echoed by a terminal.
        self._echo = echo

    def _line(self, text: str = "") -> None:
        self._out.write(text + "\n")

    def _read(self, prompt: str) -> str:
        try:
            self._out.write(prompt)
            self._out.flush()
            line = self._in.readline()
        except KeyboardInterrupt:
            self._line()
            raise
        if not line:
            self._line()
            raise EOFError
        entry = line.strip()
        if self._echo:
            self._line(entry)
        return entry

    # Output

    def show(self, screen: Screen) -> None:
        _ = self._
        self._line()
        if screen.intro:
            self._line(screen.title)
            for paragraph in screen.intro:
                self._line(paragraph)
            self._line()
        if screen.finished:
            if not screen.again:
                self._show_outcome(screen)
        else:
            self._show_question(screen)
        keys = commands(screen, _)
        self._line(", ".join(f"{c.key} = {c.word}" for c in keys))

    def _show_question(self, screen: Screen) -> None:
        _ = self._
        if screen.arrival:
            self._line(screen.arrival)
        self._line(_("Question {number}").format(number=screen.number))
        self._line(screen.text)
        for number, option in enumerate(screen.options, 1):
            self._line(f"{number}. {option.label}")
        if screen.terms:
            terms = ", ".join(term.label for term in screen.terms)
            self._line(_("Glossary terms: {terms}").format(terms=terms))

    def _links(self, heading: str, links: tuple[Link, ...]) -> None:
        if links:
            self._line()
            self._line(heading)
            for link in links:
                self._line(f"- {link.label}: {link.href}")

    def _show_outcome(self, screen: Screen) -> None:
        _ = self._
        self._line(_("Outcome"))
        self._line(screen.text)
        if screen.note:
            self._line(screen.note)
        self._links(_("Links:"), screen.links)
        for howto in screen.howtos:
            self._howto(howto)
        self._links(_("Glossary terms:"), screen.terms)
        if screen.trace:
            self._line()
            self._line(_("The answers that led here:"))
            for number, step in enumerate(screen.trace, 1):
                answer = _("{question} (answer: {answer})").format(
                    question=step.question, answer=step.answer
                )
                self._line(f"{number}. {answer}")
        self._line()

    def _howto(self, howto: HowTo) -> None:
        _ = self._
        self._line()
        self._line(f"{_('How to do it')}: {howto.title}")
        self._line(howto.intro)
        if howto.before:
            self._line(_("Before you start") + ":")
            for item in howto.before:
                self._line(f"- {item}")
        self._line(_("Steps") + ":")
        for number, step in enumerate(howto.steps, 1):
            self._line(f"{number}. {step}")
        self._line(_("Afterwards") + ":")
        self._line(howto.after)

    def show_definition(self, found: Definition) -> None:
        _ = self._
        self._line()
        self._line(found.term)
        self._line(found.definition or _("No definition is available for this term."))
        if found.official:
            self._line(_("Official glossary: {address}").format(address=found.official))

    def notice(self, message: str) -> None:
        self._line(message)

    # Input

    def choose(self, screen: Screen) -> Action:
        keys = commands(screen, self._)
        while True:
            entry = self._read(self._("Your choice: "))
            action = self._parse(entry, screen, keys)
            if action is None:
                self._line(self._invalid(entry, screen, keys))
            elif action.kind == "glossary" and not action.value:
                term = self._choose_term(screen.terms)
                if term is not None:
                    return Action("glossary", term)
            else:
                return action

    @staticmethod
    def _parse(entry: str, screen: Screen, keys: tuple[Command, ...]) -> Action | None:
        typed = entry.casefold()
        if typed.isdigit() and 1 <= int(typed) <= len(screen.options):
            return Action("answer", screen.options[int(typed) - 1].value)
        for option in screen.options:
            if typed in (option.value.casefold(), option.label.casefold(),
                         *YES_NO_WORDS.get(option.value, ())):
                return Action("answer", option.value)
        for command in keys:
            if typed in (command.key, command.word.casefold(), command.english):
                return Action(command.kind)
            # "g2" or "g 2": a glossary term by its number, in one go.
            rest = typed[1:].strip()
            if command.kind == "glossary" and typed[:1] == command.key and rest.isdigit():
                number = int(rest)
                if 1 <= number <= len(screen.terms):
                    return Action("glossary", screen.terms[number - 1].term)
        return None

    def _invalid(self, entry: str, screen: Screen, keys: tuple[Command, ...]) -> str:
        _ = self._
        if entry:
            said = _('"{entry}" is not one of the choices.').format(entry=entry)
        else:
            said = _("Nothing was typed.")
        letters = ", ".join(c.key for c in keys)
        if screen.options:
            expected = _("Type a number from 1 to {last}, or one of: {letters}.").format(
                last=len(screen.options), letters=letters
            )
        else:
            expected = _("Type one of: {letters}.").format(letters=letters)
        return f"{said} {expected}"

    def _choose_term(self, terms: tuple[Link, ...]) -> str | None:
        _ = self._
        if len(terms) == 1:
            return terms[0].term
        self._line()
        self._line(_("Glossary terms:"))
        for number, term in enumerate(terms, 1):
            self._line(f"{number}. {term.label}")
        while True:
            entry = self._read(_("Term number (Enter = back to the statement): "))
            if not entry:
                return None
            if entry.isdigit() and 1 <= int(entry) <= len(terms):
                return terms[int(entry) - 1].term
            self._line(
                _('"{entry}" is not a term number. Type a number from 1 to {last}, '
                  "or press Enter to go back.").format(entry=entry, last=len(terms))
            )

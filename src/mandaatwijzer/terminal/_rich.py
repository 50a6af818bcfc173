"""The arrow-key guide for a real terminal: rich output and questionary select lists.

Imported only when stdin and stdout are a terminal, so that plain runs never load
rich, questionary or prompt_toolkit.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import questionary
from rich.console import Console
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from ._i18n import Gettext
from ._screen import Action, Definition, HowTo, Link, Screen, commands

if TYPE_CHECKING:
    from prompt_toolkit.input import Input
    from prompt_toolkit.output import Output


class RichUI:
    def __init__(
        self,
        _: Gettext,
        console: Console,
        *,
        input: Input | None = None,
        output: Output | None = None,
    ) -> None:
        self._ = _
        self._console = console
        #: prompt_toolkit's input and output; None means the real terminal.
        self._io: dict[str, Any] = {"input": input, "output": output}

    def _select(self, message: str, choices: list[questionary.Choice]) -> Any:
        question = questionary.select(
            message,
            choices=choices,
            instruction=self._("(use the arrow keys, Enter to choose)"),
            **self._io,
        )
        return question.unsafe_ask()

    # Output

    def show(self, screen: Screen) -> None:
        _ = self._
        print_ = self._console.print
        print_()
        if screen.intro:
            print_(Text(screen.title, style="bold underline"))
            for paragraph in screen.intro:
                print_(Text(paragraph))
            print_()
        if screen.finished:
            if not screen.again:
                self._show_outcome(screen)
            return
        if screen.arrival:
            print_(Text(screen.arrival, style="italic"))
        if not screen.again:
            print_(Text(_("Question {number}").format(number=screen.number), style="dim"))
        print_(Text(screen.text, style="bold"))
        if screen.terms and not screen.again:
            terms = ", ".join(term.label for term in screen.terms)
            print_(Text(_("Glossary terms: {terms}").format(terms=terms), style="dim"))

    def _links(self, heading: str, links: tuple[Link, ...]) -> None:
        if not links:
            return
        self._console.print()
        self._console.print(Text(heading, style="bold"))
        for link in links:
            self._console.print(Text(f"• {link.label}"))
            style = f"link {link.href}" if link.href.startswith(("https:", "http:")) else "cyan"
            # Soft wrap: the terminal folds long lines, so an address is never cut in two.
            self._console.print(Text(f"  {link.href}", style=style), soft_wrap=True)

    def _show_outcome(self, screen: Screen) -> None:
        _ = self._
        body = Text(screen.text, style="bold")
        if screen.note:
            body.append("\n\n")
            body.append(screen.note, style="")
        self._console.print(Panel(body, title=_("Outcome"), title_align="left", expand=False))
        self._links(_("Links:"), screen.links)
        for howto in screen.howtos:
            self._howto(howto)
        self._links(_("Glossary terms:"), screen.terms)
        if screen.trace:
            self._console.print()
            table = Table(title=_("The answers that led here:"), title_justify="left",
                          title_style="bold", show_lines=False)
            table.add_column("#", justify="right", style="dim")
            table.add_column(_("Statement"))
            table.add_column(_("Answer"), style="bold")
            for number, step in enumerate(screen.trace, 1):
                table.add_row(str(number), step.question, step.answer)
            self._console.print(table)

    def _howto(self, howto: HowTo) -> None:
        _ = self._
        body = Text(howto.intro)
        if howto.before:
            body.append("\n\n" + _("Before you start"), style="bold")
            for item in howto.before:
                body.append(f"\n• {item}")
        body.append("\n\n" + _("Steps"), style="bold")
        for number, step in enumerate(howto.steps, 1):
            body.append(f"\n{number}. {step}")
        body.append("\n\n" + _("Afterwards"), style="bold")
        body.append("\n" + howto.after)
        self._console.print()
        self._console.print(Panel(body, title=f"{_('How to do it')}: {howto.title}",
                                  title_align="left", expand=False))

    def show_definition(self, found: Definition) -> None:
        _ = self._
        body = Text(found.definition or _("No definition is available for this term."))
        if found.official:
            body.append("\n\n")
            body.append(_("Official glossary: {address}").format(address=found.official),
                        style=f"link {found.official}")
        self._console.print()
        self._console.print(Panel(body, title=found.term, title_align="left", expand=False))

    def notice(self, message: str) -> None:
        self._console.print(Text(message, style="italic"))

    # Input

    def choose(self, screen: Screen) -> Action:
        _ = self._
        menu = {
            "back": _("Back: undo the last answer"),
            "restart": _("Restart from the beginning"),
            "glossary": _("Glossary: look up a term"),
            "quit": _("Quit"),
        }
        choices: list[questionary.Choice] = [
            questionary.Choice(option.label, value=Action("answer", option.value))
            for option in screen.options
        ]
        if choices:
            choices.append(questionary.Separator())
        choices += [
            questionary.Choice(menu[command.kind], value=Action(command.kind))
            for command in commands(screen, _)
        ]
        message = _("Your answer") if screen.options else _("What next?")
        while True:
            action: Action = self._select(message, choices)
            if action.kind != "glossary":
                return action
            term = self._choose_term(screen.terms)
            if term is not None:
                return Action("glossary", term)

    def _choose_term(self, terms: tuple[Link, ...]) -> str | None:
        _ = self._
        choices: list[questionary.Choice] = [
            questionary.Choice(term.label, value=term.term) for term in terms
        ]
        choices += [
            questionary.Separator(),
            questionary.Choice(_("Back to the statement"), value=""),
        ]
        term: str = self._select(_("Which term?"), choices)
        return term or None

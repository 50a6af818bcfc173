"""The guide's loop, shared by both input styles, and `run`, which picks the style."""

from __future__ import annotations

import os
import sys
from typing import Protocol

from ..guide import Glossary, GuideError, State, answer, back, restart
from ._i18n import Gettext, translation
from ._screen import Action, Definition, Screen, build, definition


class UI(Protocol):
    def show(self, screen: Screen) -> None: ...
    def choose(self, screen: Screen) -> Action: ...
    def show_definition(self, found: Definition) -> None: ...
    def notice(self, message: str) -> None: ...


def walk(state: State, glossary: Glossary, lang: str, ui: UI, _: Gettext, *,
         base_url: str) -> int:
    """Walk from `state` until the person quits; returns the exit code (0).

    The input may also end at an outcome (a script that pipes its answers in): the guide has
    then answered, and that is 0 too. Ending anywhere else raises EOFError.
    """
    again = False
    while True:
        screen = build(state, glossary, lang, base_url=base_url, again=again)
        ui.show(screen)
        try:
            action = ui.choose(screen)
        except EOFError:
            if screen.finished:
                return 0
            raise
        again = False
        if action.kind == "answer":
            state = answer(state, state.node.id, action.value)
        elif action.kind == "back":
            state = back(state)
            ui.notice(_("Went back one step."))
        elif action.kind == "restart":
            state = restart(state)
            ui.notice(_("Started again from the beginning."))
        elif action.kind == "glossary":
            label = next((t.label for t in screen.terms if t.term == action.value), action.value)
            ui.show_definition(definition(glossary, action.value, lang, label))
            again = True
        else:
            return 0


def _interactive() -> bool:
    """Arrow keys only when a person sits at a capable terminal on both ends."""
    if os.environ.get("TERM") == "dumb":
        return False
    return sys.stdin.isatty() and sys.stdout.isatty()


def _make_ui(_: Gettext) -> UI:
    if _interactive():
        from rich.console import Console

        from ._rich import RichUI

        return RichUI(_, Console(highlight=False))
    from ._plain import PlainUI

    return PlainUI(_, sys.stdin, sys.stdout, echo=not sys.stdin.isatty())


def _say(message: str) -> None:
    sys.stderr.write(f"mandaatwijzer: {message}\n")


def run(state: State, glossary: Glossary, lang: str, *, base_url: str) -> int:
    """The interactive guide from `state`; returns the process exit code.

    0 when the person quits or the input ends at an outcome, 1 when it ends before one, 130 on
    Ctrl-C. Never a traceback. Links are printed as full addresses under `base_url`.
    """
    _ = translation(lang).gettext
    try:
        return walk(state, glossary, lang, _make_ui(_), _, base_url=base_url)
    except KeyboardInterrupt:
        _say(_("interrupted"))
        return 130
    except EOFError:
        _say(_("the input ended before the guide was stopped (type q to quit)"))
        return 1
    except BrokenPipeError:
        # Nobody reads our output any more; keep the interpreter from complaining at exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        _say(_("the output was closed"))
        return 1
    except GuideError as error:
        _say(error.message)
        return error.exit_code

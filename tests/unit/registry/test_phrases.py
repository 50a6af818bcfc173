"""Explanations in English by default, and in the language of a `translated` block."""

from __future__ import annotations

import threading

import pytest

from mandaatwijzer.registry import phrases
from mandaatwijzer.registry.phrases import _


def _dutch(template: str) -> str:
    return {"{giver} gave {taker} no mandate": "{giver} gaf {taker} geen mandaat"}.get(
        template, template)


def test_english_unless_a_block_asks_for_another_language() -> None:
    assert _("{giver} gave {taker} no mandate", giver="An", taker="Bo") == "An gave Bo no mandate"
    with phrases.translated(_dutch):
        assert _("{giver} gave {taker} no mandate", giver="An", taker="Bo") == \
            "An gaf Bo geen mandaat"
        assert _("{person} has no Belgian eID", person="An") == "An has no Belgian eID"
    assert _("{giver} gave {taker} no mandate", giver="An", taker="Bo") == "An gave Bo no mandate"


def test_values_are_not_read_as_templates() -> None:
    assert _("{person} has no Belgian eID", person="{giver}") == "{giver} has no Belgian eID"


def test_each_thread_has_its_own_language() -> None:
    seen: list[str] = []
    with phrases.translated(_dutch):
        worker = threading.Thread(target=lambda: seen.append(
            _("{giver} gave {taker} no mandate", giver="An", taker="Bo")))
        worker.start()
        worker.join()
    assert seen == ["An gave Bo no mandate"]


def test_percent_signs_and_repeated_fields_are_kept() -> None:
    assert _("{a} is 100% {b}, {a}!", a="x", b="y") == "x is 100% y, x!"


def test_quotes_braces_and_backslashes_in_a_template_stay_text() -> None:
    assert _("it's \"{a}\" {{not}} \\n {b}", a="x", b="'y'") == "it's \"x\" {not} \\n 'y'"
    assert _("") == ""


def test_only_plain_fields() -> None:
    with pytest.raises(ValueError, match="plain"):
        _("{a.__class__}", a=1)

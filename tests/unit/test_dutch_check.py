"""The Dutch-page check of the page tests (tests/e2e/dutch.py): it reports an English
sentence of the catalog with its fields filled in, not the Dutch one, and its patterns
begin and end with words of the sentence (a field at either end would make a scan of a
long page quadratic)."""

from __future__ import annotations

import re

from ..e2e.dutch import _pattern, english_sentences, problems

#: A catalog sentence that begins and ends with a field, and its Dutch.
LOSES = "%(person)s loses access to the dossiers of: %(applicants)s."
LOSES_NL = "%(person)s verliest de toegang tot de dossiers van: %(applicants)s."
#: One with fields in the middle only.
NONE_POSSIBLE = "No mandate is possible between %(party)s and %(other)s."


def _page(sentence: str) -> str:
    """A Dutch page with `sentence` between Dutch text."""
    return (f'<html lang="nl"><body><main><h1>Dit mandaat overdragen?</h1>'
            f"<ul><li>{sentence}</li></ul><p>Je kunt dit nog annuleren.</p></main></body>"
            "</html>")


def test_an_english_sentence_with_its_fields_filled_in_is_reported() -> None:
    filled = {"person": "Emil Executor", "applicants": "Bakkerij NV, Anna Applicant",
              "party": "Anna Applicant", "other": "Noor Zonder"}
    assert problems(_page(LOSES % filled)) == [f"English sentence {LOSES!r}"]
    assert problems(_page(NONE_POSSIBLE % filled)) == [f"English sentence {NONE_POSSIBLE!r}"]
    # A page whose whole text is the sentence.
    assert problems(f"<p>{LOSES % filled}</p>") == [f"English sentence {LOSES!r}"]
    assert problems(_page(LOSES_NL % filled)) == []
    # Outside what a Dutch reader reads: the help desk's fold, a part marked English.
    assert problems(_page(f'<span lang="en">{LOSES % filled}</span>')) == []
    assert problems(_page(f"<details>{LOSES % filled}</details>")) == []


def test_the_patterns_begin_and_end_with_words_of_the_sentence() -> None:
    patterns = dict(english_sentences())
    assert patterns[LOSES].pattern == \
        r"loses\ access\ to\ the\ dossiers\ of:\s*.+?\s*\."
    wildcard = re.escape(r"\s*.+?\s*")
    assert not [msgid for msgid, pattern in patterns.items()
                if re.match(wildcard, pattern.pattern) or re.search(wildcard + "$",
                                                                    pattern.pattern)]
    # A message that is fields only would match any text: it has no pattern.
    assert _pattern("%(name)s") is None
    assert _pattern("{first} {second}\n") is None

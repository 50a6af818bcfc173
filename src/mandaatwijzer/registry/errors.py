"""The registry's exception family. Every refusal names the field or the rule behind it.

Each error carries its sentence as a `phrases.Phrase`: a code (the rule, the field and its
`reason`), an English template marked for the catalog and its parameters (names stay names; a
national number is never one). `message` and `str` say it in the current language
(`phrases.translated`, English outside one); the edges read it in the page's or the request's
language.
"""

from __future__ import annotations

import re
from typing import Any

from .phrases import N_, Phrase, phrase_of

#: What looks like a national register or BIS number, valid or not: 11 digits with perhaps a
#: dot, dash or space between two of them (as `identifiers.NationalNumber.parse` reads them),
#: not part of a longer word or number. The registry's ids (`P-` and 12 hex digits) never
#: match; an enterprise number has 10 digits.
NATIONAL_NUMBER_SHAPE = re.compile(r"(?<![0-9A-Za-z])[0-9](?:[.\- ]?[0-9]){10}(?![0-9A-Za-z])")


def _masked(match: re.Match[str]) -> str:
    text = match.group()
    head, tail = text[:-2], text[-2:]
    return re.sub(r"[0-9]", "*", head) + tail


def mask_national_numbers(text: str) -> str:
    """`text` with every number shaped like a national number masked, as
    `NationalNumber.masked` does: the separators and the two check digits stay."""
    return NATIONAL_NUMBER_SHAPE.sub(_masked, text)


Text = str | Phrase
"""A sentence for an error: a phrase, or a plain string said as it is in every language."""


def _restore(cls: type[RegistryError], state: dict[str, Any]) -> RegistryError:
    error = cls.__new__(cls)
    error.__dict__.update(state)
    return error


class RegistryError(Exception):
    """Base of every error the registry raises on purpose."""

    code = "registry_error"
    status = 400
    exit_code = 1

    def __init__(self, message: Text) -> None:
        self.phrase = phrase_of(message)
        super().__init__(self.phrase)

    @property
    def message(self) -> str:
        """The sentence in the current language; a national number in it is masked."""
        return mask_national_numbers(str(self.phrase))

    def __str__(self) -> str:
        return self.message

    def __reduce__(self) -> tuple[Any, ...]:
        return (_restore, (type(self), self.__dict__.copy()))


class ValidationError(RegistryError):
    """Bad input: says which field, what is wrong and what is expected (HTTP 422).

    `reason` is the problem's code (an identifier's: `identifiers.REASONS`); `problem` and
    `expected` are its words in the current language, `advice` both in one sentence for a
    form's field, `message` the field's name with them (for the command line and the logs).
    """

    code = "invalid"
    status = 422
    exit_code = 6

    def __init__(self, field: str, problem: Text, expected: Text, *,
                 reason: str = "invalid") -> None:
        self.field, self.reason = field, reason
        self.problem_phrase, self.expected_phrase = phrase_of(problem), phrase_of(expected)
        super().__init__(N_("{field}: {problem}; expected {expected}", field=field,
                            problem=self.problem_phrase, expected=self.expected_phrase))

    @property
    def problem(self) -> str:
        return mask_national_numbers(str(self.problem_phrase))

    @property
    def expected(self) -> str:
        return mask_national_numbers(str(self.expected_phrase))

    @property
    def advice(self) -> str:
        """What is wrong and what is expected, without the field's name (a form shows it
        beside the field)."""
        return mask_national_numbers(str(N_("{problem}; expected {expected}",
                                            problem=self.problem_phrase,
                                            expected=self.expected_phrase)))


class InvalidIdentifierError(ValidationError, ValueError):
    """An identifier could not be parsed: says which field, what is wrong, what was expected.

    The message is ``"<field>: <problem>; expected <expected>"``. For national numbers
    neither part ever contains the number that was given. Still a `ValueError`, as parsers'
    errors are (pydantic turns it into a field error inside a validator).
    """


class RuleViolationError(RegistryError):
    """An action the rules forbid: the rule's code in `rule`, its sentence in `message`
    (HTTP 403). The sentence does not name the rule: a person reads it."""

    code = "forbidden"
    status = 403
    exit_code = 7

    def __init__(self, rule: str, message: Text) -> None:
        self.rule = rule
        super().__init__(message)


#: The kinds of things `NotFoundError` names, for the catalog.
KINDS = (N_("person"), N_("organisation"), N_("work relation"), N_("right"), N_("mandate"),
         N_("live token"), N_("person or organisation"), N_("person with national number"),
         N_("organisation with enterprise number"), N_("person with that national number"))
_KINDS = {kind.template: kind for kind in KINDS}


def kind_named(kind: str) -> Phrase:
    """A kind of thing ("person", "work relation") as a phrase, said in the current language."""
    return _KINDS.get(kind) or phrase_of(kind)


class NotFoundError(RegistryError):
    """Nothing has this key. A key shaped like a national number (a person looked up by one,
    or one put in an address) is kept masked: the edges echo `key` in their 404s."""

    code = "not_found"
    status = 404
    exit_code = 8

    def __init__(self, kind: str, key: str) -> None:
        self.kind, self.key = kind, mask_national_numbers(key)
        super().__init__(N_("no {kind} {key}", kind=kind_named(kind), key=self.key) if key
                         else N_("no {kind}", kind=kind_named(kind)))


class ConflictError(RegistryError):
    """The action does not fit the current state, e.g. signing a stopped mandate (HTTP 409)."""

    code = "conflict"
    status = 409
    exit_code = 9


#: Why a change could not be taken now, when nothing more precise is known.
BUSY = N_("the registry is busy with another change (an import, for example); nothing was "
          "changed: try again in a few seconds")


class BusyError(RegistryError):
    """The registry could not take the change now: another one holds what it needs (a long
    import on SQLite, a lock held past the wait the settings allow). Nothing was changed;
    trying again later may succeed (HTTP 503 with Retry-After)."""

    code = "busy"
    status = 503
    exit_code = 12

    def __init__(self, message: Text | None = None, retry_after: int = 5) -> None:
        super().__init__(message or BUSY)
        self.retry_after = retry_after


class ConcurrentChangeError(BusyError):
    """Another transaction changed what this one decided from, at the same time (PostgreSQL
    detected it: a serialization failure, a deadlock or a constraint the two would break
    together). The use case runs again on the new state; after a few tries it is busy."""

    def __init__(self, message: Text | None = None) -> None:
        super().__init__(message or N_("another change to the same facts was made at the "
                                       "same moment; nothing was changed, try again"),
                         retry_after=1)

"""The registry's exception family. Every refusal names the field or the rule behind it."""

from __future__ import annotations

import re

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


class RegistryError(Exception):
    """Base of every error the registry raises on purpose."""

    code = "registry_error"
    status = 400
    exit_code = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ValidationError(RegistryError):
    """Bad input: says which field, what is wrong and what is expected (HTTP 422)."""

    code = "invalid"
    status = 422
    exit_code = 6

    def __init__(self, field: str, problem: str, expected: str) -> None:
        self.field, self.problem, self.expected = field, problem, expected
        super().__init__(f"{field}: {problem}; expected {expected}")


class InvalidIdentifierError(ValidationError, ValueError):
    """An identifier could not be parsed: says which field, what is wrong, what was expected.

    The message is ``"<field>: <problem>; expected <expected>"``. For national numbers
    neither part ever contains the number that was given. Still a `ValueError`, as parsers'
    errors are (pydantic turns it into a field error inside a validator).
    """

    def __reduce__(self) -> tuple[type[InvalidIdentifierError], tuple[str, str, str]]:
        return (type(self), (self.field, self.problem, self.expected))


class RuleViolationError(RegistryError):
    """An action the rules forbid, naming the rule (HTTP 403)."""

    code = "forbidden"
    status = 403
    exit_code = 7

    def __init__(self, rule: str, message: str) -> None:
        self.rule = rule
        super().__init__(f"{message} (rule: {rule})")


class NotFoundError(RegistryError):
    """Nothing has this key. A key shaped like a national number (a person looked up by one,
    or one put in an address) is kept masked: the edges echo `key` in their 404s."""

    code = "not_found"
    status = 404
    exit_code = 8

    def __init__(self, kind: str, key: str) -> None:
        self.kind, self.key = kind, mask_national_numbers(key)
        super().__init__(f"no {kind} {self.key}")


class ConflictError(RegistryError):
    """The action does not fit the current state, e.g. signing a stopped mandate (HTTP 409)."""

    code = "conflict"
    status = 409
    exit_code = 9


class BusyError(RegistryError):
    """The registry could not take the change now: another one holds what it needs (a long
    import on SQLite, a lock held past the wait the settings allow). Nothing was changed;
    trying again later may succeed (HTTP 503 with Retry-After)."""

    code = "busy"
    status = 503
    exit_code = 12

    def __init__(self, message: str, retry_after: int = 5) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class ConcurrentChangeError(BusyError):
    """Another transaction changed what this one decided from, at the same time (PostgreSQL
    detected it: a serialization failure, a deadlock or a constraint the two would break
    together). The use case runs again on the new state; after a few tries it is busy."""

    def __init__(self, message: str = "another change to the same facts was made at the same "
                 "moment; nothing was changed, try again") -> None:
        super().__init__(message, retry_after=1)

"""The registry's exception family. Every refusal names the field or the rule behind it."""

from __future__ import annotations


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
    code = "not_found"
    status = 404
    exit_code = 8

    def __init__(self, kind: str, key: str) -> None:
        self.kind, self.key = kind, key
        super().__init__(f"no {kind} {key}")


class ConflictError(RegistryError):
    """The action does not fit the current state, e.g. signing a stopped mandate (HTTP 409)."""

    code = "conflict"
    status = 409
    exit_code = 9

"""Identifier value objects: national register / BIS numbers and enterprise numbers.

The check-digit and birth-date rules are python-stdnum's (`stdnum.be.ssn`, `stdnum.be.nn`,
`stdnum.be.bis`, `stdnum.be.vat`); this module only normalises, names what is wrong in a
way a person can act on, and keeps national numbers out of logs and messages.

A national register number (rijksregisternummer) or BIS number is personal data. A
`NationalNumber` therefore never shows itself in full by accident: `str()`, `repr()` and
f-strings give the masked form, which hides the birth date and the day counter and keeps
only the two check digits::

    **.**.**-***.28

The full number is only available on purpose, through `.value` (11 digits) and
`.formatted` (``YY.MM.DD-sss.CC``). Error messages never contain the number that was given.

Enterprise numbers (ondernemingsnummers) are public, so `EnterpriseNumber` prints itself
in the dotted KBO form ``0403.170.701``.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Literal

from stdnum.be import ssn, vat
from stdnum.exceptions import (
    InvalidChecksum,
    InvalidComponent,
    InvalidFormat,
    ValidationError,
)

from .errors import InvalidIdentifierError
from .phrases import N_, Phrase

__all__ = [
    "MASK_CHARACTER",
    "REASONS",
    "EnterpriseNumber",
    "InvalidIdentifierError",
    "NationalNumber",
    "NationalNumberKind",
    "is_valid_enterprise_number",
    "is_valid_national_number",
    "mask_national_number",
]

NationalNumberKind = Literal["nn", "bis"]
"""``"nn"``: a national register number; ``"bis"``: a BIS number (month raised by 20 or 40)."""

MASK_CHARACTER = "*"
"""Stands in for each hidden digit of a masked national number."""

_DIGITS = frozenset("0123456789")
_NN_LAYOUT = N_("11 digits (YY.MM.DD-sss.CC)")
_ENTERPRISE_LAYOUT = N_("10 digits (0xxx.xxx.xxx or 1xxx.xxx.xxx)")

#: What can be wrong with an identifier: the `reason` of an `InvalidIdentifierError` (the
#: code; python-stdnum's exceptions are mapped to one) and the English template of its
#: problem, with the parameters it takes. None holds a national number.
REASONS: dict[str, Phrase] = {
    "empty": N_("is empty"),
    "nn_characters": N_("contains characters other than digits, dots, dashes and spaces"),
    "enterprise_characters": N_("contains characters other than digits, dots, dashes, "
                                "slashes, spaces and a leading BE"),
    "one_digit": N_("has 1 digit"),
    "digits": N_("has {count} digits"),
    "nn_checksum": N_("the check digits do not match the first 9 digits"),
    "birth_month": N_("month {month} is not a valid birth month"),
    "bis_month": N_("month {month} is not a valid BIS number month"),
    "birth_date": N_("the birth date is not valid"),
    "not_nn": N_("is not a national register number or BIS number"),
    "invalid_nn": N_("is not a valid national register number or BIS number"),
    "enterprise_checksum": N_("the check digits of {number} do not match its first 8 digits"),
    "establishment_unit": N_("{number} is an establishment unit number, not an enterprise "
                             "number"),
    "establishment_unit_checksum": N_("{number} starts with {digit} like an establishment "
                                      "unit number, and its check digits do not match "
                                      "either"),
    "first_digit": N_("{number} starts with {digit}, which no enterprise number does"),
    "not_enterprise": N_("is not an enterprise number"),
    "invalid_enterprise": N_("is not a valid enterprise number"),
}


def _error(field: str, reason: str, expected: Phrase, **values: object) -> InvalidIdentifierError:
    problem = Phrase(REASONS[reason].template, values)
    return InvalidIdentifierError(field, problem, expected, reason=reason)


def _digits_error(field: str, count: int, expected: Phrase) -> InvalidIdentifierError:
    if count == 1:
        return _error(field, "one_digit", expected)
    return _error(field, "digits", expected, count=count)


# --- National register numbers and BIS numbers ---------------------------------------


def mask_national_number(digits: str) -> str:
    """``**.**.**-***.CC`` for 11 digits, valid or not: the layout and the two check digits."""
    hidden = MASK_CHARACTER * 2
    return f"{hidden}.{hidden}.{hidden}-{MASK_CHARACTER * 3}.{digits[-2:]}"



def _check_national_number(text: str, field: str) -> tuple[str, NationalNumberKind]:
    """Return the 11 digits and the kind, or raise `InvalidIdentifierError`."""
    number = ssn.compact(text)
    if not number:
        raise _error(field, "empty", _NN_LAYOUT)
    if not set(number) <= _DIGITS:
        raise _error(field, "nn_characters", _NN_LAYOUT)
    if len(number) != 11:
        raise _digits_error(field, len(number), _NN_LAYOUT)
    try:
        ssn.validate(number)
    except InvalidChecksum:
        raise _error(
            field, "nn_checksum",
            N_("the last two digits to be 97 - (the first 9 digits mod 97), "
               "with a 2 put in front of them for births from 2000"),
        ) from None
    except InvalidComponent:
        raise _component_error(number, field) from None
    except InvalidFormat:
        # stdnum refuses a number that is all zeros.
        raise _error(field, "not_nn", _NN_LAYOUT) from None
    except ValidationError:  # pragma: no cover - any other refusal stdnum may add
        raise _error(field, "invalid_nn", _NN_LAYOUT) from None
    kind = ssn.guess_type(number)
    if kind == "nn":
        return number, "nn"
    if kind == "bis":
        return number, "bis"
    raise AssertionError(  # pragma: no cover - stdnum accepted it as one of the two
        "stdnum.be.ssn validated a number it cannot classify"
    )


def _component_error(number: str, field: str) -> InvalidIdentifierError:
    """Name the birth-date part stdnum refused (it only refuses months today)."""
    month = int(number[2:4])
    if 13 <= month <= 19:
        return _error(field, "birth_month",
                      N_("01-12 (00 if unknown); for a BIS number the month raised by 20 or 40"),
                      month=f"{month:02d}")
    if month > 19:
        return _error(field, "bis_month",
                      N_("the birth month raised by 20 (20-32) or by 40 (40-52)"),
                      month=f"{month:02d}")
    return _error(  # pragma: no cover - stdnum only refuses months
        field, "birth_date", N_("a valid birth date (YY.MM.DD)"))


@dataclass(frozen=True, slots=True, repr=False)
class NationalNumber:
    """A valid Belgian national register number or BIS number, stored as 11 digits.

    Construct one with `NationalNumber.parse` (which lets the caller name the field in
    error messages); calling the class directly checks and normalises the same way.
    Equal and hashed by its digits. `str` and `repr` are masked.
    """

    value: str
    kind: NationalNumberKind = dataclasses.field(init=False, compare=False)

    def __post_init__(self) -> None:
        value, kind = _check_national_number(self.value, "national_number")
        object.__setattr__(self, "value", value)
        object.__setattr__(self, "kind", kind)

    @classmethod
    def parse(cls, text: str, *, field: str = "national_number") -> NationalNumber:
        """Parse a written national register number or BIS number.

        Accepts dots, dashes and spaces as separators (``85.07.30-033.28``,
        ``85073003328``). Raises `InvalidIdentifierError` naming `field`, and never
        quoting the number, when it is not valid.
        """
        value, _ = _check_national_number(text, field)
        return cls(value)

    @property
    def formatted(self) -> str:
        """The full number as ``YY.MM.DD-sss.CC``: personal data, show it on purpose only."""
        return ssn.format(self.value)

    @property
    def masked(self) -> str:
        """``**.**.**-***.CC``: the layout and the two check digits, nothing more."""
        return mask_national_number(self.value)

    def __str__(self) -> str:
        return self.masked

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.masked!r})"


def is_valid_national_number(text: str) -> bool:
    """Whether `text` is a valid national register number or BIS number."""
    try:
        _check_national_number(text, "national_number")
    except InvalidIdentifierError:
        return False
    return True


# --- Enterprise numbers -----------------------------------------------------------------


def _dotted(number: str) -> str:
    """The KBO form of a 10-digit number: ``0403.170.701`` / ``2.123.456.789``."""
    head = number[:1] if number[0] in "2345678" else number[:4]
    rest = number[len(head):]
    return ".".join([head, *(rest[i:i + 3] for i in range(0, len(rest), 3))])


def _check_enterprise_number(text: str, field: str) -> str:
    """Return the 10 digits, or raise `InvalidIdentifierError`."""
    number = vat.compact(text)  # also drops "BE" and pads the old 9-digit form with a 0
    if not number:
        raise _error(field, "empty", _ENTERPRISE_LAYOUT)
    if not set(number) <= _DIGITS:
        raise _error(field, "enterprise_characters", _ENTERPRISE_LAYOUT)
    if len(number) != 10:
        raise _digits_error(field, len(number),
                            N_("{layout} or the old form of 9 digits without the leading 0",
                               layout=_ENTERPRISE_LAYOUT))
    try:
        vat.validate(number)
    except InvalidComponent:
        raise _enterprise_range_error(number, field) from None
    except InvalidChecksum:
        raise _error(field, "enterprise_checksum",
                     N_("the last two digits to be 97 - (the first 8 digits mod 97)"),
                     number=_dotted(number)) from None
    except InvalidFormat:
        # stdnum refuses a number that is all zeros.
        raise _error(field, "not_enterprise", _ENTERPRISE_LAYOUT) from None
    except ValidationError:  # pragma: no cover - any other refusal stdnum may add
        raise _error(field, "invalid_enterprise", _ENTERPRISE_LAYOUT) from None
    return number


def _enterprise_range_error(number: str, field: str) -> InvalidIdentifierError:
    """A number not starting with 0 or 1: an establishment unit number, or nothing."""
    expected = N_("a number starting with 0 or 1")
    if number[0] in "2345678":
        if vat.checksum(number) == 0:
            return _error(field, "establishment_unit", expected, number=_dotted(number))
        return _error(field, "establishment_unit_checksum", expected, number=_dotted(number),
                      digit=number[0])
    return _error(field, "first_digit", expected, number=_dotted(number), digit=number[0])


@dataclass(frozen=True, slots=True)
class EnterpriseNumber:
    """A valid KBO enterprise number (ondernemingsnummer), stored as 10 digits.

    Both the 0-series and the 1-series (issued since September 2023) are accepted;
    establishment unit numbers (starting 2-8) are refused. `str` is the dotted KBO form.
    """

    value: str

    def __post_init__(self) -> None:
        object.__setattr__(
            self, "value", _check_enterprise_number(self.value, "enterprise_number")
        )

    @classmethod
    def parse(cls, text: str, *, field: str = "enterprise_number") -> EnterpriseNumber:
        """Parse a written enterprise number.

        Accepts ``0403.170.701``, ``0403170701``, ``BE0403170701``, ``BE 0403.170.701``
        and the old 9-digit form ``403170701``. Raises `InvalidIdentifierError` naming
        `field` when it is not a valid enterprise number.
        """
        return cls(_check_enterprise_number(text, field))

    @property
    def formatted(self) -> str:
        """The dotted KBO form, ``0403.170.701``."""
        return _dotted(self.value)

    @property
    def vat(self) -> str:
        """The VAT form, ``BE0403170701``."""
        return "BE" + self.value

    def __str__(self) -> str:
        return self.formatted


def is_valid_enterprise_number(text: str) -> bool:
    """Whether `text` is a valid enterprise number (0- or 1-series)."""
    try:
        _check_enterprise_number(text, "enterprise_number")
    except InvalidIdentifierError:
        return False
    return True

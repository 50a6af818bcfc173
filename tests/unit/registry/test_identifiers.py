"""National register / BIS numbers and enterprise numbers: parsing, refusals, masking."""

from __future__ import annotations

import dataclasses
import logging
import pickle
import re
from collections.abc import Callable

import pytest
from stdnum.be import bis, nn, ssn, vat

from mandaatwijzer.registry.identifiers import (
    EnterpriseNumber,
    InvalidIdentifierError,
    NationalNumber,
    is_valid_enterprise_number,
    is_valid_national_number,
)

# --- helpers: the documented algorithms, to generate numbers independently of stdnum ----


def national_number(yy: int, mm: int, dd: int, serial: int, *, from_2000: bool = False) -> str:
    """11 digits with check = 97 - (first 9 digits mod 97), '2' in front for births from 2000."""
    first9 = f"{yy:02d}{mm:02d}{dd:02d}{serial:03d}"
    check = 97 - int(("2" if from_2000 else "") + first9) % 97
    return f"{first9}{check:02d}"


def enterprise_number(first8: str) -> str:
    """10 digits with check = 97 - (first 8 digits mod 97)."""
    return f"{first8}{97 - int(first8) % 97:02d}"


def with_wrong_check_digits(number: str) -> str:
    return number[:-2] + f"{(int(number[-2:]) + 1) % 100:02d}"


def log_message(number: NationalNumber) -> str:
    """The message a logging call `log.info("person %s", number)` would write."""
    record = logging.LogRecord("registry", logging.INFO, __file__, 1, "person %s", (number,), None)
    return record.getMessage()


def dotted_nn(number: str) -> str:
    return f"{number[0:2]}.{number[2:4]}.{number[4:6]}-{number[6:9]}.{number[9:]}"


BEFORE_2000 = national_number(85, 7, 30, 33)
AFTER_2000 = national_number(17, 7, 30, 33, from_2000=True)
BIS_PLUS_20 = national_number(90, 7 + 20, 14, 123)
BIS_PLUS_40 = national_number(98, 7 + 40, 28, 997)

VALID_NN = [
    national_number(85, 7, 30, 33),
    national_number(62, 12, 31, 998),
    national_number(99, 2, 28, 1),
    national_number(1, 1, 1, 2, from_2000=True),
    national_number(5, 6, 15, 101, from_2000=True),
    national_number(17, 7, 30, 33, from_2000=True),
]
VALID_BIS = [
    national_number(90, 7 + 20, 14, 123),
    national_number(98, 7 + 40, 28, 997),
    national_number(1, 9 + 40, 7, 1, from_2000=True),
    national_number(75, 12 + 20, 31, 44),
    national_number(75, 12 + 40, 1, 45),
    national_number(80, 20, 0, 10),  # BIS, month unknown
]

# Invalid numbers, each with the problem the message must name.
INVALID_NN = [
    pytest.param(with_wrong_check_digits(BEFORE_2000), "check digits", id="wrong-check-digits"),
    pytest.param(with_wrong_check_digits(AFTER_2000), "check digits", id="wrong-check-2000"),
    pytest.param(national_number(85, 7, 30, 33, from_2000=True), "check digits",
                 id="2000-check-for-a-1985-birth"),
    pytest.param(BEFORE_2000[:10], "has 10 digits", id="10-digits"),
    pytest.param(BEFORE_2000 + "7", "has 12 digits", id="12-digits"),
    pytest.param(BEFORE_2000[:5] + "A" + BEFORE_2000[6:], "other than digits", id="letter"),
    pytest.param("RN" + BEFORE_2000, "other than digits", id="letters-in-front"),
    pytest.param(BEFORE_2000.replace("0", "O"), "other than digits", id="letter-O-for-zero"),
    pytest.param("85/07/30 033 28", "other than digits", id="slashes"),
    pytest.param(national_number(85, 13, 1, 33), "month 13", id="month-13"),
    pytest.param(national_number(85, 19, 1, 33), "month 19", id="month-19"),
    pytest.param(national_number(85, 33, 1, 33), "month 33", id="bis-month-33"),
    pytest.param(national_number(85, 60, 1, 33), "month 60", id="bis-month-60"),
    pytest.param(national_number(85, 72, 1, 33), "month 72", id="bis-month-72"),
    pytest.param("00000000000", "is not a national register number", id="all-zeros"),
]


# --- the helpers agree with stdnum ---------------------------------------------------------


@pytest.mark.parametrize(
    ("parts", "from_2000", "known"),
    [
        ((85, 7, 30, 33), False, "85073003328"),
        ((17, 7, 30, 33), True, "17073003384"),
        ((98, 47, 28, 997), False, "98472899765"),
        ((1, 49, 7, 1), True, "01490700185"),
    ],
)
def test_the_generator_reproduces_the_examples_in_stdnum(
    parts: tuple[int, int, int, int], from_2000: bool, known: str
) -> None:
    assert national_number(*parts, from_2000=from_2000) == known


@pytest.mark.parametrize("number", VALID_NN)
def test_stdnum_agrees_the_generated_national_numbers_are_valid(number: str) -> None:
    assert nn.is_valid(number)
    assert ssn.guess_type(number) == "nn"


@pytest.mark.parametrize("number", VALID_BIS)
def test_stdnum_agrees_the_generated_bis_numbers_are_valid(number: str) -> None:
    assert bis.is_valid(number)
    assert ssn.guess_type(number) == "bis"


# --- valid national numbers and BIS numbers --------------------------------------------------


@pytest.mark.parametrize("number", VALID_NN)
def test_a_valid_national_number_parses_as_kind_nn(number: str) -> None:
    parsed = NationalNumber.parse(number)
    assert parsed.value == number
    assert parsed.kind == "nn"


@pytest.mark.parametrize("number", VALID_BIS)
def test_a_bis_number_with_the_month_raised_by_20_or_40_parses_as_kind_bis(number: str) -> None:
    parsed = NationalNumber.parse(number)
    assert parsed.value == number
    assert parsed.kind == "bis"


def test_births_before_and_after_2000_both_parse() -> None:
    assert NationalNumber.parse(BEFORE_2000).value == "85073003328"
    assert NationalNumber.parse(AFTER_2000).value == "17073003384"


@pytest.mark.parametrize(
    "number",
    [
        national_number(85, 0, 0, 33),
        national_number(85, 0, 12, 34),
        national_number(85, 7, 0, 35),
        national_number(5, 0, 0, 36, from_2000=True),
        national_number(85, 40, 0, 37),
    ],
    ids=["month-and-day-00", "month-00", "day-00", "2000-month-and-day-00", "bis-month-40-day-00"],
)
def test_a_month_or_day_of_00_is_allowed(number: str) -> None:
    assert NationalNumber.parse(number).value == number


@pytest.mark.parametrize(
    "written",
    [
        "85.07.30-033.28",
        "85073003328",
        "85 07 30 033 28",
        "85.07.30-033 28",
        "850730-033-28",
        "  85.07.30-033.28  ",
        "85.07.30 - 033.28",
    ],
)
def test_the_usual_written_forms_are_normalised_to_11_digits(written: str) -> None:
    parsed = NationalNumber.parse(written)
    assert parsed.value == "85073003328"
    assert parsed == NationalNumber.parse("85073003328")


def test_formatted_is_the_full_dotted_form() -> None:
    assert NationalNumber.parse("85073003328").formatted == "85.07.30-033.28"
    assert NationalNumber.parse(BIS_PLUS_40).formatted == dotted_nn(BIS_PLUS_40)


def test_equal_numbers_are_equal_and_hash_alike() -> None:
    a = NationalNumber.parse("85.07.30-033.28")
    b = NationalNumber.parse("85073003328")
    assert a == b
    assert hash(a) == hash(b)
    assert len({a, b}) == 1
    assert a != NationalNumber.parse(AFTER_2000)


def test_a_national_number_is_immutable() -> None:
    parsed = NationalNumber.parse(BEFORE_2000)
    with pytest.raises(dataclasses.FrozenInstanceError):
        parsed.value = AFTER_2000  # type: ignore[misc]


def test_calling_the_class_directly_checks_and_normalises_too() -> None:
    assert NationalNumber("85.07.30-033.28").value == "85073003328"
    assert NationalNumber(BIS_PLUS_20).kind == "bis"
    with pytest.raises(InvalidIdentifierError, match=r"^national_number: "):
        NationalNumber(with_wrong_check_digits(BEFORE_2000))


@pytest.mark.parametrize("number", [*VALID_NN, *VALID_BIS])
def test_is_valid_national_number_says_yes_to_valid_numbers(number: str) -> None:
    assert is_valid_national_number(dotted_nn(number))


# --- masking ----------------------------------------------------------------------------


def test_the_masked_form_keeps_the_layout_and_only_the_check_digits() -> None:
    assert NationalNumber.parse("85073003328").masked == "**.**.**-***.28"


@pytest.mark.parametrize("number", [*VALID_NN, *VALID_BIS])
def test_masking_never_shows_more_than_the_last_two_digits(number: str) -> None:
    masked = NationalNumber.parse(number).masked
    assert re.sub(r"\D", "", masked) == number[-2:]
    assert masked[:-2] == "**.**.**-***."


@pytest.mark.parametrize(
    "render",
    [str, repr, "{}".format, "{!s}".format, "{!r}".format, log_message],
    ids=["str", "repr", "format", "format-s", "format-r", "log-message"],
)
@pytest.mark.parametrize("number", [BEFORE_2000, AFTER_2000, BIS_PLUS_20, BIS_PLUS_40])
def test_str_and_repr_show_only_the_masked_form(
    render: Callable[[NationalNumber], str], number: str
) -> None:
    text = render(NationalNumber.parse(number))
    assert "**.**.**-***." + number[-2:] in text
    assert re.sub(r"\D", "", text) == number[-2:]


def test_a_national_number_inside_a_container_is_still_masked() -> None:
    text = str([NationalNumber.parse(BEFORE_2000)])
    assert BEFORE_2000 not in text
    assert dotted_nn(BEFORE_2000) not in text


# --- refusals -----------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "problem"), INVALID_NN)
def test_an_invalid_national_number_is_refused_naming_the_problem(text: str, problem: str) -> None:
    with pytest.raises(InvalidIdentifierError) as caught:
        NationalNumber.parse(text)
    assert problem in caught.value.problem
    assert str(caught.value).startswith("national_number: ")
    assert not is_valid_national_number(text)


@pytest.mark.parametrize(("text", "problem"), INVALID_NN)
def test_stdnum_refuses_the_same_national_numbers(text: str, problem: str) -> None:
    assert not ssn.is_valid(text)


@pytest.mark.parametrize(("text", "problem"), INVALID_NN)
def test_an_error_message_never_contains_the_number_given(text: str, problem: str) -> None:
    with pytest.raises(InvalidIdentifierError) as caught:
        NationalNumber.parse(text)
    message = str(caught.value)
    digits = re.sub(r"\D", "", text)
    assert text.strip() not in message
    assert digits not in re.sub(r"\D", "", message)
    # No run of 6 or more of the given digits (a birth date) appears either.
    for start in range(len(digits) - 5):
        assert digits[start:start + 6] not in message
    assert text.strip() not in repr(caught.value)


def test_a_wrong_length_names_how_many_digits_were_given_and_expects_11() -> None:
    with pytest.raises(InvalidIdentifierError) as caught:
        NationalNumber.parse("85.07.30-033.2")
    assert caught.value.problem == "has 10 digits"
    assert "11 digits" in caught.value.expected


def test_an_empty_national_number_is_called_empty() -> None:
    with pytest.raises(InvalidIdentifierError, match="national_number: is empty; expected 11"):
        NationalNumber.parse(" ")


def test_a_month_of_13_expects_01_to_12_and_mentions_bis() -> None:
    with pytest.raises(InvalidIdentifierError) as caught:
        NationalNumber.parse(national_number(85, 13, 1, 33))
    assert "01-12" in caught.value.expected
    assert "raised by 20 or 40" in caught.value.expected


def test_a_bis_month_above_52_expects_the_month_raised_by_20_or_40() -> None:
    with pytest.raises(InvalidIdentifierError) as caught:
        NationalNumber.parse(national_number(85, 60, 1, 33))
    assert caught.value.problem == "month 60 is not a valid BIS number month"
    assert "raised by 20" in caught.value.expected
    assert "by 40" in caught.value.expected


def test_the_caller_can_name_the_field() -> None:
    with pytest.raises(InvalidIdentifierError, match=r"^rijksregisternummer: ") as caught:
        NationalNumber.parse("123", field="rijksregisternummer")
    assert caught.value.field == "rijksregisternummer"


def test_the_error_is_a_value_error_with_the_documented_message() -> None:
    error = InvalidIdentifierError("f", "is wrong", "something else")
    assert isinstance(error, ValueError)
    assert str(error) == "f: is wrong; expected something else"
    assert (error.field, error.problem, error.expected) == ("f", "is wrong", "something else")


def test_the_error_survives_pickling() -> None:
    error = InvalidIdentifierError("f", "is wrong", "something else")
    copy = pickle.loads(pickle.dumps(error))
    assert str(copy) == str(error)
    assert copy.field == "f"


def test_a_refusal_does_not_chain_the_stdnum_exception() -> None:
    with pytest.raises(InvalidIdentifierError) as caught:
        NationalNumber.parse(with_wrong_check_digits(BEFORE_2000))
    assert caught.value.__cause__ is None
    assert caught.value.__suppress_context__


# --- enterprise numbers -----------------------------------------------------------------

ONE_SERIES = enterprise_number("10012345")
ESTABLISHMENT_UNITS = [enterprise_number(f"{d}1234567") for d in "2345678"]


def test_the_enterprise_generator_agrees_with_stdnum() -> None:
    assert enterprise_number("04031707") == "0403170701"
    assert vat.is_valid(ONE_SERIES)
    assert enterprise_number("04287594") == "0428759497"


@pytest.mark.parametrize(
    "number", ["0403170701", "0428759497", "0403019261", enterprise_number("08765432")]
)
def test_a_valid_0_series_enterprise_number_parses(number: str) -> None:
    assert EnterpriseNumber.parse(number).value == number


@pytest.mark.parametrize(
    "number", [ONE_SERIES, enterprise_number("10000000"), enterprise_number("19999999")]
)
def test_a_valid_1_series_enterprise_number_parses(number: str) -> None:
    assert number.startswith("1")
    assert EnterpriseNumber.parse(number).value == number


@pytest.mark.parametrize(
    "written",
    [
        "0403.170.701",
        "0403170701",
        "BE0403170701",
        "BE 0403.170.701",
        "be0403170701",
        "BE 0403 170 701",
        "0403-170-701",
        "403170701",
        "403.170.701",
        "BE403170701",
        " 0403.170.701 ",
    ],
)
def test_the_written_forms_of_an_enterprise_number_are_normalised(written: str) -> None:
    assert EnterpriseNumber.parse(written).value == "0403170701"


def test_formatted_vat_and_str_of_an_enterprise_number() -> None:
    parsed = EnterpriseNumber.parse("BE0403170701")
    assert parsed.formatted == "0403.170.701"
    assert parsed.vat == "BE0403170701"
    assert str(parsed) == "0403.170.701"
    assert f"{parsed}" == "0403.170.701"


def test_a_1_series_number_is_formatted_the_same_way() -> None:
    parsed = EnterpriseNumber.parse(ONE_SERIES)
    assert parsed.formatted == f"{ONE_SERIES[:4]}.{ONE_SERIES[4:7]}.{ONE_SERIES[7:]}"
    assert parsed.vat == "BE" + ONE_SERIES


def test_equal_enterprise_numbers_are_equal_and_hash_alike() -> None:
    a = EnterpriseNumber.parse("BE 0403.170.701")
    b = EnterpriseNumber("403170701")
    assert a == b
    assert len({a, b}) == 1
    assert a != EnterpriseNumber.parse(ONE_SERIES)


def test_an_enterprise_number_is_immutable() -> None:
    parsed = EnterpriseNumber.parse("0403170701")
    with pytest.raises(dataclasses.FrozenInstanceError):
        parsed.value = ONE_SERIES  # type: ignore[misc]


@pytest.mark.parametrize("number", ESTABLISHMENT_UNITS)
def test_an_establishment_unit_number_is_refused_with_a_specific_message(number: str) -> None:
    assert vat.checksum(number) == 0  # the check digits themselves are right
    dotted = f"{number[0]}.{number[1:4]}.{number[4:7]}.{number[7:]}"
    with pytest.raises(InvalidIdentifierError) as caught:
        EnterpriseNumber.parse(number)
    assert str(caught.value) == (
        f"enterprise_number: {dotted} is an establishment unit number, not an enterprise "
        "number; expected a number starting with 0 or 1"
    )
    assert not is_valid_enterprise_number(number)


def test_an_establishment_unit_range_number_with_wrong_check_digits_says_both() -> None:
    with pytest.raises(InvalidIdentifierError) as caught:
        EnterpriseNumber.parse(with_wrong_check_digits(ESTABLISHMENT_UNITS[0]))
    assert "establishment unit" in caught.value.problem
    assert "check digits" in caught.value.problem


def test_a_number_starting_with_9_is_refused() -> None:
    with pytest.raises(InvalidIdentifierError) as caught:
        EnterpriseNumber.parse(enterprise_number("91234567"))
    assert "starts with 9" in caught.value.problem
    assert caught.value.expected == "a number starting with 0 or 1"


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        pytest.param("0403170702", "check digits", id="wrong-check-digits"),
        pytest.param(with_wrong_check_digits(ONE_SERIES), "check digits", id="wrong-check-1"),
        pytest.param("40317070", "has 8 digits", id="8-digits"),
        pytest.param("04031707011", "has 11 digits", id="11-digits"),
        pytest.param("BE04031707011", "has 11 digits", id="BE-and-11-digits"),
        pytest.param("0403I70701", "other than digits", id="letter"),
        pytest.param("NL0403170701", "other than digits", id="other-country-prefix"),
        pytest.param("", "is empty", id="empty"),
        pytest.param("0000000000", "is not an enterprise number", id="all-zeros"),
    ],
)
def test_an_invalid_enterprise_number_is_refused_naming_the_problem(
    text: str, problem: str
) -> None:
    with pytest.raises(InvalidIdentifierError, match=r"^enterprise_number: ") as caught:
        EnterpriseNumber.parse(text)
    assert problem in caught.value.problem
    assert not is_valid_enterprise_number(text)
    assert not vat.is_valid(text)


def test_the_caller_can_name_the_enterprise_number_field() -> None:
    with pytest.raises(InvalidIdentifierError, match=r"^ondernemingsnummer: "):
        EnterpriseNumber.parse("0403170702", field="ondernemingsnummer")


def test_is_valid_enterprise_number_says_yes_to_a_valid_number() -> None:
    assert is_valid_enterprise_number("BE 0403.170.701")

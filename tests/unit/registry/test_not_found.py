"""A key shaped like a national number never appears in a not-found refusal."""

from __future__ import annotations

import pytest

from mandaatwijzer.registry.errors import NotFoundError, mask_national_numbers

from .scenario import enterprise_number, national_number

NUMBER = national_number(5)
DOTTED = f"{NUMBER[:2]}.{NUMBER[2:4]}.{NUMBER[4:6]}-{NUMBER[6:9]}.{NUMBER[9:]}"


@pytest.mark.parametrize(("key", "shown"), [
    (NUMBER, f"*********{NUMBER[-2:]}"),
    (DOTTED, f"**.**.**-***.{NUMBER[-2:]}"),
    ("12345678901", "*********01"),  # not a valid number, but shaped like one
    (f"person:{NUMBER}", f"person:*********{NUMBER[-2:]}"),
    (f"{NUMBER[:6]} {NUMBER[6:]}", f"****** ***{NUMBER[-2:]}"),
])
def test_a_key_shaped_like_a_national_number_is_masked(key: str, shown: str) -> None:
    error = NotFoundError("person", key)
    assert error.key == shown
    assert error.message == f"no person {shown}"
    assert NUMBER[:9] not in str(error)


@pytest.mark.parametrize("key", [
    "P-0123456789ab", "P-12345678901a", "M-123456789012", enterprise_number(1),
    "0403.170.701", "123456789012", "1234567890", "with enterprise number 0403.170.701",
])
def test_ids_enterprise_numbers_and_other_lengths_are_kept(key: str) -> None:
    assert NotFoundError("thing", key).key == key
    assert mask_national_numbers(key) == key

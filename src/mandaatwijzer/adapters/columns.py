"""Column types that carry the registry's value objects and moments in and out of the database.

National numbers and enterprise numbers are stored as their normalised digits (11 and 10), so
that the unique indexes compare like with like whatever form was typed. Moments are stored in
UTC and come back timezone-aware in UTC on both databases (SQLite keeps no zone of its own).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime, Dialect, String
from sqlalchemy.types import TypeDecorator

from ..registry.identifiers import EnterpriseNumber, NationalNumber


class NationalNumberType(TypeDecorator[NationalNumber]):
    """A national register or BIS number as its 11 digits."""

    impl = String(11)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:
        if value is None:
            return None
        if isinstance(value, NationalNumber):
            return value.value
        raise TypeError("expected a NationalNumber")

    def process_result_value(self, value: Any, dialect: Dialect) -> NationalNumber | None:
        return None if value is None else NationalNumber(value)


class EnterpriseNumberType(TypeDecorator[EnterpriseNumber]):
    """A KBO enterprise number as its 10 digits."""

    impl = String(10)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:
        if value is None:
            return None
        if isinstance(value, EnterpriseNumber):
            return value.value
        raise TypeError("expected an EnterpriseNumber")

    def process_result_value(self, value: Any, dialect: Dialect) -> EnterpriseNumber | None:
        return None if value is None else EnterpriseNumber(value)


class UtcDateTime(TypeDecorator[datetime]):
    """A timezone-aware moment, stored in UTC, read back aware in UTC.

    Naive datetimes are refused: a moment without a zone is ambiguous, and SQLite would
    otherwise store it silently.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if not isinstance(value, datetime) or value.tzinfo is None:
            raise ValueError("expected a timezone-aware datetime")
        moment = value.astimezone(UTC)
        # SQLite stores the text of the datetime: keep it naive there and add UTC on reading.
        return moment.replace(tzinfo=None) if dialect.name == "sqlite" else moment

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        assert isinstance(value, datetime)
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


__all__ = ["EnterpriseNumberType", "NationalNumberType", "UtcDateTime"]

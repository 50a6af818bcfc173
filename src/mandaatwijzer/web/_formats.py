"""Dates as people write them, per language (Babel): "7 december 2026", "7 December 2026"."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime

#: The registry's users live in Belgium: moments are shown in its time (CET/CEST).
BRUSSELS = ZoneInfo("Europe/Brussels")
#: The CLDR locale of each page language: Belgian Dutch, and British English (day first).
LOCALES = {"nl": "nl_BE", "en": "en_GB"}


def day(value: date | datetime | None, lang: str) -> str:
    """A day in words ("7 december 2026"); "" for None."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.date()
    return format_date(value, "long", locale=LOCALES[lang])


def moment(value: datetime | None, lang: str) -> str:
    """A moment to the minute, in Belgian time ("7 december 2026 15:05")."""
    if value is None:
        return ""
    return format_datetime(value, "d MMMM y HH:mm", tzinfo=BRUSSELS, locale=LOCALES[lang])

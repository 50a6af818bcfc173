"""Dates as people write them, per language (Babel): "7 december 2026", "7 December 2026"."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from babel.dates import format_datetime

from .. import languages

#: The registry's users live in Belgium: moments are shown in its time (CET/CEST).
BRUSSELS = ZoneInfo("Europe/Brussels")
LOCALES = languages.LOCALES


def day(value: date | datetime | None, lang: str) -> str:
    """A day in words ("7 december 2026"); "" for None."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.date()
    return languages.write_day(value, lang)


def moment(value: datetime | None, lang: str) -> str:
    """A moment to the minute, in Belgian time ("7 december 2026 15:05")."""
    if value is None:
        return ""
    return format_datetime(value, "d MMMM y HH:mm", tzinfo=BRUSSELS, locale=LOCALES[lang])


def sentence(text: object) -> str:
    """A message shown on its own, as a sentence: its first letter a capital (the registry's
    sentences begin in lower case where they continue another, "… : het mandaat …")."""
    said = str(text)
    return said[:1].upper() + said[1:]


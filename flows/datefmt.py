"""Dates and times as people read them, in Italian or English (Babel's locale data)."""

from __future__ import annotations

import datetime as dt

from babel.dates import format_date

from flows.i18n import Lang

LOCALES: dict[Lang, str] = {"it": "it_IT", "en": "en_GB"}


def day_label(day: dt.date, lang: Lang) -> str:
    """Return a short day such as 'Mar 8 dic' or 'Tue 8 Dec'."""
    text = format_date(day, "EEE d MMM", locale=LOCALES[lang])
    return text[:1].upper() + text[1:]


def long_day_label(day: dt.date, lang: Lang) -> str:
    """Return a day in full, such as 'lunedì 7 dicembre' or 'Monday 7 December'."""
    return format_date(day, "EEEE d MMMM", locale=LOCALES[lang])


def range_label(first: dt.date, last: dt.date, lang: Lang) -> str:
    """Return a span of days such as '7–13 dic' or '28 Dec – 3 Jan'."""
    locale = LOCALES[lang]
    if first.month == last.month:
        return f"{first.day}–{format_date(last, 'd MMM', locale=locale)}"
    start, end = (format_date(day, "d MMM", locale=locale) for day in (first, last))
    return f"{start} – {end}"


def clock_label(moment: dt.datetime | dt.time) -> str:
    """Return the time of day as HH:MM."""
    return f"{moment.hour:02d}:{moment.minute:02d}"

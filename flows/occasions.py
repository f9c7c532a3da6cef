"""The dates that matter to a business in a window: Italy's public holidays and its trade dates."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache

import holidays

# `holidays` loads every country's module on its first use (a tenth of a second): importing
# them here does it when the coach starts, not in the middle of a card while every chat waits.
import holidays.countries
from dateutil.easter import easter

from flows.content import Content
from flows.content_plan import DateRule, Occasion
from flows.i18n import Lang

HOLIDAY_LANGUAGE: dict[Lang, str] = {"it": "it_IT", "en": "en_US"}
HOLIDAY_LEAD_DAYS = 3
"""An open business announces its holiday hours and menu a few days ahead."""


@dataclass(frozen=True)
class KeyDate:
    """A date that matters: a public holiday (named by the holidays library) or a trade date."""

    day: dt.date
    name: str
    holiday: bool
    lead_days: int
    occasion: Occasion | None = None


def public_holidays(first: dt.date, last: dt.date, lang: Lang) -> dict[dt.date, str]:
    """Return Italy's national public holidays between two days, named in `lang`."""
    named = _named_italian_holidays(first.year, last.year, lang)
    return {day: name for day, name in named if first <= day <= last}


@cache
def _named_italian_holidays(first: int, last: int, lang: Lang) -> tuple[tuple[dt.date, str], ...]:
    """Each card asks again for the same few years; the library builds them anew each time."""
    years = list(range(first, last + 1))
    calendar = holidays.country_holidays("IT", years=years, language=HOLIDAY_LANGUAGE[lang])
    return tuple(sorted(calendar.items()))


SATURDAY = 5


def occurs(rule: DateRule, year: int) -> dt.date | None:
    """Return the day a yearly rule falls on in `year` (None for 29 February in other years)."""
    if rule.easter is not None:
        base: dt.date = easter(year) + dt.timedelta(days=rule.easter)
    elif rule.weekday is not None and rule.month is not None and rule.nth is not None:
        base = _nth_weekday(year, rule.month, rule.weekday, rule.nth)
    else:
        assert rule.month is not None and rule.day is not None
        try:
            base = dt.date(year, rule.month, rule.day)
        except ValueError:
            return None
    day = base + dt.timedelta(days=rule.after)
    if rule.working_day:
        closed = _italian_holidays(year)
        while day.weekday() >= SATURDAY or day in closed:
            day += dt.timedelta(days=1)
    return day


@cache
def _italian_holidays(year: int) -> frozenset[dt.date]:
    return frozenset(holidays.country_holidays("IT", years=[year, year + 1]))


def _nth_weekday(year: int, month: int, weekday: int, nth: int) -> dt.date:
    if nth > 0:
        first = dt.date(year, month, 1)
        return first + dt.timedelta(days=(weekday - first.weekday()) % 7 + 7 * (nth - 1))
    following = dt.date(year + month // 12, month % 12 + 1, 1)
    last = following - dt.timedelta(days=1)
    return last - dt.timedelta(days=(last.weekday() - weekday) % 7)


def dates_that_matter(
    content: Content,
    trade: str,
    first: dt.date,
    last: dt.date,
    lang: Lang,
    *,
    open_on_holidays: bool,
) -> list[KeyDate]:
    """Return the trade's dates from `first` to `last`, and those just after worth preparing for."""
    longest = max([HOLIDAY_LEAD_DAYS, *(o.lead_days for o in content.occasions)])
    horizon = last + dt.timedelta(days=longest)
    found = [
        KeyDate(day, name, holiday=True, lead_days=HOLIDAY_LEAD_DAYS)
        for day, name in public_holidays(first, horizon, lang).items()
        if day <= last or open_on_holidays  # a closed business has nothing to prepare after
    ]
    for occasion in content.occasions:
        if trade not in occasion.trades:
            continue
        for year in range(first.year, horizon.year + 1):
            day = occurs(occasion.on, year)
            if day is not None and first <= day <= horizon:
                found.append(KeyDate(day, occasion.name(lang), False, occasion.lead_days, occasion))
    return sorted(
        (key for key in found if key.day <= last or key.day - dt.timedelta(key.lead_days) <= last),
        key=lambda key: (key.day, not key.holiday, key.name),
    )

"""The plan's calendar maths: the day and time of each post, around the dates that matter."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from flows.content_plan import Trade
from flows.editorial_types import PostKind
from flows.networks import NetworkPlan
from flows.occasions import KeyDate
from flows.wording import Writer

TEASER_DAYS = 3
"""A teaser goes out this many days before the date it announces."""
FRIDAY, SATURDAY = 4, 5
REVIEW_WEEKDAY = FRIDAY
"""The weekly review falls on Friday, or the nearest working day of that week."""
SAME_TIME_GAP = 30
"""Minutes between two posts that would otherwise go out at once on two networks."""


@dataclass
class Draft:
    """A post being placed: its network and slot are known, its day and text not yet."""

    network: int
    slot: int
    day: dt.date
    time: dt.time
    kind: PostKind = "regular"
    key: KeyDate | None = None


def week_drafts(
    say: Writer, networks: NetworkPlan, trade: Trade, first: dt.date, keys: list[KeyDate]
) -> list[Draft]:
    """Place a week's posts on their usual days, then move some onto the week's dates."""
    drafts: list[Draft] = []
    for index, choice in enumerate(networks.chosen):
        platform = choice.platform
        preferred = platform.post_days or trade.post_days
        taken = {d.day.weekday() for d in drafts}
        # Among the trade's best five days, those no other network uses come first, so the
        # week's work is spread out without reaching for the days its customers look least.
        best, rest = preferred[:5], preferred[5:]
        best = [d for d in best if d not in taken] + [d for d in best if d in taken]
        days = _spread(best + rest, len(choice.slots))
        times = platform.post_times or trade.post_times
        for slot, weekday in enumerate(days):
            hour, minute = times[(slot + index) % len(times)].split(":")
            day = first + dt.timedelta(days=weekday)
            at = dt.datetime.combine(day, dt.time(int(hour), int(minute)))
            while any(d.day == day and d.time == at.time() for d in drafts):
                at += dt.timedelta(minutes=SAME_TIME_GAP)  # one post at a time, one network
            drafts.append(Draft(index, slot, day, at.time()))
    last = first + dt.timedelta(days=6)
    for kind, key, day in sorted(_events(keys, trade, first, last), key=_priority):
        free = [d for d in drafts if d.kind == "regular"]
        if not free or (kind != "occasion" and len(drafts) < 2):
            continue  # a week of one post keeps a real post: no teaser or greeting alone
        on = day
        if kind != "greeting" and on.weekday() >= SATURDAY and _weekday_trade(trade):
            on -= dt.timedelta(days=on.weekday() - FRIDAY)  # its clients read on workdays
        chosen = min(free, key=lambda d: (abs((d.day - on).days), d.network, d.slot))
        chosen.day, chosen.kind, chosen.key = on, kind, key
    return drafts


def _weekday_trade(trade: Trade) -> bool:
    """Return True for a trade whose customers look least at weekends (offices, B2B)."""
    return sorted(trade.post_days[-2:]) == [SATURDAY, SATURDAY + 1]


def _events(
    keys: list[KeyDate], trade: Trade, first: dt.date, last: dt.date
) -> Iterator[tuple[PostKind, KeyDate, dt.date]]:
    """Yield the posts the week's dates ask for: on the day, a teaser, or a holiday greeting."""
    for key in keys:
        announces = key.occasion is not None or trade.open_on_holidays
        if not announces and follows_a_holiday(key, keys):
            continue  # the greeting of the day before covers both days off
        if first <= key.day <= last:
            yield ("occasion" if announces else "greeting"), key, key.day
        teaser = key.day - dt.timedelta(days=TEASER_DAYS)
        if announces and first <= teaser <= last:
            yield "teaser", key, teaser


def holiday_run(key: KeyDate, keys: list[KeyDate]) -> list[KeyDate]:
    """Return the holiday and those that follow it day after day."""
    days_off = {other.day: other for other in keys if other.holiday}
    run = [key]
    while run[-1].day + dt.timedelta(days=1) in days_off:
        run.append(days_off[run[-1].day + dt.timedelta(days=1)])
    return run


def follows_a_holiday(key: KeyDate, keys: list[KeyDate]) -> bool:
    """Return True for a holiday right after another one (Santo Stefano after Natale)."""
    day_before = key.day - dt.timedelta(days=1)
    return key.holiday and any(other.holiday and other.day == day_before for other in keys)


def _priority(event: tuple[PostKind, KeyDate, dt.date]) -> tuple[int, dt.date]:
    kind, key, day = event
    rank = {"occasion": 0, "teaser": 2, "greeting": 3}[kind]
    return rank + (1 if key.holiday and kind == "occasion" else 0), day


def _spread(preferred: list[int], count: int) -> list[int]:
    """Pick `count` weekdays, best first, kept apart when there are few; sorted."""
    gap = max(1, 7 // count - 1)
    days: list[int] = []
    for day in preferred:
        if len(days) < count and all(abs(day - other) >= gap for other in days):
            days.append(day)
    for day in preferred:
        if len(days) < count and day not in days:
            days.append(day)
    return sorted(days)


def nearest(day: dt.date, good: Callable[[dt.date], bool]) -> dt.date:
    """Return the nearest day of the same week that is `good`, the earlier one on a tie."""
    monday = day - dt.timedelta(days=day.weekday())
    week = [monday + dt.timedelta(days=d) for d in range(7)]
    candidates = [d for d in week if good(d)]
    if not candidates:
        return day
    return min(candidates, key=lambda d: (abs((d - day).days), d))


def with_offers(drafts: list[Draft], promo_percent: int) -> list[PostKind]:
    """Return each post's kind, with the offers the mix allows: at dates first, then spread."""
    quota = len(drafts) * promo_percent // 100
    kinds: list[PostKind] = [d.kind for d in drafts]
    for index, draft in enumerate(drafts):
        occasion = draft.key.occasion if draft.key else None
        if quota and draft.kind == "occasion" and occasion and occasion.promo and occasion.offer:
            kinds[index] = "offer"
            quota -= 1
    regular = [i for i, kind in enumerate(kinds) if kind == "regular"]
    for n in range(min(quota, len(regular))):
        kinds[regular[(2 * n + 1) * len(regular) // (2 * min(quota, len(regular)))]] = "offer"
    return kinds

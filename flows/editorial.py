"""The four-week editorial calendar: every post dated, on a network, in a format, with its idea."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from typing import Literal

from flows.budget import TimeBudget
from flows.clock import next_monday
from flows.conditions import holds
from flows.content import Action, Medium, PostIdea, Trade
from flows.datefmt import day_label
from flows.networks import NetworkPlan
from flows.occasions import KeyDate, dates_that_matter
from flows.wording import Writer, join_phrases

WEEKS = 4
TEASER_DAYS = 3
"""A teaser goes out this many days before the date it announces."""
REVIEW_WEEKDAY = 4
"""The weekly review falls on Friday, or the nearest working day of that week."""
REVIEW_TIME = dt.time(17, 0)
TASK_TIME = dt.time(9, 0)
TASK_MINUTES = 20
MAX_POSTS_A_WEEK = 8
"""Beyond this a small business gains little; and four weeks never repeat an idea."""

PostKind = Literal["regular", "offer", "occasion", "teaser", "greeting"]


@dataclass(frozen=True)
class PlannedPost:
    """One post of the calendar, ready to make: when, where, how, and what to say."""

    at: dt.datetime
    """Local time in Europe/Rome."""
    platform_id: str
    network: str
    format_id: str
    format: str
    medium: Medium
    minutes: int
    pillar: str
    idea: str
    caption: str
    cta: str
    kind: PostKind = "regular"
    occasion: str | None = None

    @property
    def promo(self) -> bool:
        """Return True for a promotional post."""
        return self.kind == "offer"


@dataclass(frozen=True)
class Task:
    """A to-do of the plan on a working day."""

    day: dt.date
    text: str


@dataclass(frozen=True)
class PlanWeek:
    """One week of the calendar: its posts, its tasks and its review."""

    number: int
    start: dt.date
    posts: list[PlannedPost]
    tasks: list[Task]
    review: dt.datetime

    @property
    def end(self) -> dt.date:
        """Return the week's Sunday."""
        return self.start + dt.timedelta(days=6)


@dataclass(frozen=True)
class DateToKnow:
    """A date that matters in or just after the four weeks, and what the plan does about it."""

    day: dt.date
    name: str
    holiday: bool
    note: str


@dataclass(frozen=True)
class EditorialCalendar:
    """Four weeks from the next Monday, and the dates that matter in them."""

    start: dt.date
    weeks: list[PlanWeek]
    dates: list[DateToKnow]
    holidays: frozenset[dt.date]

    @property
    def end(self) -> dt.date:
        """Return the last day of the four weeks."""
        return self.start + dt.timedelta(days=7 * WEEKS - 1)

    @property
    def posts(self) -> list[PlannedPost]:
        """Return every post, in date order."""
        return [post for week in self.weeks for post in week.posts]


@dataclass
class _Draft:
    """A post being placed: its network and slot are known, its day and text not yet."""

    network: int
    slot: int
    day: dt.date
    time: dt.time
    kind: PostKind = "regular"
    key: KeyDate | None = None


@dataclass
class _Pool:
    """Ideas not used yet in this calendar, so four weeks never repeat a text."""

    pillars: list[tuple[str, list[PostIdea]]]
    offers: list[PostIdea]
    used: set[int] = field(default_factory=set)

    def take(self, pillar: int, medium: Medium) -> tuple[str, PostIdea]:
        """Return an unused idea of this pillar that can be made this way, or the nearest one."""
        order = [pillar, *(i for i in range(len(self.pillars)) if i != pillar)]
        for wants_medium in (True, False):
            for index in order:
                name, ideas = self.pillars[index]
                for idea in ideas:
                    if id(idea) in self.used or (wants_medium and medium not in idea.media):
                        continue
                    self.used.add(id(idea))
                    return name, idea
        name, ideas = self.pillars[pillar]
        return name, ideas[0]

    def offer(self, medium: Medium) -> PostIdea | None:
        """Return an unused offer idea, preferring one that can be made this way."""
        for wants_medium in (True, False):
            for idea in self.offers:
                if id(idea) not in self.used and (not wants_medium or medium in idea.media):
                    self.used.add(id(idea))
                    return idea
        return None


def ideas_available(trade: Trade, goal_ideas: list[PostIdea], media: set[Medium]) -> int:
    """Return how many ideas of the trade and the goal can be made in these media."""
    ideas = [idea for pillar in trade.pillars for idea in pillar.posts] + goal_ideas
    return sum(1 for idea in ideas if media & set(idea.media))


def max_posts_a_week(trade: Trade, goal_ideas: list[PostIdea], media: set[Medium]) -> int:
    """Return the weekly cadence the ideas can carry for four weeks without repeating."""
    return max(1, min(MAX_POSTS_A_WEEK, ideas_available(trade, goal_ideas, media) // WEEKS))


def build_calendar(
    say: Writer,
    networks: NetworkPlan,
    budget: TimeBudget,
    *,
    today: dt.date,
    goal: str,
    promo_percent: int,
    actions: list[Action],
) -> EditorialCalendar:
    """Lay out four weeks of posts, tasks and reviews from the next Monday."""
    content = say.content
    trade_id = say.single("business_type") or next(iter(content.trades))
    trade = content.trade(trade_id)
    start = next_monday(today)
    end = start + dt.timedelta(days=7 * WEEKS - 1)
    keys = dates_that_matter(
        content, trade_id, start, end, say.lang, open_on_holidays=trade.open_on_holidays
    )
    holidays = frozenset(key.day for key in keys if key.holiday)
    closed = frozenset() if trade.open_on_holidays else holidays
    drafts = [
        draft
        for week in range(WEEKS)
        for draft in _week_drafts(say, networks, trade, start + dt.timedelta(weeks=week), keys)
    ]
    for draft in drafts:
        if draft.day in closed and draft.kind != "greeting":
            draft.day = _nearest(draft.day, lambda day: day not in closed)
    drafts.sort(key=lambda d: (d.day, d.time, d.network, d.slot))
    kinds = _with_offers(drafts, promo_percent)
    pool = _Pool(
        [(say(p.name), p.posts) for p in trade.pillars]
        + [(say(content.card.goals[goal].pillar), content.editorial.goal_ideas[goal])],
        trade.offers,
    )
    posts = [
        _post(say, networks=networks, pool=pool, draft=draft, kind=kind, goal=goal, number=number)
        for number, (draft, kind) in enumerate(zip(drafts, kinds, strict=True))
    ]
    weeks = []
    for week in range(WEEKS):
        first = start + dt.timedelta(weeks=week)
        weekdays = [first + dt.timedelta(days=d) for d in range(5)]
        working = [day for day in weekdays if day not in holidays]
        review_day = _nearest(first + dt.timedelta(days=REVIEW_WEEKDAY), set(working).__contains__)
        weeks.append(
            PlanWeek(
                number=week + 1,
                start=first,
                posts=[p for p in posts if first <= p.at.date() <= first + dt.timedelta(days=6)],
                tasks=_tasks(
                    say,
                    networks=networks,
                    actions=actions,
                    keys=keys,
                    week=week + 1,
                    working=working,
                    start=start,
                ),
                review=dt.datetime.combine(review_day, REVIEW_TIME),
            )
        )
    return EditorialCalendar(
        start=start,
        weeks=weeks,
        dates=[_date_to_know(say, key=key, posts=posts, end=end, closed=closed) for key in keys],
        holidays=holidays,
    )


def _week_drafts(
    say: Writer, networks: NetworkPlan, trade: Trade, first: dt.date, keys: list[KeyDate]
) -> list[_Draft]:
    """Place a week's posts on their usual days, then move some onto the week's dates."""
    drafts: list[_Draft] = []
    for index, choice in enumerate(networks.chosen):
        platform = choice.platform
        preferred = platform.post_days or trade.post_days
        taken = {d.day.weekday() for d in drafts}
        # Days no other network uses come first, so the week's work is spread out.
        preferred = [d for d in preferred if d not in taken] + [d for d in preferred if d in taken]
        days = _spread(preferred, len(choice.slots))
        times = platform.post_times or trade.post_times
        for slot, weekday in enumerate(days):
            hour, minute = times[(slot + index) % len(times)].split(":")
            drafts.append(
                _Draft(
                    index, slot, first + dt.timedelta(days=weekday), dt.time(int(hour), int(minute))
                )
            )
    last = first + dt.timedelta(days=6)
    for kind, key, day in sorted(_events(keys, trade, first, last), key=_priority):
        free = [d for d in drafts if d.kind == "regular"]
        if not free or (kind != "occasion" and len(drafts) < 2):
            continue  # a week of one post keeps a real post: no teaser or greeting alone
        if kind != "occasion" and len(free) == 1 and len(drafts) > 1 and not _has_regular(drafts):
            continue
        chosen = min(free, key=lambda d: (abs((d.day - day).days), d.network, d.slot))
        chosen.day, chosen.kind, chosen.key = day, kind, key
    return drafts


def _has_regular(drafts: list[_Draft]) -> bool:
    return sum(1 for d in drafts if d.kind == "regular") > 1


def _events(
    keys: list[KeyDate], trade: Trade, first: dt.date, last: dt.date
) -> Iterator[tuple[PostKind, KeyDate, dt.date]]:
    """Yield the posts the week's dates ask for: on the day, a teaser, or a holiday greeting."""
    for key in keys:
        announces = key.occasion is not None or trade.open_on_holidays
        if first <= key.day <= last:
            yield ("occasion" if announces else "greeting"), key, key.day
        teaser = key.day - dt.timedelta(days=TEASER_DAYS)
        if announces and first <= teaser <= last:
            yield "teaser", key, teaser


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


def _nearest(day: dt.date, good: Callable[[dt.date], bool]) -> dt.date:
    """Return the nearest day of the same week that is `good`, the earlier one on a tie."""
    monday = day - dt.timedelta(days=day.weekday())
    week = [monday + dt.timedelta(days=d) for d in range(7)]
    candidates = [d for d in week if good(d)]
    if not candidates:
        return day
    return min(candidates, key=lambda d: (abs((d - day).days), d))


def _with_offers(drafts: list[_Draft], promo_percent: int) -> list[PostKind]:
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


def _post(
    say: Writer,
    *,
    networks: NetworkPlan,
    pool: _Pool,
    draft: _Draft,
    kind: PostKind,
    goal: str,
    number: int,
) -> PlannedPost:
    """Word a placed post: its idea, caption and call to action, in the user's language."""
    choice = networks.chosen[draft.network]
    slot = choice.slots[draft.slot]
    plan = say.content.editorial
    extra = _fillers(say)
    ctas = plan.ctas[goal]
    cta = say(ctas[number % len(ctas)], **extra)
    key = draft.key
    base = PlannedPost(
        at=dt.datetime.combine(draft.day, draft.time),
        platform_id=choice.platform.id,
        network=choice.platform.name,
        format_id=slot.format.id,
        format=say(slot.format.label),
        medium=slot.medium,
        minutes=slot.format.minutes,
        pillar="",
        idea="",
        caption="",
        cta=cta,
        kind=kind,
        occasion=key.name if key else None,
    )
    holiday = plan.holiday
    if key is not None and key.occasion is not None:
        occasion = key.occasion
        text = {"offer": occasion.offer, "teaser": occasion.teaser}.get(kind) or occasion.idea
        caption = plan.teaser_caption if kind == "teaser" else occasion.caption
        return replace(
            base,
            pillar=key.name,
            idea=say(text, occasion=key.name, **extra),
            caption=say(caption, occasion=key.name, **extra),
        )
    if key is not None:
        idea, caption = {
            "greeting": (holiday.greeting, holiday.greeting_caption),
            "teaser": (holiday.open_teaser, plan.teaser_caption),
        }.get(kind, (holiday.open_idea, holiday.open_caption))
        return replace(
            base,
            pillar=key.name,
            idea=say(idea, holiday=key.name, occasion=key.name, **extra),
            caption=say(caption, holiday=key.name, occasion=key.name, **extra),
        )
    if kind == "offer":
        offer = pool.offer(slot.medium)
        if offer is not None:
            return replace(
                base,
                pillar=say.plan_phrase("offer_pillar"),
                idea=say(offer.idea, **extra),
                caption=say(offer.caption, **extra),
            )
        base = replace(base, kind="regular")
    pillar, chosen = pool.take(number % len(pool.pillars), slot.medium)
    return replace(
        base, pillar=pillar, idea=say(chosen.idea, **extra), caption=say(chosen.caption, **extra)
    )


def _fillers(say: Writer) -> dict[str, object]:
    """Stand-ins for answers a template names but the user skipped."""
    if say.answers.get("offer"):
        return {}
    return {"offer": say.plan_phrase("offer_fallback")}


def _tasks(
    say: Writer,
    *,
    networks: NetworkPlan,
    actions: list[Action],
    keys: list[KeyDate],
    week: int,
    working: list[dt.date],
    start: dt.date,
) -> list[Task]:
    """List the week's to-dos: the card's actions, getting ready for dates, holiday hours."""
    if not working:
        return []
    first_day = working[0]
    platforms = join_phrases((c.platform.name for c in networks.chosen), say.lang)
    tasks = [
        Task(first_day, say(action.text, platforms=platforms, posts=networks.posts_per_week))
        for action in actions
        if action.week == week and holds(action.when, say.answers)
    ]
    monday = working[0] - dt.timedelta(days=working[0].weekday())
    sunday = monday + dt.timedelta(days=6)
    for key in keys:
        if key.holiday and key.occasion is None and monday <= key.day <= sunday:
            tasks.append(
                Task(
                    _nearest(key.day - dt.timedelta(days=TEASER_DAYS), lambda d: d in working)
                    if key.day - dt.timedelta(days=TEASER_DAYS) >= monday
                    else first_day,
                    say.plan_phrase(
                        "task_holiday_hours", holiday=key.name, day=day_label(key.day, say.lang)
                    ),
                )
            )
        if key.occasion is None:
            continue
        ready = max(key.day - dt.timedelta(days=key.lead_days), start)
        if monday <= ready <= sunday and ready <= key.day:
            idea = say(key.occasion.teaser, occasion=key.name, **_fillers(say))
            tasks.append(
                Task(
                    _nearest(ready, lambda d: d in working),
                    say.plan_phrase(
                        "task_get_ready",
                        occasion=key.name,
                        day=day_label(key.day, say.lang),
                        idea=idea[:1].lower() + idea[1:],
                    ),
                )
            )
    return sorted(tasks, key=lambda task: task.day)


def _date_to_know(
    say: Writer,
    *,
    key: KeyDate,
    posts: list[PlannedPost],
    end: dt.date,
    closed: frozenset[dt.date],
) -> DateToKnow:
    """Say what the plan does about a date: a post, a teaser, a greeting, or getting ready."""
    mine = [p for p in posts if p.occasion == key.name and p.kind != "regular"]
    on_day = [p for p in mine if p.at.date() == key.day]
    teasers = [p for p in mine if p.kind == "teaser"]
    parts = []
    if on_day:
        parts.append(
            say.plan_phrase("date_greeting" if on_day[0].kind == "greeting" else "date_post")
        )
    for teaser in teasers:
        parts.append(say.plan_phrase("date_teaser", day=day_label(teaser.at.date(), say.lang)))
    if key.day > end:
        parts.append(say.plan_phrase("date_after"))
    elif key.day in closed and not on_day:
        parts.append(say.plan_phrase("date_closed"))
    elif not parts:
        parts.append(say.plan_phrase("date_listed"))
    return DateToKnow(key.day, key.name, key.holiday, "; ".join(parts))

"""The four-week editorial calendar: every post dated, on a network, in a format, with its idea."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from typing import Literal, get_args

from flows.clock import next_monday
from flows.conditions import holds
from flows.content import Action, Medium, PostIdea, Trade
from flows.datefmt import day_label, range_label
from flows.networks import NetworkPlan
from flows.occasions import KeyDate, dates_that_matter
from flows.wording import Writer, join_phrases

WEEKS = 4
TEASER_DAYS = 3
"""A teaser goes out this many days before the date it announces."""
FRIDAY, SATURDAY = 4, 5
REVIEW_WEEKDAY = FRIDAY
"""The weekly review falls on Friday, or the nearest working day of that week."""
REVIEW_TIME = dt.time(17, 0)
TASK_TIME = dt.time(8, 0)
"""To-dos are dated at the start of the working day, before that day's posts."""
TASK_MINUTES = 20
SAME_TIME_GAP = 30
"""Minutes between two posts that would otherwise go out at once on two networks."""
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
    idea_media: tuple[Medium, ...] = get_args(Medium)
    """How the idea can be made; a date's post works whichever way the format is."""

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
    """The calendar's ideas, each given to one post only, so four weeks never repeat a text."""

    pillars: list[tuple[str, list[PostIdea]]]
    offers: list[PostIdea]
    """Offers not used yet."""

    def match(self, requests: list[tuple[int, Medium]]) -> list[tuple[str, PostIdea]]:
        """Give each (pillar, medium) request an idea of its own that can be made that way.

        A maximum bipartite matching (augmenting paths): a greedy pick could hand the last
        text idea to a photo post and leave a text post with none. The request's own pillar,
        then ideas made only that way, are tried first.
        """
        ideas = [(index, idea) for index, (_, pool) in enumerate(self.pillars) for idea in pool]
        owner: dict[int, int] = {}

        def choices(request: int) -> list[int]:
            pillar, medium = requests[request]
            fits = [k for k, (_, idea) in enumerate(ideas) if medium in idea.media]
            return sorted(fits, key=lambda k: (ideas[k][0] != pillar, len(ideas[k][1].media)))

        def augment(request: int, seen: set[int]) -> bool:
            for k in choices(request):
                if k not in seen:
                    seen.add(k)
                    if k not in owner or augment(owner[k], seen):
                        owner[k] = request
                        return True
            return False

        for request in range(len(requests)):
            augment(request, set())
        given = {request: k for k, request in owner.items()}
        spare = [k for k in range(len(ideas)) if k not in owner]
        chosen = []
        for request in range(len(requests)):
            k = given[request] if request in given else spare.pop(0)
            index, idea = ideas[k]
            chosen.append((self.pillars[index][0], idea))
        return chosen

    def offer(self, medium: Medium) -> PostIdea | None:
        """Return an unused offer idea that can be made this way, if any is left."""
        for idea in self.offers:
            if medium in idea.media:
                self.offers.remove(idea)
                return idea
        return None


def idea_media(trade: Trade, goal_ideas: list[PostIdea]) -> list[frozenset[Medium]]:
    """Return how each of the trade's and the goal's ideas can be made."""
    ideas = [idea for pillar in trade.pillars for idea in pillar.posts] + goal_ideas
    return [frozenset(idea.media) for idea in ideas]


def max_posts_a_week(trade: Trade, goal_ideas: list[PostIdea]) -> int:
    """Return the weekly cadence all the ideas can carry for four weeks without a repeat."""
    ideas = sum(len(pillar.posts) for pillar in trade.pillars) + len(goal_ideas)
    return max(1, min(MAX_POSTS_A_WEEK, ideas // WEEKS))


def build_calendar(
    say: Writer,
    networks: NetworkPlan,
    *,
    today: dt.date,
    goal: str,
    promo_percent: int,
    actions: list[Action],
    trade_actions: list[Action],
    trade: Trade,
    goal_ideas: list[PostIdea],
) -> EditorialCalendar:
    """Lay out four weeks of posts, tasks and reviews from the next Monday."""
    content = say.content
    trade_id = content.trade_id(say.single("business_type"))
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
        + [(say(content.card.goals[goal].pillar), goal_ideas)],
        list(trade.offers),
    )
    media = [networks.chosen[d.network].slots[d.slot].medium for d in drafts]
    offers: dict[int, PostIdea] = {}
    for number, kind in enumerate(kinds):
        if kind != "offer" or drafts[number].key is not None:
            continue  # a date's offer has its own words
        offer = pool.offer(media[number])
        if offer is not None:
            offers[number] = offer
        else:
            kinds[number] = "regular"  # no offer made this way is left: a useful post instead
    regular = [number for number, kind in enumerate(kinds) if kind == "regular"]
    matched = pool.match([(number % len(pool.pillars), media[number]) for number in regular])
    ideas = dict(zip(regular, matched, strict=True))
    posts = [
        _post(
            say,
            networks=networks,
            draft=draft,
            kind=kinds[number],
            goal=goal,
            number=number,
            premises=trade.premises,
            idea=ideas.get(number),
            offer=offers.get(number),
        )
        for number, draft in enumerate(drafts)
    ]
    days = [start + dt.timedelta(days=d) for d in range(7 * WEEKS)]
    working = [day for day in days if day.weekday() < 5 and day not in holidays]
    tasks = _tasks(
        say,
        networks=networks,
        actions=actions,
        trade_actions=trade_actions,
        keys=keys,
        working=working,
        trade=trade,
    )
    weeks = []
    for week in range(WEEKS):
        first = start + dt.timedelta(weeks=week)
        last = first + dt.timedelta(days=6)
        workdays = {day for day in working if first <= day <= last}
        review_day = _nearest(first + dt.timedelta(days=REVIEW_WEEKDAY), workdays.__contains__)
        weeks.append(
            PlanWeek(
                number=week + 1,
                start=first,
                posts=[p for p in posts if first <= p.at.date() <= last],
                tasks=[task for task in tasks if first <= task.day <= last],
                review=dt.datetime.combine(review_day, REVIEW_TIME),
            )
        )
    return EditorialCalendar(
        start=start,
        weeks=weeks,
        dates=[
            _date_to_know(
                say, key=key, posts=posts, end=end, closed=closed, premises=trade.premises
            )
            for key in keys
        ],
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
            drafts.append(_Draft(index, slot, day, at.time()))
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
        if not announces and _follows_a_holiday(key, keys):
            continue  # the greeting of the day before covers both days off
        if first <= key.day <= last:
            yield ("occasion" if announces else "greeting"), key, key.day
        teaser = key.day - dt.timedelta(days=TEASER_DAYS)
        if announces and first <= teaser <= last:
            yield "teaser", key, teaser


def _holiday_run(key: KeyDate, keys: list[KeyDate]) -> list[KeyDate]:
    """Return the holiday and those that follow it day after day."""
    days_off = {other.day: other for other in keys if other.holiday}
    run = [key]
    while run[-1].day + dt.timedelta(days=1) in days_off:
        run.append(days_off[run[-1].day + dt.timedelta(days=1)])
    return run


def _follows_a_holiday(key: KeyDate, keys: list[KeyDate]) -> bool:
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
    draft: _Draft,
    kind: PostKind,
    goal: str,
    number: int,
    premises: bool,
    idea: tuple[str, PostIdea] | None,
    offer: PostIdea | None,
) -> PlannedPost:
    """Word a placed post: its idea, caption and call to action, in the user's language."""
    choice = networks.chosen[draft.network]
    slot = choice.slots[draft.slot]
    plan = say.content.editorial
    extra = stand_ins(say)
    ctas = plan.ctas[goal]
    # A day off is no day to ask for a booking.
    cta = say(
        plan.holiday.greeting_cta if kind == "greeting" else ctas[number % len(ctas)], **extra
    )
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
        greeting = holiday.greeting if premises else holiday.greeting_online
        text, caption = {
            "greeting": (greeting, holiday.greeting_caption),
            "teaser": (holiday.open_teaser, plan.teaser_caption),
        }.get(kind, (holiday.open_idea, holiday.open_caption))
        return replace(
            base,
            pillar=key.name,
            idea=say(text, holiday=key.name, occasion=key.name, **extra),
            caption=say(caption, holiday=key.name, occasion=key.name, **extra),
        )
    if offer is not None:
        return replace(
            base,
            pillar=say.plan_phrase("offer_pillar"),
            idea=say(offer.idea, **extra),
            caption=say(offer.caption, **extra),
            idea_media=tuple(offer.media),
        )
    assert idea is not None, "every regular post was matched to an idea"
    pillar, chosen = idea
    return replace(
        base,
        pillar=pillar,
        idea=say(chosen.idea, **extra),
        caption=say(chosen.caption, **extra),
        idea_media=tuple(chosen.media),
    )


def stand_ins(say: Writer) -> dict[str, object]:
    """Return words for answers a template names but the user skipped."""
    words: dict[str, object] = {}
    if not say.answers.get("offer"):
        words["offer"] = say.plan_phrase("offer_fallback")
    if not say.answers.get("hours"):
        words["hours"] = say.plan_phrase("hours_assumed")
    return words


ACTIONS_A_WEEK = 4
"""To-dos a week beyond the posts: more and the plan stops being one a person follows."""


def _applies(action: Action, say: Writer, kept: set[str]) -> bool:
    return holds(action.when, say.answers) and (action.network is None or action.network in kept)


def _tasks(
    say: Writer,
    *,
    networks: NetworkPlan,
    actions: list[Action],
    trade_actions: list[Action],
    keys: list[KeyDate],
    working: list[dt.date],
    trade: Trade,
) -> list[Task]:
    """List the to-dos: each week's actions, getting ready for dates, holiday hours."""
    if not working:
        return []
    extra = stand_ins(say)
    goal = say.single("goal") or next(iter(say.content.card.goals))
    measure = say(say.content.card.goals[goal].measure)
    platforms = join_phrases((c.platform.name for c in networks.chosen), say.lang)
    posts = networks.posts_per_week
    key = "week_posts_one" if posts == 1 else "week_posts_many"
    if say.lang == "it" and posts in (8, 11):  # "gli otto", "gli undici"
        key = "week_posts_vowel"
    week_posts = say.plan_phrase(key, posts=posts)
    tasks = []
    start = working[0] - dt.timedelta(days=working[0].weekday())
    kept = {choice.platform.id for choice in networks.chosen}
    waiting: list[Action] = []
    for week in range(1, WEEKS + 1):
        monday = start + dt.timedelta(weeks=week - 1)
        days = [d for d in working if monday <= d < monday + dt.timedelta(days=7)]
        core, trades = (
            [a for a in listed if a.week == week and _applies(a, say, kept)]
            for listed in (actions, trade_actions)
        )
        # A week holds a few to-dos, one a working day: what the rest depends on comes first
        # (the trade's before the plan's: a code of conduct is read before any post), then the
        # plan's own, the trade's left from last week and this week's; the rest waits.
        firsts = [a for a in trades + core + waiting if a.first]
        queue = firsts + [a for a in core + waiting + trades if not a.first]
        fits = min(ACTIONS_A_WEEK, len(days))
        now, waiting = queue[:fits], queue[fits:]
        for day, action in zip(days, now, strict=False):
            text = say(
                action.text,
                platforms=platforms,
                posts=posts,
                week_posts=week_posts,
                measure=measure,
                **extra,
            )
            tasks.append(Task(day, text))
    for date in keys:
        if date.holiday and not _follows_a_holiday(date, keys):
            days_off = _holiday_run(date, keys)
            last = days_off[-1].day
            when = day_label(date.day, say.lang) if last == date.day else None
            phrase = "task_holiday_hours" if trade.premises else "task_holiday_shipping"
            text = say.plan_phrase(
                phrase,
                holiday=join_phrases((k.name for k in days_off), say.lang),
                day=when or range_label(date.day, last, say.lang),
            )
            _add_before(tasks, working, date.day - dt.timedelta(days=TEASER_DAYS), date.day, text)
        if date.occasion is not None:
            idea = say(date.occasion.teaser, occasion=date.name, **extra)
            text = say.plan_phrase(
                "task_get_ready",
                occasion=date.name,
                day=day_label(date.day, say.lang),
                idea=idea[:1].lower() + idea[1:],
            )
            _add_before(
                tasks, working, date.day - dt.timedelta(days=date.lead_days), date.day, text
            )
    return sorted(tasks, key=lambda task: task.day)


def _add_before(
    tasks: list[Task], working: list[dt.date], wanted: dt.date, deadline: dt.date, text: str
) -> None:
    """Add a task on the last working day up to `wanted`, or the first one before `deadline`."""
    before = [day for day in working if day <= wanted]
    day = before[-1] if before else next((d for d in working if d < deadline), None)
    if day is not None:
        tasks.append(Task(day, text))


def _date_to_know(
    say: Writer,
    *,
    key: KeyDate,
    posts: list[PlannedPost],
    end: dt.date,
    closed: frozenset[dt.date],
    premises: bool,
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
    for moved in (p for p in mine if p.kind != "teaser" and p not in on_day):
        parts.append(say.plan_phrase("date_post_on", day=day_label(moved.at.date(), say.lang)))
    for teaser in teasers:
        parts.append(say.plan_phrase("date_teaser", day=day_label(teaser.at.date(), say.lang)))
    if key.day > end:
        parts.append(say.plan_phrase("date_after"))
    elif key.day in closed and not on_day:
        parts.append(say.plan_phrase("date_closed" if premises else "date_closed_online"))
    elif not parts:
        parts.append(say.plan_phrase("date_listed"))
    return DateToKnow(key.day, key.name, key.holiday, "; ".join(parts))

"""The four-week editorial calendar: every post dated, on a network, in a format, with its idea.

`build_calendar` puts the parts together: the days (`flows.editorial_dates`), the ideas
(`flows.editorial_ideas`), the words (`flows.editorial_words`) and the to-dos
(`flows.editorial_tasks`). The plan's data (`flows.editorial_types`) is re-exported here.
"""

from __future__ import annotations

import datetime as dt

from flows.clock import next_monday
from flows.content_plan import Action, PostIdea, Trade
from flows.editorial_dates import REVIEW_WEEKDAY, nearest, week_drafts, with_offers
from flows.editorial_ideas import MAX_POSTS_A_WEEK, IdeaPool, idea_media, max_posts_a_week
from flows.editorial_tasks import plan_tasks
from flows.editorial_types import (
    REVIEW_TIME,
    TASK_MINUTES,
    TASK_TIME,
    WEEKS,
    DateToKnow,
    EditorialCalendar,
    PlannedPost,
    PlanWeek,
    PostKind,
    Task,
)
from flows.editorial_words import date_to_know, stand_ins, word_post
from flows.networks import NetworkPlan
from flows.occasions import dates_that_matter
from flows.wording import Writer

__all__ = [
    "MAX_POSTS_A_WEEK",
    "TASK_MINUTES",
    "TASK_TIME",
    "WEEKS",
    "DateToKnow",
    "EditorialCalendar",
    "PlanWeek",
    "PlannedPost",
    "PostKind",
    "Task",
    "build_calendar",
    "idea_media",
    "max_posts_a_week",
    "stand_ins",
]


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
        for draft in week_drafts(say, networks, trade, start + dt.timedelta(weeks=week), keys)
    ]
    for draft in drafts:
        if draft.day in closed and draft.kind != "greeting":
            draft.day = nearest(draft.day, lambda day: day not in closed)
    drafts.sort(key=lambda d: (d.day, d.time, d.network, d.slot))
    kinds = with_offers(drafts, promo_percent)
    pool = IdeaPool(
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
        word_post(
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
    tasks = plan_tasks(
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
        review_day = nearest(first + dt.timedelta(days=REVIEW_WEEKDAY), workdays.__contains__)
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
            date_to_know(say, key=key, posts=posts, end=end, closed=closed, premises=trade.premises)
            for key in keys
        ],
    )

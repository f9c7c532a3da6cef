"""The strategy card as data, built only from the user's answers and the content."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from babel.numbers import format_decimal

from flows.budget import TimeBudget, time_budget
from flows.clock import rome_today
from flows.conditions import Answers, holds
from flows.content import Content, Mistake
from flows.content_plan import Fact, Platform
from flows.editorial import (
    MAX_POSTS_A_WEEK,
    DateToKnow,
    EditorialCalendar,
    build_calendar,
    idea_media,
    max_posts_a_week,
    stand_ins,
)
from flows.i18n import Lang, Text
from flows.networks import NetworkChoice, NetworkPlan, picked, plan_networks, preferred
from flows.playbooks import Advice, advice_for, contradictions, goal_ideas_for, planned_answers
from flows.requirements import CALENDAR_LABELS
from flows.wording import Writer, join_phrases, option_phrase, quoted

SPARE_FROM = 0.7
"""When the posts use less of the week than this, the card says where the rest should go."""
DEFAULT_HOURS = 2.0
"""Hours a week assumed when the question was skipped: a cautious small-business figure."""
FACT_YEARS = 3
"""A figure older than this many years is not shown: platforms change too fast."""
EURO_STEPS = ((50, 5), (300, 10), (1000, 50), (float("inf"), 100))
"""(below this amount, round to this step): no false precision in a budget."""


@dataclass(frozen=True)
class PlatformPlan:
    """One network in the plan: its role, why it was chosen, what to post and how often."""

    platform_id: str
    name: str
    tier: str
    role: str
    tone: str
    fact: str | None
    """One recent figure, with its source, that supports the choice."""
    reasons: list[str]
    formats: list[str]
    cadence: str
    posts_per_week: int


@dataclass(frozen=True)
class Kpi:
    """An indicator to watch, and how to read it."""

    name: str
    how: str


@dataclass(frozen=True)
class MistakeFix:
    """A mistake found in the answers, and what to do instead."""

    number: int
    title: str
    fix: str


@dataclass(frozen=True)
class StrategyCard:
    """Everything the card shows, already worded in the user's language."""

    lang: Lang
    titles: dict[str, str]
    snapshot: str
    objective: str
    target: str
    platforms: list[PlatformPlan]
    advice: list[str]
    """Tips for this kind of business, from the playbooks that fit it."""
    later: list[str]
    """Networks the customers use that the plan leaves for later, each with its reason."""
    starter: str | None
    pillars: list[str]
    mix: str
    cadence_total: str
    replies: str
    budget: list[str]
    kpis: list[Kpi]
    review: str
    mistakes: list[MistakeFix]
    no_mistakes: str
    assumptions: list[str]
    """Skipped answers and contradictions, and what the card assumed instead."""
    calendar: EditorialCalendar
    calendar_name: str
    review_task: str
    holiday_mark: str
    calendar_labels: dict[str, str]
    """Labels of the calendar file, with their own {placeholders} left to fill."""
    time: TimeBudget
    promo_percent: int
    made_on: dt.date
    """The day the card was built for: building it again for this day gives the same card."""

    @property
    def posts_per_week(self) -> int:
        """Return the weekly cadence the card states."""
        return sum(plan.posts_per_week for plan in self.platforms)

    def date_name(self, date: DateToKnow) -> str:
        """Return a date's name, marked when it is a public holiday."""
        return f"{date.name} ({self.holiday_mark})" if date.holiday else date.name


def build_card(
    content: Content, answers: Answers, lang: Lang, today: dt.date | None = None
) -> StrategyCard:
    """Build the card for these (applicable) answers, with a calendar from the next Monday."""
    today = today or rome_today()
    say = Writer(content, planned_answers(content, answers), lang)
    card = content.card
    goal = say.single("goal") or next(iter(card.goals))
    hours = say.number("hours", DEFAULT_HOURS)
    budget = time_budget(hours)
    advice = advice_for(content, say.answers)
    trade = advice.trade
    goal_ideas = goal_ideas_for(content, goal, advice.trade_id)
    networks = plan_networks(
        content,
        say.answers,
        budget,
        ideas=idea_media(trade, goal_ideas),
        max_posts=min(max_posts_a_week(trade, goal_ideas), _stage_posts(say)),
    )
    mix = card.mix["launch" if goal == "launch" else "default"]
    calendar = build_calendar(
        say,
        networks,
        today=today,
        goal=goal,
        promo_percent=mix.promo,
        actions=card.actions,
        trade_actions=advice.actions,
        trade=trade,
        goal_ideas=goal_ideas,
    )
    posts = calendar.posts
    kept = {choice.platform.id for choice in networks.chosen}
    platforms = join_phrases((choice.platform.name for choice in networks.chosen), lang)
    offers = sum(1 for post in posts if post.promo)
    used = networks.posting_minutes + budget.reply_minutes + budget.review_minutes
    spare = used < budget.minutes * SPARE_FROM
    routine = content.editorial.reply_routines[budget.reply_checks]
    reply_routine = say(routine, minutes=budget.minutes_per_check, total=budget.reply_minutes)
    return StrategyCard(
        lang=lang,
        titles={key: text(lang) for key, text in card.titles.items()},
        snapshot=say.phrase("snapshot"),
        objective=say(
            card.goals[goal].objective_under_way
            if holds(card.under_way, say.answers)
            else card.goals[goal].objective
        ),
        target=say.phrase("target_local" if goal == "store" else "target"),
        platforms=[
            _platform_plan(say, choice, networks, advice, spare=spare, today=today)
            for choice in networks.chosen
        ],
        advice=[say(tip, platforms=platforms) for tip in advice.tips(kept)],
        later=[_later(say, left.platform, left.reason) for left in networks.left_out],
        starter=_starter_note(say, networks),
        pillars=_once([say(p.name) for p in trade.pillars] + [say(card.goals[goal].pillar)]),
        mix=" ".join(
            [
                say(mix.note, useful=mix.useful, promo=mix.promo),
                say.phrase("mix_count", offers=offers, posts=len(posts)),
            ]
        ),
        cadence_total=" ".join(
            [
                say.phrase(
                    "cadence_total",
                    total=networks.posts_per_week,
                    post_minutes=networks.posting_minutes,
                    reply_minutes=budget.reply_minutes,
                    review_minutes=budget.review_minutes,
                    used=used,
                    budget=budget.minutes,
                    **stand_ins(say),
                ),
                *([say.phrase("cadence_spare", spare=budget.minutes - used)] if spare else []),
            ]
        ),
        replies=say(card.replies[say.single("manager") or "nobody"], reply_routine=reply_routine),
        budget=_budget_lines(say) + [say(tip, platforms=platforms) for tip in advice.budget(kept)],
        kpis=[
            Kpi(say(card.kpis[k].name), say(card.kpis[k].how))
            for k in advice.kpis(card.goals[goal].kpis)
        ],
        review=say.phrase("review"),
        mistakes=[
            MistakeFix(mistake.number, say(mistake.title), say(card_advice(mistake, say.answers)))
            for mistake in sorted(content.mistakes, key=lambda m: m.number)
            if holds(mistake.when, say.answers)
        ],
        no_mistakes=say.phrase("mistakes_none"),
        assumptions=[
            *([skipped] if (skipped := _skipped_note(say, answers)) else []),
            *(say(c.note) for c in contradictions(content, answers)),
        ],
        calendar=calendar,
        calendar_name=say.phrase("calendar_name"),
        review_task=say.phrase("calendar_review"),
        holiday_mark=say.plan_phrase("holiday_mark"),
        calendar_labels={key: card.phrases[key](lang) for key in CALENDAR_LABELS},
        time=budget,
        promo_percent=mix.promo,
        made_on=today,
    )


def _platform_plan(
    say: Writer,
    choice: NetworkChoice,
    networks: NetworkPlan,
    advice: Advice,
    *,
    spare: bool,
    today: dt.date,
) -> PlatformPlan:
    platform = choice.platform
    labels = list(dict.fromkeys(say(slot.format.label) for slot in choice.slots))
    fact = recent_fact(platform, today)
    return PlatformPlan(
        platform_id=platform.id,
        name=platform.name,
        tier=say.phrase("primary" if choice.primary else "secondary"),
        role=say(advice.role(platform.id)),
        tone=say.phrase("tone", tone=say(platform.tone)),
        fact=(
            say.phrase("fact", fact=say(fact.text).rstrip("."), source=fact.source)
            if fact
            else None
        ),
        reasons=_reasons(say, platform, networks),
        formats=labels,
        cadence=_cadence(say, platform, len(choice.slots), spare=spare),
        posts_per_week=len(choice.slots),
    )


def recent_fact(platform: Platform, today: dt.date) -> Fact | None:
    """Return the network's first figure published in the last few years, if it has one."""
    return next((f for f in platform.facts if f.year >= today.year - FACT_YEARS), None)


def _once(names: list[str]) -> list[str]:
    """Drop a pillar that repeats an earlier one, whatever its capitals."""
    seen: dict[str, str] = {}
    for name in names:
        seen.setdefault(name.casefold(), name)
    return list(seen.values())


def card_advice(mistake: Mistake, answers: Answers) -> Text:
    """Return the card's advice: the first holding variant's (card fix, else fix), else the own."""
    for variant in mistake.variants:
        text = variant.card_fix or variant.fix
        if text is not None and holds(variant.when, answers):
            return text
    return mistake.card_fix or mistake.fix


def _later(say: Writer, platform: Platform, reason: str) -> str:
    if reason in ("time", "focus"):
        return say.plan_phrase(f"left_out_{reason}", network=platform.name)
    content = say.content
    options = {o.id: o for o in content.question("content_types").options}
    needs = list(dict.fromkeys(need for fmt in platform.formats for need in fmt.needs))
    names = join_phrases((option_phrase(options[n], say.lang) for n in needs), say.lang, "or")
    return say.plan_phrase("left_out_content", network=platform.name, needs=names)


def _starter_note(say: Writer, networks: NetworkPlan) -> str | None:
    if not networks.starter:
        return None
    first = networks.chosen[0]
    return say.plan_phrase(
        "starter", format=say(first.slots[0].format.label).lower(), network=first.platform.name
    )


def _reasons(say: Writer, platform: Platform, networks: NetworkPlan) -> list[str]:
    content, answers = say.content, say.answers
    used = picked(content, answers, "networks")
    keys = []
    if platform.id == preferred(content, answers):
        keys.append("reason_preferred")
    elif platform.id in used:
        keys.append("reason_used")
    elif not used:
        keys.append("reason_suggested")
    if say.single("goal") in platform.best_goals:
        keys.append("reason_goal")
    if say.single("audience") in platform.audiences:
        keys.append("reason_audience")
    if say.single("business_type") in platform.business_types:
        keys.append("reason_business")
    if not networks.starter:
        keys.append("reason_content")
    return [say.phrase(key) for key in keys[:3]]


def _cadence(say: Writer, platform: Platform, posts: int, *, spare: bool) -> str:
    limits = {
        key: format_decimal(value, locale=say.lang)
        for key, value in (("min", platform.cadence.min), ("max", platform.cadence.max))
    }
    # With time to spare, the advice is better posts, not more of them.
    below = posts < platform.cadence.min and not spare
    key = "cadence_below" if below else "cadence_range"
    return say.phrase(key, posts=posts, **limits)


def _budget_lines(say: Writer) -> list[str]:
    if say.answers.get("budget") is None:
        return [say.phrase("budget_unknown")]
    monthly = say.number("budget", 0)
    if monthly <= 0:
        return [say.phrase("budget_zero", **stand_ins(say))]
    split = say.content.card.splits[say.single("manager") or "nobody"]
    people = say(split.people_label) if split.people_label else say.phrase("budget_people")
    shares = (
        (people, split.people),
        (say.phrase("budget_content"), split.content),
        (say.phrase("budget_promotion"), split.promotion),
    )
    return [
        say.phrase(
            "budget_line",
            share=share,
            euros=format_decimal(round_euros(monthly * percent / 100), locale=say.lang),
        )
        for share, percent in shares
        if percent
    ]


def round_euros(amount: float) -> int:
    """Round a sum the way a person says it: 16 -> 15, 125 -> 130, 1,060 -> 1,100."""
    step = next(step for limit, step in EURO_STEPS if amount < limit)
    return max(step, int(amount / step + 0.5) * step)  # halves up, as people round money


def _stage_posts(say: Writer) -> int:
    """Return the weekly posts a business can start with; the most of them when unknown."""
    caps = say.content.card.stage_posts
    stage = say.single("stage")
    if stage is None:
        return max(caps.values(), default=MAX_POSTS_A_WEEK)
    return caps.get(stage, MAX_POSTS_A_WEEK)


def _skipped_note(say: Writer, answers: Answers) -> str | None:
    skipped = [q for q in say.content.questions if q.id in answers and answers[q.id] is None]
    if not skipped:
        return None
    names = join_phrases((quoted(q.prompt(say.lang), say.lang) for q in skipped), say.lang)
    return say.phrase("skipped", questions=names)

"""The strategy card as data, built only from the user's answers and the content."""

from __future__ import annotations

from dataclasses import dataclass

from flows.conditions import Answers, chosen, holds
from flows.content import Content, Platform
from flows.i18n import Lang, Text
from flows.wording import fill, join_phrases

DEFAULT_HOURS = 2.0
"""Hours a week assumed when the question was skipped: a cautious small-business figure."""
REPLY_SHARE = 0.2
"""Part of the weekly hours kept for replying to comments and messages."""
TWO_NETWORKS_FROM_HOURS = 3.0
SECONDARY_FROM_HOURS = 8.0
MIN_FIT_FOR_ANOTHER_NETWORK = 4
"""A second or third network must earn its place: customers there, or two signs of fit."""
EVERY_OTHER_WEEK_BELOW = 0.75
"""Fewer posts a week than this read as one post every two weeks."""


@dataclass(frozen=True)
class PlatformPlan:
    """One network in the plan: its role, why it was chosen, what to post and how often."""

    platform_id: str
    name: str
    tier: str
    role: str
    reasons: list[str]
    formats: list[str]
    cadence: str
    posts_per_week: float


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
class Step:
    """An action for one of the next four weeks."""

    week: int
    text: str


@dataclass(frozen=True)
class CalendarTexts:
    """Words for the calendar of the next four weeks, already in the user's language."""

    name: str
    review: str
    todo: str
    formats: dict[str, str]
    """A line naming the formats to use, by platform id."""
    tips: dict[int, str]
    """A line with the week's actions, by week number."""


@dataclass(frozen=True)
class StrategyCard:
    """Everything the card shows, already worded in the user's language."""

    lang: Lang
    titles: dict[str, str]
    snapshot: str
    objective: str
    target: str
    platforms: list[PlatformPlan]
    pillars: list[str]
    mix: str
    cadence_total: str
    replies: str
    budget: list[str]
    kpis: list[Kpi]
    review: str
    mistakes: list[MistakeFix]
    no_mistakes: str
    next_30_days: list[Step]
    skipped: str | None
    calendar: CalendarTexts


@dataclass(frozen=True)
class _Writer:
    """Words texts for one user: their language, their answers."""

    content: Content
    answers: Answers
    lang: Lang

    def __call__(self, text: Text, **extra: object) -> str:
        return fill(text(self.lang), self.content, self.answers, self.lang, **extra)

    def phrase(self, key: str, **extra: object) -> str:
        return self(self.content.card.phrases[key], **extra)

    def single(self, question_id: str) -> str | None:
        value = self.answers.get(question_id)
        return value if isinstance(value, str) else None

    def picked(self, question_id: str) -> set[str]:
        exclusive = {o.id for o in self.content.question(question_id).options if o.exclusive}
        return set(chosen(self.answers.get(question_id))) - exclusive

    def number(self, question_id: str, default: float) -> float:
        picked = self.single(question_id)
        for option in self.content.question(question_id).options:
            if option.id == picked and option.value is not None:
                return option.value
        return default


def build_card(content: Content, answers: Answers, lang: Lang) -> StrategyCard:
    """Build the card for these (applicable) answers."""
    say = _Writer(content, answers, lang)
    card = content.card
    goal = say.single("goal") or next(iter(card.goals))
    hours = say.number("hours", DEFAULT_HOURS)
    plans = _platform_plans(say, hours)
    networks = join_phrases((plan.name for plan in plans), lang)
    mix = card.mix["launch" if goal == "launch" else "default"]
    total_posts = sum(plan.posts_per_week for plan in plans)
    steps = [
        Step(action.week, say(action.text, platforms=networks))
        for action in sorted(card.actions, key=lambda a: a.week)
        if holds(action.when, answers)
    ]
    return StrategyCard(
        lang=lang,
        titles={key: text(lang) for key, text in card.titles.items()},
        snapshot=say.phrase("snapshot"),
        objective=say(card.goals[goal].objective),
        target=say.phrase("target_local" if goal == "store" else "target"),
        platforms=plans,
        pillars=[*(say(p) for p in _business_pillars(say)), say(card.goals[goal].pillar)],
        mix=say(mix.note, useful=mix.useful, promo=mix.promo),
        cadence_total=say.phrase("cadence_total", total=_count(total_posts)),
        replies=say(card.replies[say.single("manager") or "nobody"]),
        budget=_budget_lines(say),
        kpis=[Kpi(say(card.kpis[k].name), say(card.kpis[k].how)) for k in card.goals[goal].kpis],
        review=say.phrase("review"),
        mistakes=[
            MistakeFix(mistake.number, say(mistake.title), say(mistake.fix))
            for mistake in sorted(content.mistakes, key=lambda m: m.number)
            if holds(mistake.when, answers)
        ],
        no_mistakes=say.phrase("mistakes_none"),
        next_30_days=steps,
        skipped=_skipped_note(say),
        calendar=_calendar_texts(say, plans, steps),
    )


def _score(say: _Writer, platform: Platform) -> int:
    """Rank a network for this business: its customers first, then goal, audience and trade."""
    used, can_make = say.picked("networks"), say.picked("content_types")
    score = 4 if platform.id in used else 0
    score += 3 if platform.id == _preferred(say) else 0
    score += 2 if say.single("goal") in platform.best_goals else 0
    score += 2 if say.single("audience") in platform.audiences else 0
    score += 2 if say.single("business_type") in platform.business_types else 0
    if platform.needs_any and can_make and not can_make & set(platform.needs_any):
        score -= 5  # it would need content the business cannot produce
    return score


def _preferred(say: _Writer) -> str | None:
    used = say.picked("networks")
    return say.single("preferred_network") or (next(iter(used)) if len(used) == 1 else None)


def _platform_plans(say: _Writer, hours: float) -> list[PlatformPlan]:
    platforms = say.content.platforms
    ranked = sorted(platforms, key=lambda p: (-_score(say, p), platforms.index(p)))
    primaries = 1 if hours < TWO_NETWORKS_FROM_HOURS else 2
    wanted = primaries + (1 if hours >= SECONDARY_FROM_HOURS else 0)
    picked = ranked[:1] + [
        p for p in ranked[1:wanted] if _score(say, p) >= MIN_FIT_FOR_ANOTHER_NETWORK
    ]
    primaries = min(primaries, len(picked))
    weights = [1.0, 0.7, 0.4][: len(picked)]
    posting_hours = hours * (1 - REPLY_SHARE)
    plans = []
    for index, platform in enumerate(picked):
        posts = posting_hours * weights[index] / sum(weights) / platform.cadence.hours_per_post
        posts = min(posts, platform.cadence.max)
        plans.append(
            PlatformPlan(
                platform_id=platform.id,
                name=platform.name,
                tier=say.phrase("primary" if index < primaries else "secondary"),
                role=say(platform.role),
                reasons=_reasons(say, platform),
                formats=_formats(say, platform),
                cadence=_cadence(say, platform, posts),
                posts_per_week=posts,
            )
        )
    return plans


def _reasons(say: _Writer, platform: Platform) -> list[str]:
    used = say.picked("networks")
    keys = []
    if platform.id == _preferred(say):
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
    if say.picked("content_types") & {need for fmt in platform.formats for need in fmt.needs}:
        keys.append("reason_content")
    return [say.phrase(key) for key in keys[:3]]


def _formats(say: _Writer, platform: Platform) -> list[str]:
    can_make = say.picked("content_types")
    formats = [say(fmt.label) for fmt in platform.formats if can_make & set(fmt.needs)]
    return formats or [say.phrase("formats_none")]


def _cadence(say: _Writer, platform: Platform, posts: float) -> str:
    limits = {"min": f"{platform.cadence.min:g}", "max": f"{platform.cadence.max:g}"}
    if posts < EVERY_OTHER_WEEK_BELOW:
        return say.phrase("cadence_every_other_week", **limits)
    shown = _count(posts)
    key = "cadence_below" if int(shown) < platform.cadence.min else "cadence_range"
    return say.phrase(key, posts=shown, **limits)


def _count(posts: float) -> str:
    return str(max(1, round(posts)))


def _business_pillars(say: _Writer) -> list[Text]:
    pillars = say.content.card.pillars
    return pillars.get(say.single("business_type") or "", next(iter(pillars.values())))


def _budget_lines(say: _Writer) -> list[str]:
    if say.answers.get("budget") is None:
        return [say.phrase("budget_unknown")]
    monthly = say.number("budget", 0)
    if monthly <= 0:
        return [say.phrase("budget_zero")]
    split = say.content.card.splits[say.single("manager") or "nobody"]
    shares = (
        ("budget_people", split.people),
        ("budget_content", split.content),
        ("budget_promotion", split.promotion),
    )
    return [
        say.phrase(
            "budget_line",
            share=say.phrase(share),
            percent=percent,
            euros=round(monthly * percent / 100 / 5) * 5,
        )
        for share, percent in shares
        if percent
    ]


def _calendar_texts(say: _Writer, plans: list[PlatformPlan], steps: list[Step]) -> CalendarTexts:
    no_formats = [say.phrase("formats_none")]
    formats = {
        plan.platform_id: (
            no_formats[0]
            if plan.formats == no_formats
            else say.phrase("calendar_formats", platform=plan.name, formats=", ".join(plan.formats))
        )
        for plan in plans
    }
    weeks = sorted({step.week for step in steps})
    tips = {
        week: say.phrase(
            "calendar_tip", tip=" ".join(step.text for step in steps if step.week == week)
        )
        for week in weeks
    }
    return CalendarTexts(
        name=say.phrase("calendar_name"),
        review=say.phrase("calendar_review"),
        todo=say.phrase("calendar_todo", week=1),
        formats=formats,
        tips=tips,
    )


def _skipped_note(say: _Writer) -> str | None:
    skipped = [
        q for q in say.content.questions if q.id in say.answers and say.answers[q.id] is None
    ]
    if not skipped:
        return None
    names = join_phrases((f"«{q.prompt(say.lang)}»" for q in skipped), say.lang)
    return say.phrase("skipped", questions=names)

"""The weekly check-in: three taps and a note, a tip drawn from the card, the recent trend."""

from __future__ import annotations

from dataclasses import dataclass

from flows.card import StrategyCard
from flows.conditions import AnswerValue
from flows.content import Content
from flows.i18n import Lang
from flows.ui_keys import UiKey

STEPS = ("posted", "replied", "engagement", "note")
CHOICES: dict[str, tuple[str, ...]] = {
    "posted": ("yes", "partly", "no"),
    "replied": ("yes", "partly", "no"),
    "engagement": ("up", "flat", "down"),
}
QUESTION_KEYS: dict[str, UiKey] = {
    "posted": "ci_q_posted",
    "replied": "ci_q_replied",
    "engagement": "ci_q_engagement",
    "note": "ci_q_note",
}
ANSWER_KEYS: dict[str, UiKey] = {
    "posted": "ci_answer_posted",
    "replied": "ci_answer_replied",
    "engagement": "ci_answer_engagement",
    "note": "ci_answer_note",
}
TREND_KEYS: dict[str, UiKey] = {
    "posted": "ci_trend_posted",
    "replied": "ci_trend_replied",
    "engagement": "ci_trend_engagement",
}
"""The UI keys of each step's question, its answer line and its trend label."""
FEW_HOURS = frozenset({"under_1", "h1_3"})
BARS = {"yes": "█", "up": "█", "partly": "▄", "flat": "▄", "no": "▁", "down": "▁"}
TREND_LENGTH = 8
NOTE_LIMIT = 200


@dataclass(frozen=True)
class CheckIn:
    """One week's answers; a step not answered yet is None."""

    posted: str | None = None
    replied: str | None = None
    engagement: str | None = None
    note: str | None = None
    note_done: bool = False

    @property
    def next_step(self) -> str | None:
        """Return the first step still to answer, or None when the check-in is complete."""
        for step in STEPS[:3]:
            if getattr(self, step) is None:
                return step
        return None if self.note_done else "note"


def choose_tip(
    content: Content,
    card: StrategyCard,
    answers: dict[str, AnswerValue],
    checkin: CheckIn,
    earlier: int,
) -> str:
    """Pick the one tip that matters most this week, worded from the user's own card."""
    lang = card.lang
    text = content.text
    hours = answers.get("hours")
    if checkin.posted in ("partly", "no") and hours in FEW_HOURS:
        total = card.posts_per_week
        lower = max(1, round(total * 2 / 3))
        posts = text("ci_posts_one")(lang) if lower == 1 else text("ci_posts_many")(lang)
        return text("ci_tip_lower_cadence")(lang).format(
            hours=_short_label(content, "hours", str(hours), lang), posts=posts.format(n=lower)
        )
    if checkin.posted in ("partly", "no"):
        return text("ci_tip_batch")(lang)
    if checkin.replied in ("partly", "no"):
        return text("ci_tip_replies")(lang).format(replies=card.replies)
    if checkin.engagement == "down":
        promo_only = next(m.number for m in content.mistakes if m.id == "promo_only")
        if any(fix.number == promo_only for fix in card.mistakes):
            return text("ci_tip_useful")(lang)
        return text("ci_tip_best_post")(lang)
    steps = [task for week in card.calendar.weeks for task in week.tasks]
    step = steps[min(earlier, len(steps) - 1)].text if steps else card.review
    return text("ci_tip_keep_going")(lang).format(step=step)


def trend_lines(content: Content, history: list[CheckIn], lang: Lang) -> list[str]:
    """One sparkline per question over the latest check-ins, oldest first."""
    recent = history[-TREND_LENGTH:]
    width = max(len(content.text(TREND_KEYS[step])(lang)) for step in CHOICES)
    lines = []
    for step in CHOICES:
        label = content.text(TREND_KEYS[step])(lang)
        bars = "".join(BARS.get(getattr(c, step) or "", " ") for c in recent)
        lines.append(f"{label.ljust(width)} {bars}")
    return lines


def _short_label(content: Content, question_id: str, option_id: str, lang: Lang) -> str:
    for option in content.question(question_id).options:
        if option.id == option_id:
            return (option.short or option.label)(lang)
    return option_id

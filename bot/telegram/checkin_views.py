"""What a check-in looks like: its step, what was answered, and the tip with the trend, as HTML."""

from __future__ import annotations

from html import escape

from bot.telegram.views import Views
from flows.checkin import ANSWER_KEYS, CHOICES, QUESTION_KEYS, STEPS, CheckIn
from flows.i18n import Lang
from flows.ui_keys import UiKey

LABELS: dict[str, UiKey] = {
    "yes": "ci_yes",
    "partly": "ci_partly",
    "no": "ci_no",
    "up": "ci_up",
    "flat": "ci_flat",
    "down": "ci_down",
}
"""The UI key of each answer's label."""


class CheckinViews:
    """Renders the check-in message in the user's language, every typed note escaped."""

    def __init__(self, views: Views) -> None:
        self.views = views

    def step(self, lang: Lang, answers: CheckIn) -> str:
        """Render the check-in so far and its next question."""
        ui = self.views.ui
        step = answers.next_step or "note"
        number = STEPS.index(step) + 1
        lines = [f"<b>{ui('ci_heading', lang, k=number)}</b>", *self.answered(lang, answers)]
        lines.append(f"\n<b>{ui(QUESTION_KEYS[step], lang)}</b>")
        return "\n".join(lines)

    def answered(self, lang: Lang, answers: CheckIn) -> list[str]:
        """Render one line per answer given."""
        ui = self.views.ui
        lines = []
        for step in CHOICES:
            value = getattr(answers, step)
            if value is not None:
                answer = ui(LABELS[value], lang)
                lines.append("✔️ " + ui(ANSWER_KEYS[step], lang, answer=answer))
        if answers.note:
            lines.append("✔️ " + ui(ANSWER_KEYS["note"], lang, note=answers.note))
        return lines

    def finished(
        self, lang: Lang, history: list[CheckIn], tip: str, trend: list[str], offer: bool
    ) -> str:
        """Render the saved check-in, the tip, the trend (from the second one) and an offer."""
        ui = self.views.ui
        parts = [
            "\n".join([ui("ci_saved", lang), *self.answered(lang, history[-1])]),
            f"<b>{ui('ci_tip_heading', lang)}</b>\n{escape(tip)}",
        ]
        if len(history) > 1:
            sparkline = escape("\n".join(trend))
            parts.append(
                f"<b>{ui('ci_trend_heading', lang, n=len(history))}</b>\n"
                f"<code>{sparkline}</code>\n<i>{ui('ci_trend_legend', lang)}</i>"
            )
        else:
            parts.append(f"<i>{ui('ci_first', lang)}</i>")
        if offer:
            parts.append(ui("ci_reminder_offer", lang))
        return "\n\n".join(parts)

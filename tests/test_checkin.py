"""The check-in's tip comes from the user's own card; the trend reads oldest to newest."""

from __future__ import annotations

import pytest

from flows.card import build_card
from flows.checkin import CheckIn, choose_tip, trend_lines
from flows.conditions import AnswerValue
from flows.content import Content
from flows.ui_keys import UiKey
from tests.personas import CAREFUL_BAKERY

FEW_HOURS: dict[str, AnswerValue] = {**CAREFUL_BAKERY, "hours": "h1_3"}
PROMO_ONLY: dict[str, AnswerValue] = {**CAREFUL_BAKERY, "social_use": "promo_only"}


def _tip(content: Content, answers: dict[str, AnswerValue], checkin: CheckIn) -> str:
    card = build_card(content, answers, "en")
    return choose_tip(content, card, answers, checkin, earlier=0)


def test_behind_plan_with_few_hours_lowers_the_cadence_from_the_card(content: Content) -> None:
    card = build_card(content, FEW_HOURS, "en")
    total = sum(p.posts_per_week for p in card.platforms)
    tip = _tip(content, FEW_HOURS, CheckIn("no", "yes", "flat"))
    assert "1–3 hours a week" in tip
    lower = max(1, round(total * 2 / 3))
    assert f"drop to {lower} post{'s' if lower > 1 else ''} a week" in tip


@pytest.mark.parametrize(
    ("answers", "checkin", "key"),
    [
        (CAREFUL_BAKERY, CheckIn("partly", "yes", "up"), "ci_tip_batch"),
        (PROMO_ONLY, CheckIn("yes", "yes", "down"), "ci_tip_useful"),
        (CAREFUL_BAKERY, CheckIn("yes", "yes", "down"), "ci_tip_best_post"),
    ],
)
def test_the_most_pressing_tip_wins(
    content: Content, answers: dict[str, AnswerValue], checkin: CheckIn, key: UiKey
) -> None:
    assert _tip(content, answers, checkin) == content.text(key)("en")


def test_not_replying_quotes_who_answers_and_when_from_the_card(content: Content) -> None:
    card = build_card(content, CAREFUL_BAKERY, "en")
    tip = _tip(content, CAREFUL_BAKERY, CheckIn("yes", "no", "up"))
    assert card.replies in tip


def test_on_plan_the_tip_is_the_next_step_of_the_thirty_days(content: Content) -> None:
    card = build_card(content, CAREFUL_BAKERY, "it")
    checkin = CheckIn("yes", "yes", "up")
    for earlier in range(3):
        tip = choose_tip(content, card, CAREFUL_BAKERY, checkin, earlier)
        tasks = [task.text for week in card.calendar.weeks for task in week.tasks]
        assert tasks[earlier] in tip


def test_the_trend_shows_the_last_eight_oldest_first(content: Content) -> None:
    history = [CheckIn("no", "no", "down")] * 3 + [CheckIn("yes", "partly", "up")] * 7
    posted, replied, engagement = trend_lines(content, history, "en")
    assert posted.endswith("▁" + "█" * 7) and replied.endswith("▁" + "▄" * 7)
    assert engagement.startswith("Reactions") and len(engagement.split()[-1]) == 8


def test_steps_come_in_order_and_the_note_last() -> None:
    assert CheckIn().next_step == "posted"
    assert CheckIn("yes", None, None).next_step == "replied"
    assert CheckIn("yes", "no", "up").next_step == "note"
    assert CheckIn("yes", "no", "up", note_done=True).next_step is None

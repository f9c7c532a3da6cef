"""Few Bot API calls per answer: Telegram caps a bot at about 30 messages a second overall."""

from __future__ import annotations

import pytest

from bot.storage.repository import SqlSessionStore
from bot.telegram.delivery import albums
from flows.coach import Coach
from flows.conditions import AnswerValue
from flows.content import Content
from flows.i18n import Lang
from flows.render_image import render_card_pngs
from tests.fake_telegram import BotMessage, FakeTelegram
from tests.personas import CAREFUL_BAKERY, MISTAKE_TRIGGERS, play
from tests.telegram_support import play_in_telegram, running_bot

CHAT_BOUND = {
    "sendMessage",
    "editMessageText",
    "editMessageReplyMarkup",
    "sendPhoto",
    "sendMediaGroup",
    "sendDocument",
}
FILE_SENDS = {"sendPhoto", "sendMediaGroup", "sendDocument"}
EVERY_MISTAKE: dict[str, AnswerValue] = {
    **CAREFUL_BAKERY,
    **dict(MISTAKE_TRIGGERS.values()),
    "networks": ["instagram", "facebook", "linkedin"],
}


@pytest.mark.parametrize("lang", ["it", "en"])
async def test_each_answer_costs_one_call_and_each_mistake_one_more(
    tg: FakeTelegram, content: Content, store: SqlSessionStore, lang: Lang
) -> None:
    coach = Coach(content)
    personas = [CAREFUL_BAKERY, EVERY_MISTAKE]
    users = [tg.user(2000 + i, f"Owner{i}", lang) for i in range(len(personas))]
    async with running_bot(tg, coach, store):
        for user, answers in zip(users, personas, strict=True):
            await user.send("/start")
            await play_in_telegram(tg, coach, user, answers, lang=lang)
            await tg.wait_for(
                lambda chat=user.chat.id: any(  # type: ignore[misc]
                    m.document is not None for m in tg.messages(chat)
                ),
                30,
            )

    per_answer = []
    for user, answers in zip(users, personas, strict=True):
        played = play(coach, answers, lang)
        calls = [m for m, _, _ in tg.calls_in(user.chat.id) if m in CHAT_BOUND]
        toggles = calls.count("editMessageReplyMarkup")
        revealing = sum(1 for turn in played.turns if turn.mistakes)
        files = len(albums(len(render_card_pngs(played.card.card)))) + 1  # the images, the .ics
        # The welcome carries the first question. The card is one message with tabs, and it
        # joins the message that closes the last answer when both fit in one.
        shown_cards = {m.message_id for m in tg.messages(user.chat.id) if _has_tabs(m)}
        assert len(shown_cards) == 1
        budget = 1 + len(played.asked) + revealing + files
        assert len(calls) - toggles <= budget + (not _closes_with_card(tg, user.chat.id)), calls
        # The card's files (the images, the calendar) are not an answer's cost.
        card_delivery = sum(1 for m in calls if m in FILE_SENDS)
        per_answer.append((len(calls) - card_delivery) / len(played.asked))
    careful, every_mistake = per_answer
    assert _closes_with_card(tg, users[0].chat.id), "the card shares the last answer's message"
    assert careful <= 1.5
    assert every_mistake > careful, "the costly path, every mistake, was exercised"


def _has_tabs(message: BotMessage) -> bool:
    return any(data and data.startswith("tab:") for row in message.buttons for _, data in row)


def _closes_with_card(tg: FakeTelegram, chat_id: int) -> bool:
    """Return True when the card joined the message that closed the last answer."""
    card = next(m for m in tg.messages(chat_id) if _has_tabs(m))
    return "✔️" in card.text.split("📋")[0]

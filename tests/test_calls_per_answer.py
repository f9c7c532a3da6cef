"""Few Bot API calls per answer: Telegram caps a bot at about 30 messages a second overall."""

from __future__ import annotations

import pytest

from bot.storage.repository import SqlSessionStore
from bot.telegram.delivery import albums
from bot.telegram.views import Views
from flows.coach import Coach
from flows.conditions import AnswerValue
from flows.content import Content
from flows.i18n import Lang
from flows.render_image import render_card_pngs
from tests.fake_telegram import FakeTelegram
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
        card_messages = len(Views(content).card(played.card.card))
        files = len(albums(len(render_card_pngs(played.card.card)))) + 1  # the images, the .ics
        # The welcome carries the first question; the card's first part joins the message that
        # closes the last answer when both fit in one, which a long card's first part may not.
        budget = 1 + len(played.asked) + revealing + card_messages + files
        assert len(calls) - toggles <= budget, calls
        # The card's own length (more messages, the images, the calendar) is not an answer's cost.
        card_delivery = (card_messages - 1) + sum(1 for m in calls if m in FILE_SENDS)
        per_answer.append((len(calls) - card_delivery) / len(played.asked))
    careful, every_mistake = per_answer
    assert careful <= 1.5
    assert every_mistake > careful, "the costly path, every mistake, was exercised"

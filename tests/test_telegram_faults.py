"""Telegram misbehaving: every fault leaves the interview intact, the bot running, one log line."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest

from bot.storage.repository import SqlSessionStore
from flows.coach import Coach
from tests.fake_telegram import (
    NOT_MODIFIED,
    QUERY_TOO_OLD,
    BotMessage,
    FakeTelegram,
    FakeUser,
    Fault,
)
from tests.telegram_support import button, current_question, option_label, running_bot


async def _question(tg: FakeTelegram, chat_id: int, words: str) -> BotMessage:
    def shown() -> BotMessage | None:
        question = current_question(tg, chat_id, None)
        return question if question is not None and words in question.text else None

    return await tg.wait_for(shown, 15)  # a guard against hanging; retries take seconds


async def _first_question(tg: FakeTelegram, user: FakeUser) -> BotMessage:
    await user.send("/start")
    return await _question(tg, user.chat.id, "Question 1 of")


@asynccontextmanager
async def _at_first_question(
    tg: FakeTelegram,
    coach: Coach,
    store: SqlSessionStore,
    caplog: pytest.LogCaptureFixture,
    user: FakeUser,
) -> AsyncIterator[BotMessage]:
    """Run the bot with the user at the first question, the log captured from then on."""
    async with running_bot(tg, coach, store):
        first = await _first_question(tg, user)
        caplog.set_level(logging.INFO)
        caplog.clear()
        yield first


def _lines(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    """What the bot and python-telegram-bot logged at INFO or above."""
    return [
        r
        for r in caplog.records
        if r.levelno >= logging.INFO and r.name.split(".")[0] in ("bot", "telegram")
    ]


def _one_line(caplog: pytest.LogCaptureFixture, *words: str) -> logging.LogRecord:
    lines = _lines(caplog)
    assert len(lines) == 1, [r.getMessage() for r in lines]
    line = lines[0]
    assert line.levelno < logging.ERROR and line.exc_info is None, line.getMessage()
    assert all(w in line.getMessage() for w in words), line.getMessage()
    return line


async def _answers(store: SqlSessionStore, user: FakeUser) -> dict[str, object]:
    session = await store.load(user.chat.id, user.id)
    assert session is not None
    return dict(session.answers)


@pytest.mark.parametrize(
    "fault",
    [
        Fault("sendMessage", 429, "Too Many Requests: retry after 1", retry_after=1),
        Fault("sendMessage", 502, "Bad Gateway"),
        Fault("sendMessage", 500, "Internal Server Error", times=2),
    ],
    ids=["429-retry-after", "502", "500-twice"],
)
async def test_a_refused_send_is_retried_and_the_next_question_arrives_once(
    tg: FakeTelegram,
    coach: Coach,
    store: SqlSessionStore,
    caplog: pytest.LogCaptureFixture,
    fault: Fault,
) -> None:
    user = tg.user(701, "Ada")
    async with _at_first_question(tg, coach, store, caplog, user) as first:
        times = fault.times
        tg.fail(fault)
        await user.tap(
            first, callback_data=button(first, option_label(coach.content, "business_type", "food"))
        )
        await _question(tg, user.chat.id, "Question 2 of")
        await user.send("Pizza al taglio")
        await _question(tg, user.chat.id, "Question 3 of")
    asked = [m for m in tg.messages(user.chat.id) if "Question 2 of" in m.text]
    assert len(asked) == 1
    assert await _answers(store, user) == {"business_type": "food", "offer": "Pizza al taglio"}
    words = "flood wait" if fault.retry_after else "retrying"
    retried = [r for r in _lines(caplog) if words in r.getMessage()]
    assert len(retried) == times
    assert all(r.levelno < logging.ERROR and r.exc_info is None for r in _lines(caplog))


async def test_a_timed_out_edit_is_retried(
    tg: FakeTelegram, coach: Coach, store: SqlSessionStore, caplog: pytest.LogCaptureFixture
) -> None:
    user = tg.user(702, "Bea")
    async with _at_first_question(tg, coach, store, caplog, user) as first:
        tg.fail(Fault("editMessageText", hang=6.0))  # longer than the 5 s read timeout
        await user.tap(
            first, callback_data=button(first, option_label(coach.content, "business_type", "food"))
        )
        await _question(tg, user.chat.id, "Question 2 of")
        _one_line(caplog, "editMessageText", "timed out", "retrying")
    assert await _answers(store, user) == {"business_type": "food"}


async def test_a_timed_out_send_is_not_repeated_and_start_picks_up(
    tg: FakeTelegram, coach: Coach, store: SqlSessionStore, caplog: pytest.LogCaptureFixture
) -> None:
    user = tg.user(703, "Carla")
    async with running_bot(tg, coach, store):
        first = await _first_question(tg, user)
        await user.tap(
            first, callback_data=button(first, option_label(coach.content, "business_type", "food"))
        )
        await _question(tg, user.chat.id, "Question 2 of")
        caplog.set_level(logging.INFO)
        caplog.clear()
        # The send may have arrived after all: sending it again could show it twice.
        tg.fail(Fault("sendMessage", hang=6.0))
        await user.send("Pizza al taglio")
        sorry = await tg.wait_for(
            lambda: next(
                (m for m in tg.messages(user.chat.id) if m.from_bot and "/start" in m.text), None
            ),
            15,
        )
        assert sorry.text.startswith("Something went wrong on my side. Your answers are safe")
        _one_line(caplog, "TimedOut")
        assert await _answers(store, user) == {"business_type": "food", "offer": "Pizza al taglio"}
        await user.send("/start")
        await _question(tg, user.chat.id, "Question 3 of")


async def test_a_dropped_get_updates_connection_is_retried(
    tg: FakeTelegram, coach: Coach, store: SqlSessionStore, caplog: pytest.LogCaptureFixture
) -> None:
    user = tg.user(704, "Dario")
    async with _at_first_question(tg, coach, store, caplog, user):
        tg.fail(Fault("getUpdates", drop=True))
        await tg.wait_for(lambda: not tg.faults[-1].times)
        await user.send("/help")
        await tg.wait_for(
            lambda: next(
                (m for m in tg.messages(user.chat.id) if m.from_bot and "/back" in m.text), None
            ),
            15,
        )
        _one_line(caplog, "getting updates failed", "retrying")


async def test_a_user_who_blocked_the_bot_loses_nothing_and_is_not_written_to(
    tg: FakeTelegram, coach: Coach, store: SqlSessionStore, caplog: pytest.LogCaptureFixture
) -> None:
    user = tg.user(705, "Elena")
    async with _at_first_question(tg, coach, store, caplog, user) as first:
        blocked = "Forbidden: bot was blocked by the user"
        tg.fail(Fault("editMessageText", 403, blocked))
        apology = Fault("sendMessage", 403, blocked)
        tg.fail(apology)
        await user.tap(
            first, callback_data=button(first, option_label(coach.content, "business_type", "food"))
        )
        await tg.wait_for(lambda: _lines(caplog), 15)
        line = _one_line(caplog, "not answered", "blocked")
        assert line.levelno == logging.INFO
        assert await _answers(store, user) == {"business_type": "food"}
        # Nothing else was attempted: no apology to a user who can't receive it.
        assert apology.times == 1
        apology.times = 0
        # Unblocked later, the user carries on from the next question.
        await user.send("/start")
        await _question(tg, user.chat.id, "Question 2 of")


async def test_an_expired_button_spinner_does_not_stop_the_answer(
    tg: FakeTelegram, coach: Coach, store: SqlSessionStore, caplog: pytest.LogCaptureFixture
) -> None:
    user = tg.user(706, "Fabio")
    async with _at_first_question(tg, coach, store, caplog, user) as first:
        tg.fail(Fault("answerCallbackQuery", 400, QUERY_TOO_OLD))
        await user.tap(
            first, callback_data=button(first, option_label(coach.content, "business_type", "food"))
        )
        await _question(tg, user.chat.id, "Question 2 of")
        await tg.wait_for(lambda: _lines(caplog), 5)  # the answer goes out beside the edit
        _one_line(caplog, "answerCallbackQuery", "expired")
    assert await _answers(store, user) == {"business_type": "food"}


async def test_an_unchanged_message_is_not_an_error(
    tg: FakeTelegram, coach: Coach, store: SqlSessionStore, caplog: pytest.LogCaptureFixture
) -> None:
    user = tg.user(707, "Gina")
    async with _at_first_question(tg, coach, store, caplog, user) as first:
        tg.fail(Fault("editMessageText", 400, NOT_MODIFIED))
        await user.tap(
            first, callback_data=button(first, option_label(coach.content, "business_type", "food"))
        )
        await tg.wait_for(lambda: _lines(caplog), 15)
        _one_line(caplog, "editMessageText", "already shows")
        await user.send("Pizza al taglio")
        await _question(tg, user.chat.id, "Question 3 of")
    assert await _answers(store, user) == {"business_type": "food", "offer": "Pizza al taglio"}


async def test_a_deleted_question_message_is_sent_anew(
    tg: FakeTelegram, coach: Coach, store: SqlSessionStore, caplog: pytest.LogCaptureFixture
) -> None:
    user = tg.user(708, "Ivo")
    async with _at_first_question(tg, coach, store, caplog, user) as first:
        tg.fail(Fault("editMessageText", 400, "Bad Request: message to edit not found"))
        await user.tap(
            first, callback_data=button(first, option_label(coach.content, "business_type", "food"))
        )
        second = await _question(tg, user.chat.id, "Question 2 of")
        assert second.message_id != first.message_id
        _one_line(caplog, "can't be edited", "sent anew")
    session = await store.load(user.chat.id, user.id)
    assert session is not None and session.answers == {"business_type": "food"}
    assert session.question_message_id == second.message_id


async def test_an_edit_comes_back_unparsed_and_a_new_message_with_its_id(
    tg: FakeTelegram, coach: Coach, store: SqlSessionStore
) -> None:
    user = tg.user(709, "Lea")
    async with running_bot(tg, coach, store) as application:
        sent = await application.bot.send_message(user.chat.id, "<b>first</b>")
        edited = await application.bot.edit_message_text("second", user.chat.id, sent.message_id)
        ticked = await application.bot.edit_message_reply_markup(user.chat.id, sent.message_id)
    assert sent.message_id == tg.messages(user.chat.id)[-1].message_id
    assert edited is True and ticked is True
    assert tg.messages(user.chat.id)[-1].text == "second"

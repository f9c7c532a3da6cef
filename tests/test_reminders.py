"""Reminders with an injected clock: local time across DST, restarts, two instances, blocks."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator

import pytest
from telegram import Bot

from bot.coaching.interview import InterviewCases
from bot.sessions import Session
from bot.storage.checkins import CheckinStore, Reminder
from bot.storage.classes import ClassStore
from bot.storage.repository import SqlSessionStore
from bot.storage.workshops import WorkshopStore
from bot.telegram.callbacks import CheckinTap
from bot.telegram.http import AiohttpRequest
from bot.telegram.reminders import Reminders
from bot.telegram.services import Services
from bot.telegram.views import Views
from flows.coach import Coach
from flows.content import Content
from flows.schedule import next_due
from tests.fake_telegram import FakeTelegram, Fault

UTC = dt.UTC
MONDAY, NINE = 0, 9 * 60


def at(  # noqa: PLR0917 - reads like a date
    year: int, month: int, day: int, hour: int, minute: int = 0, second: int = 0
) -> dt.datetime:
    """A moment in UTC."""
    return dt.datetime(year, month, day, hour, minute, second, tzinfo=UTC)


def test_nine_in_rome_is_eight_utc_in_winter_and_seven_in_summer() -> None:
    assert next_due(MONDAY, NINE, "Europe/Rome", at(2026, 3, 23, 6)) == at(2026, 3, 23, 8)
    # Clocks go forward on Sunday 29 March: the next Monday's 09:00 is an hour earlier in UTC.
    assert next_due(MONDAY, NINE, "Europe/Rome", at(2026, 3, 23, 8)) == at(2026, 3, 30, 7)
    # And back on Sunday 25 October.
    assert next_due(MONDAY, NINE, "Europe/Rome", at(2026, 10, 19, 7)) == at(2026, 10, 26, 8)
    assert next_due(MONDAY, NINE, "UTC", at(2026, 10, 19, 7)) == at(2026, 10, 19, 9)


@pytest.fixture
async def bot(tg: FakeTelegram) -> AsyncIterator[Bot]:
    async with Bot(tg.token, base_url=f"{tg.url}/bot", request=AiohttpRequest()) as started:
        yield started


def _instance(store: SqlSessionStore, content: Content, now: dt.datetime) -> Reminders:
    services = Services(
        Coach(content),
        store,
        Views(content),
        ClassStore(store.engine),
        CheckinStore(store.engine),
        WorkshopStore(store.engine),
    )
    return Reminders(services, InterviewCases(services.coach, store), clock=lambda: now)


async def test_sent_once_by_two_instances_restored_after_restart_skipped_late_off_when_blocked(
    tg: FakeTelegram, bot: Bot, content: Content, any_store: SqlSessionStore
) -> None:
    chat = tg.private_chat(7, "Giulia", "it")
    await any_store.save(Session(chat.id, 7, "it"))
    first_due = next_due(MONDAY, NINE, "Europe/Rome", at(2026, 3, 23, 6))
    checkins = CheckinStore(any_store.engine)
    await checkins.set_reminder(
        Reminder(7, chat.id, MONDAY, NINE, "Europe/Rome", int(first_due.timestamp()))
    )
    url = any_store.engine.url.render_as_string(hide_password=False)
    other = SqlSessionStore.from_url(url)  # a second process on the same database
    try:
        early = _instance(any_store, content, at(2026, 3, 23, 7, 59))
        assert await early.send_due(bot) == 0
        now = at(2026, 3, 23, 8, 0, 10)
        one, two = _instance(any_store, content, now), _instance(other, content, now)
        assert sorted(await asyncio.gather(one.send_due(bot), two.send_due(bot))) == [0, 1]
    finally:
        await other.close()
    sent = [m for m in tg.bot_events if m.chat_id == chat.id]
    assert len(sent) == 1 and sent[0].text.startswith("⏰ È il momento")
    [[(label, data)]] = sent[0].buttons
    assert label == "✅ Fai la revisione ora"
    assert CheckinTap.unpack(data) == CheckinTap("", "start"), "it opens a check-in"

    # A restart: a new process reads the reminder from the database, due at 07:00 UTC in summer.
    restarted = SqlSessionStore.from_url(url)
    try:
        assert await _instance(restarted, content, at(2026, 3, 30, 6, 59)).send_due(bot) == 0
        assert await _instance(restarted, content, at(2026, 3, 30, 7, 0, 5)).send_due(bot) == 1
        # Down for seven hours: the missed reminder is skipped, the next one stays.
        assert await _instance(restarted, content, at(2026, 4, 6, 14)).send_due(bot) == 0
        stored = await CheckinStore(restarted.engine).reminder(7)
        assert stored is not None and stored.next_due == int(at(2026, 4, 13, 7).timestamp())
        # Blocked: Telegram refuses, and the reminder is switched off rather than retried.
        tg.fail(Fault("sendMessage", 403, "Forbidden: bot was blocked by the user"))
        assert await _instance(restarted, content, at(2026, 4, 13, 7, 0, 1)).send_due(bot) == 0
        assert await CheckinStore(restarted.engine).reminder(7) is None
    finally:
        await restarted.close()
    assert len([m for m in tg.bot_events if m.chat_id == chat.id]) == 2

"""Weekly check-ins and reminders over the fake Bot API, with an injected clock."""

from __future__ import annotations

import datetime as dt

from bot.storage.repository import SqlSessionStore
from flows.coach import Coach
from flows.content import Content
from tests.fake_telegram import BotMessage, FakeTelegram, FakeUser
from tests.personas import CAREFUL_BAKERY
from tests.telegram_support import play_in_telegram, running_bot


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now


async def _next_with(user: FakeUser, needle: str) -> BotMessage:
    while True:
        message = await user.next_bot_message(timeout=10)
        if needle in message.text:
            return message


async def test_a_reminder_starts_a_check_in_and_four_taps_bring_a_tip_and_the_trend(
    tg: FakeTelegram, content: Content, store: SqlSessionStore
) -> None:
    coach = Coach(content)
    clock = Clock(dt.datetime(2026, 3, 23, 6, 0, tzinfo=dt.UTC))  # a Monday, 07:00 in Rome
    user = tg.user(3001, "Giulia", "it")
    async with running_bot(tg, coach, store, clock=clock, reminder_every=0.05):
        await user.send("/start")
        await play_in_telegram(tg, coach, user, CAREFUL_BAKERY, lang="it")
        calendar = await tg.wait_for(
            lambda: next((m for m in tg.messages(user.chat.id) if m.document), None), 30
        )
        # The calendar that closes the interview offers the reminder.
        await user.tap(calendar, button_text="🔔 Promemoria settimanale")
        menu = await _next_with(user, "In che giorno")
        assert "Adesso non hai promemoria." in menu.text
        await user.tap(menu, button_text="lunedì")
        times = await _next_with(user, "a che ora?")
        assert "lunedì" in times.text and "Europe/Rome" in times.text
        await user.tap(times, button_text="09:00")
        done = await _next_with(user, "Fatto")
        assert "ogni lunedì alle 09:00 (Europe/Rome)" in done.text

        # A first check-in by command, with a typed note.
        await user.send("/checkin")
        step = await _next_with(user, "Revisione settimanale · 1 di 4")
        for label in ("✅ Sì", "✅ Sì", "📈 In aumento"):
            await user.tap(step, button_text=label)
            step = await user.next_bot_message()
        assert "Revisione settimanale · 4 di 4" in step.text
        await user.send("Il <b>carosello</b> sul pane è piaciuto")
        first = await _next_with(user, "Revisione salvata")
        assert "Nota: Il <b>carosello</b> sul pane è piaciuto" in first.text, "escaped, kept"
        assert "Il prossimo passo dalla tua scheda" in first.text
        assert "prima revisione" in first.text

        # Nothing is due before Monday 09:00 in Rome (08:00 UTC before the clocks change).
        await tg.wait_for(lambda: True)
        clock.now = dt.datetime(2026, 3, 23, 7, 59, tzinfo=dt.UTC)
        reminder_text = "⏰ È il momento della revisione settimanale"
        assert not any(reminder_text in m.text for m in tg.messages(user.chat.id))
        clock.now = dt.datetime(2026, 3, 23, 8, 0, 30, tzinfo=dt.UTC)
        reminder = await _next_with(user, reminder_text)
        await user.tap(reminder, button_text="✅ Fai la revisione ora")
        step = await _next_with(user, "Revisione settimanale · 1 di 4")
        for label in ("🟡 In parte", "❌ No", "📉 In calo", "Salta"):
            await user.tap(step, button_text=label)
            step = await user.next_bot_message()
        summary = step
    assert summary.edited and "✅ Revisione salvata." in summary.text
    assert "Pubblicato come previsto: 🟡 In parte" in summary.text
    # Behind plan with enough hours: plan the week in one sitting.
    assert content.text("ci_tip_batch")("it") in summary.text
    assert "📊 Le ultime revisioni (2)" in summary.text
    assert "Pubblicazione" in summary.text and "█▄" in summary.text
    assert summary.buttons == [], "a reminder is set: no offer to set one"
    reminders = [m for m in tg.bot_events if reminder_text in m.text]
    assert len(reminders) == 1, "sent once, although the sweep ran many times"


async def test_no_card_yet_offers_the_interview_and_an_erased_check_in_is_refused(
    tg: FakeTelegram, content: Content, store: SqlSessionStore
) -> None:
    coach = Coach(content)
    user = tg.user(3002, "Sam", "en")
    async with running_bot(tg, coach, store, reminder_every=60):
        await user.send("/checkin")
        offer = await _next_with(user, "you don't have one yet")
        await user.tap(offer, button_text="▶️ Make my card")
        first = await _next_with(user, "Question 1 of")
        assert first.buttons
        await play_in_telegram(tg, coach, user, CAREFUL_BAKERY, lang="en")
        await tg.wait_for(lambda: any(m.document for m in tg.messages(user.chat.id)), 30)
        await user.send("/checkin")
        step = await _next_with(user, "Weekly check-in · 1 of 4")
        await user.send("/deletedata")
        confirm = await _next_with(user, "")
        await user.tap(confirm, button_text=content.text("tg_delete_yes")("en"))
        await _next_with(user, "")
        await user.tap(step, button_text="✅ Yes")
        answer = await tg.wait_for(
            lambda: next(
                (a for a in tg.callback_answers if "no longer exists" in a.get("text", "")), None
            )
        )
    assert answer.get("show_alert")

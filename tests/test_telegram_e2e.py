"""The real application over real HTTP against the fake Bot API: as users would use it."""

from __future__ import annotations

import asyncio
import io
import signal
from pathlib import Path

import icalendar
import pytest
from PIL import Image

from bot.sessions import Session
from bot.storage.repository import SqlSessionStore
from flows.coach import Coach
from flows.content import Content
from tests.fake_telegram import BotMessage, FakeTelegram
from tests.personas import CAREFUL_BAKERY, MISTAKE_TRIGGERS
from tests.telegram_support import (
    button,
    card_messages,
    current_question,
    option_label,
    play_in_telegram,
    running_bot,
    show_tab,
    start_bot_process,
    tab_buttons,
    ui_label,
)


async def _question_saying(tg: FakeTelegram, chat_id: int, words: str) -> BotMessage:
    def shown() -> BotMessage | None:
        question = current_question(tg, chat_id, None)
        return question if question is not None and words in question.text else None

    return await tg.wait_for(shown)


async def _bot_sends_more_than(tg: FakeTelegram, count: int) -> None:
    await tg.wait_for(lambda: len(tg.bot_events) > count)


async def _chat_says(tg: FakeTelegram, chat_id: int, words: str) -> BotMessage:
    return await tg.wait_for(
        lambda: next((m for m in tg.messages(chat_id) if words in m.text), None)
    )


def _documents(tg: FakeTelegram, chat_id: int) -> list[BotMessage]:
    return [m for m in tg.messages(chat_id) if m.document is not None]


async def test_a_new_italian_user_gets_the_whole_interview_and_the_card(
    tg: FakeTelegram, content: Content, store: SqlSessionStore
) -> None:
    coach = Coach(content)
    user = tg.user(1001, "Giulia", "it")
    answers = {**CAREFUL_BAKERY, "social_use": "promo_only", "budget": "zero"}
    async with running_bot(tg, coach, store):
        await user.send("/start")
        first = await user.next_bot_message()
        assert first.text.startswith("Ciao!") and "Domanda 1 di" in first.text
        await play_in_telegram(tg, coach, user, answers, lang="it")
        await tg.wait_for(lambda: _documents(tg, user.chat.id))

    messages = [m for m in tg.messages(user.chat.id) if m.from_bot]
    texts = [m.text for m in messages]
    # Italian throughout: no English UI text anywhere.
    for key in ("progress", "mistake_why", "mistake_fix"):
        english = content.text(key).en.split("{")[0].strip()
        assert not any(english in text for text in texts), english
    # Each mistake closes the message of the answer that revealed it, before the next question
    # (read from the history of sends and edits, since questions are edited in place).
    events = [e for e in tg.bot_events if e.chat_id == user.chat.id]
    warnings = [i for i, e in enumerate(events) if "⚠️ Errore comune" in e.text]
    assert len(warnings) == 2
    revealed_by, shown_next = events[warnings[0]], events[warnings[0] + 1]
    assert revealed_by.edited and revealed_by.buttons == []
    answer, warning = revealed_by.text.split("\n\n⚠️ Errore comune")
    assert content.question("social_use").prompt("it") in answer
    assert answer.endswith("✔️ Per pubblicare offerte e pubblicità")
    promo_only = next(m for m in content.mistakes if m.id == "promo_only")
    assert promo_only.title("it") in warning
    assert not shown_next.edited and content.question("payoff").prompt("it") in shown_next.text
    assert "✔️ Niente: i social sono gratis\n\n⚠️" in events[warnings[1]].text
    # The card: HTML text, a PNG image and an .ics calendar.
    card_text = next(m for m in messages if "📋 La tua strategia social" in m.text)
    assert (
        "Dolci artigianali senza glutine" in card_text.text
        and card_text.html
        and "<b>" in card_text.html
    )
    pages = [m for m in messages if m.photo is not None]
    assert len(pages) >= 2, "the whole card, as an album of pages"
    for page in pages:
        image = Image.open(io.BytesIO(page.photo or b""))
        assert image.format == "PNG" and image.width == 720, "as large as Telegram shows it"
        assert image.width < image.height <= 1280
    assert [page.text for page in pages] == [content.text("tg_card_caption").it] + [""] * (
        len(pages) - 1
    )
    document = _documents(tg, user.chat.id)[-1]
    assert document.document_name == "piano-editoriale.ics"
    calendar = icalendar.Calendar.from_ical(document.document or b"")
    assert len(list(calendar.walk("VEVENT"))) > 8
    # Taps were answered and edited in place: one question message carried most of the interview.
    assert len(tg.callback_answers) >= 10
    # An upload action is shown before the slow part: the image.
    methods = [method for method, params, _ in tg.calls_in(user.chat.id)]
    assert methods[methods.index("sendMediaGroup") - 1] == "sendChatAction"
    assert all(len(m.text) <= 4096 for m in messages)


async def test_english_user_and_switching_language(
    tg: FakeTelegram, content: Content, store: SqlSessionStore
) -> None:
    coach = Coach(content)
    user = tg.user(1002, "Sam", "en-GB")
    async with running_bot(tg, coach, store):
        await user.send("/start")
        first = await user.next_bot_message()
        assert first.text.startswith("Hi!") and "Question 1 of" in first.text
        await user.tap(
            first, callback_data=button(first, option_label(coach.content, "business_type", "shop"))
        )
        await _question_saying(tg, user.chat.id, "Question 2")
        await user.send("/lang it")
        switched = await _question_saying(tg, user.chat.id, "Domanda 2")
        assert "Ok, da ora parlo italiano." in switched.text
        assert content.question("offer").prompt("it") in switched.text


async def test_commands_and_descriptions_are_published_in_both_languages(
    tg: FakeTelegram, content: Content, store: SqlSessionStore
) -> None:
    async with running_bot(tg, Coach(content), store):
        await tg.wait_for(lambda: len(tg.commands) >= 3)
    italian = {c["command"]: c["description"] for c in tg.commands[("default", "it")]}
    english = {c["command"]: c["description"] for c in tg.commands[("default", "en")]}
    assert (
        set(italian) == set(english) >= {"start", "plan", "back", "skip", "card", "lang", "privacy"}
    )
    assert (
        italian["plan"] == content.text("cmd_plan").it
        and english["plan"] == content.text("cmd_plan").en
    )
    assert tg.descriptions["it"] == content.text("tg_description").it
    assert tg.short_descriptions["en"] == content.text("tg_short_description").en


async def test_old_buttons_stickers_and_unknown_commands(
    tg: FakeTelegram, content: Content, store: SqlSessionStore
) -> None:
    coach = Coach(content)
    user = tg.user(1003, "Ada", "en")
    async with running_bot(tg, coach, store):
        await user.send("/start")
        old = await user.next_bot_message()
        await user.send("/plan")  # a new interview: the first one's buttons are now stale
        await tg.wait_for(lambda: len([m for m in tg.messages(user.chat.id) if m.from_bot]) >= 2)
        await user.tap(old, button_text=old.buttons[0][0][0])
        await tg.wait_for(lambda: tg.callback_answers)
        assert tg.callback_answers[-1].get("text") == content.text("tg_foreign_button").en
        state_before = current_question(tg, user.chat.id, None)
        assert state_before is not None and "Question 1 of" in state_before.text

        for send in (user.send_sticker, user.send_photo, user.send_voice):
            before = len(tg.bot_events)
            await send()
            await _bot_sends_more_than(tg, before)
            reask = await _question_saying(tg, user.chat.id, "I can only read text")
            assert content.question("business_type").prompt("en") in reask.text

        await user.send("/frobnicate")
        pointer = await tg.wait_for(
            lambda: next(
                (m for m in tg.messages(user.chat.id) if "Unknown command" in m.text), None
            )
        )
        assert "/help" in pointer.text


async def test_a_group_with_two_users_interleaving(
    tg: FakeTelegram, content: Content, store: SqlSessionStore
) -> None:
    coach = Coach(content)
    group = tg.group_chat(5001, "Marketing class")
    anna = tg.user(2001, "Anna", "it")
    ben = tg.user(2002, "Ben", "en")
    anna_answers = {**CAREFUL_BAKERY, "same_content": MISTAKE_TRIGGERS["same_everywhere"][1]}
    ben_answers = {
        **CAREFUL_BAKERY,
        "business_type": "b2b",
        "goal": "leads",
        "audience_where": "italy",
    }
    async with running_bot(tg, coach, store):
        await anna.send("/start", chat=group)
        await tg.wait_for(lambda: current_question(tg, group.id, "Anna"))
        await ben.send("/start", chat=group)
        await tg.wait_for(lambda: current_question(tg, group.id, "Ben"))

        # Ben taps Anna's question: refused, Anna's interview untouched.
        annas = current_question(tg, group.id, "Anna")
        assert annas is not None
        await ben.tap(annas, button_text=annas.buttons[0][0][0])
        await tg.wait_for(lambda: tg.callback_answers)
        assert tg.callback_answers[-1].get("text") == content.text("tg_foreign_button").en

        await asyncio.gather(
            play_in_telegram(tg, coach, anna, anna_answers, lang="it", chat=group),
            play_in_telegram(tg, coach, ben, ben_answers, lang="en", chat=group),
        )
        await tg.wait_for(lambda: len(_documents(tg, group.id)) == 2)

    texts = [m.text for m in tg.messages(group.id) if m.from_bot]
    assert any("📋 La tua strategia social" in t for t in texts)
    assert any("📋 Your social media strategy" in t and "a B2B company" in t for t in texts)
    assert sum("⚠️ Errore comune n. 5" in t for t in texts) == 1
    names = sorted(d.document_name or "" for d in _documents(tg, group.id))
    assert names == ["editorial-plan.ics", "piano-editoriale.ics"]
    # Free-text questions in a group were asked with a selective forced reply.
    forced = [
        c
        for c in tg.calls
        if c[0] == "sendMessage" and "force_reply" in str(c[1].get("reply_markup"))
    ]
    assert forced


async def test_python_m_bot_runs_against_the_api_url_and_stops_cleanly(
    tg: FakeTelegram, tmp_path: Path
) -> None:
    process = await start_bot_process(tg, f"sqlite+aiosqlite:///{tmp_path / 'coach.sqlite3'}")
    try:
        user = tg.user(4001, "Pia", "it")
        await tg.wait_for(lambda: ("default", "it") in tg.commands, timeout=30)
        await user.send("/start")
        reply = await user.next_bot_message(timeout=15)
        assert reply.text.startswith("Ciao!")
    finally:
        process.send_signal(signal.SIGINT)
        stdout, stderr = await asyncio.wait_for(process.communicate(), timeout=30)
    assert process.returncode == 0, stderr.decode()
    log = stderr.decode() + stdout.decode()
    assert tg.token not in log and tg.token.split(":")[1] not in log
    assert "long polling mode" in log


async def test_a_careful_english_owner_gets_no_warning_and_an_english_card(
    tg: FakeTelegram, content: Content, store: SqlSessionStore
) -> None:
    coach = Coach(content)
    user = tg.user(1010, "Olivia", "en")
    async with running_bot(tg, coach, store):
        await user.send("/start")
        await play_in_telegram(tg, coach, user, CAREFUL_BAKERY, lang="en")
        await tg.wait_for(lambda: _documents(tg, user.chat.id))
        texts = [m.text for m in tg.messages(user.chat.id) if m.from_bot]
        (card,) = card_messages(tg, user.chat.id)
        mistakes_tab = next(d for t, d in tab_buttons(card) if "Mistakes" in t)
        mistakes = await show_tab(tg, user, card, mistakes_tab)
    assert not any("⚠️ Common mistake" in t for t in texts)
    assert "📋 Your social media strategy" in card.text
    assert "None of the six common mistakes" in mistakes.text
    assert _documents(tg, user.chat.id)[-1].document_name == "editorial-plan.ics"


async def test_back_skip_card_cancel_help_and_privacy(
    tg: FakeTelegram, content: Content, store: SqlSessionStore
) -> None:
    coach = Coach(content)
    user = tg.user(1011, "Marco", "it")
    chat = user.chat.id
    async with running_bot(tg, coach, store):
        await user.send("/card")
        assert "Non hai ancora una scheda" in (await user.next_bot_message()).text
        await user.send("/start")
        first = await _question_saying(tg, chat, "Domanda 1 di")
        await user.tap(
            first,
            callback_data=button(
                first, option_label(coach.content, "business_type", "artisan", "it")
            ),
        )
        second = await _question_saying(tg, chat, "Domanda 2 di")
        assert second.message_id == first.message_id, "a tap edits the question in place"
        assert "✔️ Artigiano o laboratorio" in second.text

        long_answer = "Ceramiche dipinte a mano " * 200
        await user.send(long_answer)
        third = await _question_saying(tg, chat, "Domanda 3 di")
        assert "ho tenuto i primi 120 caratteri" in third.text

        await user.tap(
            third, callback_data=button(third, ui_label(coach.content, "tg_button_back", "it"))
        )  # the Back button
        again = await _question_saying(tg, chat, "Domanda 2 di")
        assert "Risposta attuale: Ceramiche dipinte a mano" in again.text
        await user.send("/skip")
        await _question_saying(tg, chat, "Domanda 3 di")
        await user.send("/back")
        await _question_saying(tg, chat, "Domanda 2 di")
        await user.send("Ceramiche")
        stage = await _question_saying(tg, chat, "Domanda 3 di")

        # Typing a number works too, and leaves the old buttons stale.
        await user.send("2")
        await _question_saying(tg, chat, "Domanda 4 di")
        answered = len(tg.callback_answers)
        await user.tap(
            stage,
            callback_data=button(stage, option_label(coach.content, "stage", "regular", "it")),
        )
        await tg.wait_for(lambda: len(tg.callback_answers) > answered)
        assert tg.callback_answers[-1].get("text") == content.text("tg_stale_button").it

        for command, words in (
            ("/help", "/plan"),
            ("/privacy", "ID Telegram"),
            ("/cancel", "annullata"),
        ):
            await user.send(command)
            await _chat_says(tg, chat, words)
        await user.send("/cancel")
        await _chat_says(tg, chat, "Non c'è nessuna intervista")


async def test_card_command_sends_the_latest_card_again(
    tg: FakeTelegram, content: Content, store: SqlSessionStore
) -> None:
    coach = Coach(content)
    user = tg.user(1012, "Lia", "en")
    async with running_bot(tg, coach, store):
        await user.send("/start")
        await play_in_telegram(tg, coach, user, CAREFUL_BAKERY, lang="en")
        await tg.wait_for(lambda: len(_documents(tg, user.chat.id)) == 1)
        await user.send("/card")
        await tg.wait_for(lambda: len(_documents(tg, user.chat.id)) == 2)
    photos = [m.photo for m in tg.messages(user.chat.id) if m.photo is not None]
    half = len(photos) // 2
    assert half >= 2 and photos[:half] == photos[half:], "the same pages, sent again"


class _StoreThatFailsOnce(SqlSessionStore):
    fail_next = False

    async def save(self, session: Session, update_id: int | None = None) -> None:
        if self.fail_next:
            self.fail_next = False
            raise ConnectionError("storage briefly unavailable")
        await super().save(session, update_id)


async def test_storage_briefly_unavailable_asks_to_retry_and_loses_nothing(
    tg: FakeTelegram, content: Content, store: SqlSessionStore, caplog: pytest.LogCaptureFixture
) -> None:
    coach = Coach(content)
    store = _StoreThatFailsOnce(store.engine)
    user = tg.user(1013, "Rui", "en")
    chat = user.chat.id
    async with running_bot(tg, coach, store):
        await user.send("/start")
        first = await _question_saying(tg, chat, "Question 1 of")
        await user.tap(
            first, callback_data=button(first, option_label(coach.content, "business_type", "shop"))
        )
        await _question_saying(tg, chat, "Question 2 of")
        store.fail_next = True
        await user.send("Handmade shoes")
        sorry = await _chat_says(tg, chat, "I can't save right now")
        assert sorry.text == content.text("tg_db_retry").en
        stored = await store.load(chat, user.id)
        assert stored is not None and stored.answers == {"business_type": "shop"}
        assert stored.state == "offer"
        await user.send("Handmade shoes")
        await _question_saying(tg, chat, "Question 3 of")
    assert "update" in caplog.text and "ConnectionError" in caplog.text
    assert tg.token not in caplog.text

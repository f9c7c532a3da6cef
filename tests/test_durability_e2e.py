"""Durability as users meet it: restarts, redeliveries, double taps, history and erasure."""

from __future__ import annotations

import asyncio

from sqlalchemy import func, select
from telegram import Update

from bot.storage.models import CardRow, InterviewRow, UserRow
from bot.storage.repository import SqlSessionStore
from flows.coach import Coach
from flows.content import Content
from tests.fake_telegram import BotMessage, FakeTelegram
from tests.personas import CAREFUL_BAKERY
from tests.telegram_support import (
    button,
    current_question,
    kill,
    option_label,
    play_in_telegram,
    running_bot,
    start_bot_process,
    stop_cleanly,
    ui_label,
)


async def _question(tg: FakeTelegram, chat_id: int, words: str, timeout: float = 5) -> BotMessage:
    def shown() -> BotMessage | None:
        question = current_question(tg, chat_id, None)
        return question if question is not None and words in question.text else None

    return await tg.wait_for(shown, timeout)


async def test_a_killed_bot_continues_at_the_same_question_with_every_answer(
    tg: FakeTelegram, database: str, content: Content
) -> None:
    user = tg.user(6001, "Sara", "it")
    chat = user.chat.id
    bot = await start_bot_process(tg, database)
    try:
        await user.send("/start")
        first = await _question(tg, chat, "Domanda 1 di", timeout=30)
        await user.tap(
            first, callback_data=button(first, option_label(content, "business_type", "shop", "it"))
        )
        await _question(tg, chat, "Domanda 2 di")
        await user.send("Scarpe da trekking")
        third = await _question(tg, chat, "Domanda 3 di")
        await user.tap(
            third, callback_data=button(third, option_label(content, "stage", "irregular", "it"))
        )
        goal = await _question(tg, chat, "Domanda 4 di")
        await user.tap(
            goal, callback_data=button(goal, option_label(content, "goal", "store", "it"))
        )
        fourth = await _question(tg, chat, "Domanda 5 di")
    finally:
        await kill(bot)

    bot = await start_bot_process(tg, database)
    try:
        await user.send("/start")
        resumed = await tg.wait_for(
            lambda: next((m for m in tg.messages(chat) if m.text.startswith("Bentornato")), None),
            30,
        )
        assert (
            content.question("shop_area").prompt("it") in resumed.text
            and "Domanda 5 di" in resumed.text
        )
        await user.send("Bologna")
        fifth = await _question(tg, chat, "Domanda 6 di")
        await user.tap(
            fifth, callback_data=button(fifth, ui_label(content, "tg_button_back", "it"))
        )  # Back shows the kept answer
        back = await _question(tg, chat, "Domanda 5 di")
        assert "Risposta attuale: Bologna" in back.text
        assert fourth.message_id != resumed.message_id
    finally:
        await stop_cleanly(bot)
    store = SqlSessionStore.from_url(database)
    try:
        stored = await store.load(chat, user.id)
    finally:
        await store.close()
    assert stored is not None and stored.state == "shop_area"
    assert stored.answers == {
        "business_type": "shop",
        "offer": "Scarpe da trekking",
        "stage": "irregular",
        "goal": "store",
        "shop_area": "Bologna",
    }


async def test_a_redelivered_update_and_a_double_tap_have_one_effect(
    tg: FakeTelegram, any_store: SqlSessionStore, content: Content
) -> None:
    user = tg.user(6002, "Tom", "en")
    chat = user.chat.id
    async with running_bot(tg, Coach(content), any_store) as application:
        await user.send("/start")
        first = await _question(tg, chat, "Question 1 of")
        # A double tap: two callback queries for the same button.
        await user.tap(
            first, callback_data=button(first, option_label(content, "business_type", "shop"))
        )
        await user.tap(
            first, callback_data=button(first, option_label(content, "business_type", "shop"))
        )
        await tg.wait_for(lambda: len(tg.callback_answers) == 2)
        assert tg.callback_answers[1].get("text") == content.text("tg_stale_button").en
        await _question(tg, chat, "Question 2 of")

        # The same update delivered twice (as Telegram does when a webhook reply is lost).
        data = {
            "update_id": 900_001,
            "message": {
                "message_id": 9_001,
                "date": 1_700_000_000,
                "text": "Trail shoes",
                "chat": {"id": chat, "type": "private", "first_name": "Tom"},
                "from": {
                    "id": user.id,
                    "is_bot": False,
                    "first_name": "Tom",
                    "language_code": "en",
                },
            },
        }
        for _ in range(2):
            await application.update_queue.put(Update.de_json(data, application.bot))
        await _question(tg, chat, "Question 3 of")
        await asyncio.sleep(0.3)  # room for a second effect, were there one
    texts = [m.text for m in tg.messages(chat) if m.from_bot]
    assert not any("didn't understand" in t or "❗" in t for t in texts)
    stored = await any_store.load(chat, user.id)
    assert stored is not None and stored.answers == {
        "business_type": "shop",
        "offer": "Trail shoes",
    }
    assert stored.state == "stage"


def _documents(tg: FakeTelegram, chat_id: int) -> int:
    return len([m for m in tg.messages(chat_id) if m.document is not None])


async def _more_documents_than(tg: FakeTelegram, chat_id: int, count: int) -> None:
    await tg.wait_for(lambda: _documents(tg, chat_id) > count)


async def _rows_about(store: SqlSessionStore, user_id: int) -> int:
    async with store.engine.connect() as connection:
        total = 0
        for statement in (
            select(func.count()).select_from(UserRow).where(UserRow.id == user_id),
            select(func.count()).select_from(InterviewRow).where(InterviewRow.user_id == user_id),
            select(func.count()).select_from(CardRow).where(CardRow.user_id == user_id),
        ):
            total += int((await connection.execute(statement)).scalar_one())
        return total


async def test_history_reopens_a_card_and_deletedata_erases_everything(
    tg: FakeTelegram, any_store: SqlSessionStore, content: Content
) -> None:
    coach = Coach(content)
    user = tg.user(6003, "Irene", "it")
    other = tg.user(6004, "Paolo", "it")
    chat = user.chat.id
    async with running_bot(tg, coach, any_store):
        for answers in (CAREFUL_BAKERY, {**CAREFUL_BAKERY, "offer": "Biscotti al burro"}):
            documents = _documents(tg, chat)
            await user.send("/plan")
            await play_in_telegram(tg, coach, user, answers, lang="it")
            await _more_documents_than(tg, chat, documents)
        await other.send("/start")
        await _question(tg, other.chat.id, "Domanda 1 di")

        await user.send("/history")
        listing = await tg.wait_for(
            lambda: next((m for m in tg.messages(chat) if m.text.startswith("Le tue schede")), None)
        )
        labels = [row[0][0] for row in listing.buttons]
        assert (
            len(labels) == 2
            and "Biscotti al burro" in labels[0]
            and "Dolci artigianali" in labels[1]
        )
        cards_before = len([m for m in tg.messages(chat) if m.text.startswith("📋")])
        await user.tap(listing, button_text=labels[1])
        reopened = await tg.wait_for(
            lambda: [m for m in tg.messages(chat) if m.text.startswith("📋")][cards_before:]
        )
        assert "Dolci artigianali senza glutine" in reopened[0].text

        await user.send("/deletedata")
        confirm = await tg.wait_for(
            lambda: next((m for m in tg.messages(chat) if "Non si può annullare" in m.text), None)
        )
        assert await _rows_about(any_store, user.id) > 0
        await user.tap(confirm, button_text=content.text("tg_delete_yes").it)
        done = await tg.wait_for(
            lambda: next(
                (m for m in tg.messages(chat) if m.text.startswith("Fatto: ho cancellato")), None
            )
        )
    assert "(2)" in done.text
    assert await _rows_about(any_store, user.id) == 0
    assert await _rows_about(any_store, other.id) == 2, "other users keep their data"


async def test_a_card_still_being_drawn_when_the_bot_stops_is_still_sent(
    tg: FakeTelegram, content: Content, store: SqlSessionStore
) -> None:
    coach = Coach(content)
    user = tg.user(4001, "Ada", "en")
    async with running_bot(tg, coach, store):
        await user.send("/start")
        await play_in_telegram(tg, coach, user, CAREFUL_BAKERY, lang="en")
        await tg.wait_for(
            lambda: any(
                "📋 Your social media strategy" in m.text for m in tg.messages(user.chat.id)
            ),
            30,
        )
        # Stop right away: the image and the calendar are still being drawn.
    sent = tg.messages(user.chat.id)
    assert any(m.photo for m in sent) and any(m.document for m in sent)

"""One path per update: a tap costs one read and one write, and no interview stays attached."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event

from bot.sessions import Session
from bot.storage.repository import SqlSessionStore
from flows.coach import Coach
from flows.content import Content
from tests.fake_telegram import BotMessage, FakeTelegram
from tests.personas import CAREFUL_BAKERY
from tests.telegram_support import (
    button,
    current_question,
    option_label,
    play_in_telegram,
    running_bot,
)

QUIET = 3600.0
"""No reminder sweep during these tests: only the update's own statements are counted."""


@contextmanager
def statements(store: SqlSessionStore) -> Iterator[list[str]]:
    """Record every SQL statement sent to the database, and each commit, while inside."""
    seen: list[str] = []
    engines = {store.engine.sync_engine, store.hot_engine}  # one object on PostgreSQL

    def executed(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        seen.append(" ".join(statement.split()))

    def committed(_conn: Any) -> None:
        seen.append("COMMIT")

    for engine in engines:
        event.listen(engine, "before_cursor_execute", executed)
        event.listen(engine, "commit", committed)
    try:
        yield seen
    finally:
        for engine in engines:
            event.remove(engine, "before_cursor_execute", executed)
            event.remove(engine, "commit", committed)


async def _question(tg: FakeTelegram, chat_id: int, words: str) -> BotMessage:
    def shown() -> BotMessage | None:
        message = current_question(tg, chat_id, None)
        return message if message is not None and words in message.text else None

    return await tg.wait_for(shown, 15)


async def test_a_tap_on_a_question_makes_one_read_and_one_write(
    tg: FakeTelegram, coach: Coach, any_store: SqlSessionStore
) -> None:
    user = tg.user(4101, "Dora")
    async with running_bot(tg, coach, any_store, reminder_every=QUIET):
        await user.send("/start")
        first = await _question(tg, user.chat.id, "Question 1 of")
        await asyncio.sleep(0.5)  # /start finishes: it records the new question message's id
        answered = len(tg.callback_answers)
        with statements(any_store) as sql:
            label = option_label(coach.content, "business_type", "food")
            await user.tap(first, callback_data=button(first, label))
            second = await _question(tg, user.chat.id, "Question 2 of")
            await tg.wait_for(lambda: len(tg.callback_answers) > answered, 15)
            await asyncio.sleep(0.5)  # anything the update did after its reply shows up too
    assert second.message_id == first.message_id, "the tap edited the question in place"
    reads = [s for s in sql if s.upper().startswith("SELECT")]
    writes = [s for s in sql if s.split()[0].upper() in ("INSERT", "UPDATE", "DELETE")]
    assert len(reads) == 1, reads
    assert "processed_updates" in reads[0], "the redelivery check is folded into the load"
    # One write: a single transaction that records the update with the interview's new state.
    assert sql.count("COMMIT") == 1, "\n".join(sql)
    assert [w.split()[0].upper() for w in writes] == ["INSERT", "UPDATE"], writes
    assert "processed_updates" in writes[0] and "interviews" in writes[1]
    assert sql.index("COMMIT") > sql.index(writes[-1])
    stored = await any_store.load(user.chat.id, user.id)
    assert stored is not None and stored.answers == {"business_type": "food"}


class _RacingStore(SqlSessionStore):
    """A store where, once, another instance saves the same interview first."""

    race_next = False

    async def save(self, session: Session, update_id: int | None = None) -> None:
        if self.race_next and session.record_id is not None:
            self.race_next = False
            rival = await SqlSessionStore(self.engine).load(session.chat_id, session.user_id)
            assert rival is not None
            await SqlSessionStore(self.engine).save(rival)  # bumps the version under us
        await super().save(session, update_id)


async def test_no_interview_stays_attached_after_any_kind_of_update(
    tg: FakeTelegram, coach: Coach, content: Content, store: SqlSessionStore
) -> None:
    racing = _RacingStore(store.engine)
    user = tg.user(4102, "Ugo")
    chat = user.chat.id
    async with running_bot(tg, coach, racing, reminder_every=QUIET):
        await user.send("/start")
        first = await _question(tg, chat, "Question 1 of")
        label = option_label(content, "business_type", "food")
        await user.tap(first, callback_data=button(first, label))
        await _question(tg, chat, "Question 2 of")
        await user.forge_tap(first, "ans:answer:nope:business_type:food")  # forged
        await user.forge_tap(first, "ans:answer:nope:business_type:food", inaccessible=True)
        await user.send_sticker()  # media
        await user.send("/back")
        again = await _question(tg, chat, "Question 1 of")
        await asyncio.sleep(0.3)  # /back finishes: it records the new question message's id
        racing.race_next = True
        old_answer = button(again, label)
        await user.tap(again, callback_data=old_answer)  # loses a race with another instance
        conflict = content.text("tg_conflict").en
        await tg.wait_for(lambda: any(a.get("text") == conflict for a in tg.callback_answers))
        await user.tap(again, callback_data=old_answer)  # a double tap: the second is stale
        await user.tap(again, callback_data=old_answer)
        await _question(tg, chat, "Question 2 of")
        stale = content.text("tg_stale_button").en
        await tg.wait_for(lambda: any(a.get("text") == stale for a in tg.callback_answers))
        await user.send("/start")  # the interview under way resumes
        await _question(tg, chat, "Question 2 of")
        await user.send("/restart")
        await _question(tg, chat, "Question 1 of")
        # The script is worked out on a coach of its own: only the bot's machine is watched.
        await play_in_telegram(tg, Coach(content), user, CAREFUL_BAKERY, lang="en")
        await tg.wait_for(lambda: any(m.document for m in tg.messages(chat)), 60)
        await user.send("more words after the card")  # text after the card
        await user.send_sticker()
        await user.send("/lang it")
        await tg.wait_for(lambda: content.text("lang_switched").it in tg.messages(chat)[-1].text)
        await asyncio.sleep(0.5)
        assert coach.machine.attached == 0


def test_an_interview_bound_twice_stays_where_it_is_and_is_released_once(coach: Coach) -> None:
    interview = coach.resume("en", "offer", {"business_type": "food"}, [])
    with coach.opened(interview) as again:  # no state given: it must not go back to the start
        assert again.state == "offer" and coach.machine.attached == 1
    assert coach.machine.attached == 0

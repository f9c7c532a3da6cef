"""A workshop kept in the database: it survives a killed bot, and its polls close once when due."""

from __future__ import annotations

import asyncio
import datetime as dt

from bot.storage.repository import SqlSessionStore
from bot.storage.workshops import WorkshopRecord, WorkshopStore
from bot.telegram.app import build_application
from bot.telegram.workshop import POLL_MINUTES
from flows.coach import Coach
from flows.content import Content
from tests.fake_telegram import BotMessage, FakeChat, FakeTelegram, FakeUser
from tests.telegram_support import (
    kill,
    open_poll,
    roomy_rate_limiter,
    running_bot,
    says,
    settings_for,
    start_bot_process,
    stop_cleanly,
)


def _label(content: Content, question_id: str, option_id: str) -> str:
    return next(o.label("it") for o in content.question(question_id).options if o.id == option_id)


def _index(content: Content, poll: BotMessage, question_id: str, option_id: str) -> int:
    """The position of an option in the poll, found by its label as a voter sees it."""
    return [text for text, _ in poll.poll_options].index(_label(content, question_id, option_id))


async def _first_poll(
    tg: FakeTelegram, content: Content, teacher: FakeUser, group: FakeChat
) -> BotMessage:
    await teacher.send("/workshop", chat=group)
    return await open_poll(tg, group.id, content.question("business_type").prompt("it"), set(), 30)


async def _stored_poll(database: str, group_id: int) -> WorkshopRecord:
    """The group's workshop once the bot has stored the message of its open poll."""
    store = SqlSessionStore.from_url(database)
    workshops = WorkshopStore(store.engine)
    try:
        for _ in range(100):
            record = await workshops.running(group_id)
            if record is not None and record.poll_message_id is not None:
                return record
            await asyncio.sleep(0.05)
    finally:
        await store.close()
    raise AssertionError("the poll's message was never stored")


async def test_a_workshop_survives_a_sigkill_mid_vote(
    tg: FakeTelegram, database: str, content: Content
) -> None:
    group = tg.group_chat(7100, "Laboratorio")
    teacher = tg.user(7101, "Prof. Neri", "it")
    voters = [tg.user(7110 + i, f"V{i}", "it") for i in range(4)]
    tg.set_admins(group, [teacher.id])
    business = content.question("business_type")
    bot = await start_bot_process(tg, database)
    try:
        poll = await _first_poll(tg, content, teacher, group)
        shop = _index(content, poll, "business_type", "shop")
        for voter, choice in zip(voters, [shop, shop, shop, (shop + 1) % 3], strict=True):
            await voter.vote(poll, [choice], chat=group)
        await _stored_poll(database, group.id)
    finally:
        await kill(bot)

    bot = await start_bot_process(tg, database)
    try:
        await teacher.tap(poll, button_text=content.text("ws_close_button").it)
        result = await says(tg, group.id, f"✔️ {business.prompt('it')}", timeout=30)
        assert f"{_label(content, 'business_type', 'shop')} (voti: 3 su 4)" in result.text
        ask = await says(tg, group.id, content.question("offer").prompt("it"))
        assert "Docente: rispondi" in ask.text
        await teacher.reply(ask.message_id, "Scarpe da trekking", chat=group)
        await open_poll(tg, group.id, content.question("stage").prompt("it"), set())
        await teacher.send("/workshop", chat=group)
        await says(tg, group.id, content.text("ws_running").it)
    finally:
        await stop_cleanly(bot)
    store = SqlSessionStore.from_url(database)
    try:
        running = await WorkshopStore(store.engine).running(group.id)
    finally:
        await store.close()
    assert running is not None and running.state == "stage"
    assert running.answers["business_type"] == "shop"
    assert running.answers["offer"] == "Scarpe da trekking"


async def test_a_poll_left_open_is_closed_once_when_due_by_one_of_two_instances(
    tg: FakeTelegram, content: Content, store: SqlSessionStore
) -> None:
    group = tg.group_chat(7200, "Laboratorio")
    teacher = tg.user(7201, "Prof. Neri", "it")
    voter = tg.user(7210, "V0", "it")
    tg.set_admins(group, [teacher.id])
    now = [dt.datetime(2026, 12, 3, 9, 0, tzinfo=dt.UTC)]

    def clock() -> dt.datetime:
        return now[0]

    url = store.engine.url.render_as_string(hide_password=False)
    other_store = SqlSessionStore.from_url(url)  # a second instance on the same database
    other = build_application(
        settings_for(tg),
        Coach(content),
        other_store,
        rate_limiter=roomy_rate_limiter(),
        clock=clock,
        poll_sweep_every=0.1,
    )
    async with running_bot(tg, Coach(content), store, clock=clock, poll_sweep_every=0.1), other:
        await other.start()  # its jobs only: the first instance takes the updates
        try:
            poll = await _first_poll(tg, content, teacher, group)
            await voter.vote(
                poll, [_index(content, poll, "business_type", "professional")], chat=group
            )
            now[0] += dt.timedelta(minutes=POLL_MINUTES, seconds=1)
            prompt = content.question("business_type").prompt("it")
            await says(tg, group.id, f"✔️ {prompt}")
            await says(tg, group.id, content.question("offer").prompt("it"))
        finally:
            await other.stop()
            await other_store.close()
    assert sum(method == "stopPoll" for method, _, _ in tg.calls_in(group.id)) == 1
    results = [m for m in tg.messages(group.id) if m.text.startswith("✔️")]
    assert len(results) == 1 and "(voti: 1 su 1)" in results[0].text
    running = await WorkshopStore(store.engine).running(group.id)
    assert running is not None and running.answers["business_type"] == "professional"


async def test_a_poll_whose_message_was_never_stored_closes_by_its_button(
    tg: FakeTelegram, content: Content, store: SqlSessionStore
) -> None:
    group = tg.group_chat(7300, "Laboratorio")
    teacher = tg.user(7301, "Prof. Neri", "it")
    tg.set_admins(group, [teacher.id])
    url = store.engine.url.render_as_string(hide_password=False)
    async with running_bot(tg, Coach(content), store):
        poll = await _first_poll(tg, content, teacher, group)
        stored = await _stored_poll(url, group.id)
        stored.poll_message_id = None  # as if the bot had stopped right after sending the poll
        await WorkshopStore(store.engine).save(stored)
        await teacher.vote(poll, [_index(content, poll, "business_type", "food")], chat=group)
        await teacher.tap(poll, button_text=content.text("ws_close_button").it)
        await says(tg, group.id, f"✔️ {content.question('business_type').prompt('it')}")
        await says(tg, group.id, content.question("offer").prompt("it"))
    running = await WorkshopStore(store.engine).running(group.id)
    assert running is not None and running.answers["business_type"] == "food"

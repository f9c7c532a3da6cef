"""The benchmark's driver under load: whole interviews stay correct, a flood delays nobody.

Correctness only, never timing: what every user answered is what the database holds, once, and
a chat flooding the bot does not hold the other chats' replies behind its own.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from bench.driver import Actor, Stats, interview, run_all
from bench.fake import BenchTelegram
from bench.personas import personas
from bench.process import bot_process
from bench.scenarios import Scenario, open_class, soak_lanes
from bot.storage.repository import SqlSessionStore
from flows.coach import Coach

USERS = 20
FLOOD = 100
FLOODER = 77
# Behind a flood answered in one go the others get none; about 250 here when answered fairly.
LEAST_OTHER_REPLIES_DURING_FLOOD = USERS


# aiohttp's multipart reader (3.14) warns from inside itself when an upload arrives in pieces.
async def test_twenty_interviews_and_a_flood(coach: Coach, tmp_path: Path) -> None:
    database = f"sqlite+aiosqlite:///{tmp_path / 'coach.sqlite3'}"
    people = personas(coach, USERS, seed=3)
    stats = Stats()
    async with BenchTelegram() as tg, bot_process(tg, "bench.serve", database) as bot:
        users = [tg.user(5000 + i, f"U{i}", p.lang) for i, p in enumerate(people)]
        playing = asyncio.ensure_future(
            run_all(
                stats,
                [
                    # Half the users tap several options in a burst: their order must hold.
                    interview(Actor(tg, user, stats, timeout=20), persona, burst=i % 2 == 1)
                    for i, (user, persona) in enumerate(zip(users, people, strict=True))
                ],
                deadline=None,
            )
        )
        while stats.started < USERS and not playing.done():
            await asyncio.sleep(0.01)
        flooder = tg.user(FLOODER, "Flood", "en")
        for _ in range(FLOOD):
            await flooder.send("/help")
        await playing
        flood_inbox = tg.inbox(FLOODER)
        for _ in range(FLOOD):  # every flood message is answered too
            await asyncio.wait_for(flood_inbox.get(), 30)
        problems = tg.errors + tg.unknown_calls
        log = bot.log.read_text(encoding="utf-8", errors="replace")
    assert not problems
    assert "Traceback" not in log, log
    assert stats.stuck == []
    assert stats.finished == USERS, "every user reached the card"

    # Answered one at a time, a flood is one unbroken run of replies; answered fairly, the
    # other chats' replies keep coming between its own.
    flood = [at for at, chat in tg.shown if chat == FLOODER]
    begin, end = flood[FLOOD // 10], flood[FLOOD - FLOOD // 10]
    others = sum(1 for at, chat in tg.shown if chat != FLOODER and begin <= at <= end)
    assert others >= LEAST_OTHER_REPLIES_DURING_FLOOD, others

    store = SqlSessionStore.from_url(database)
    try:
        for user, persona in zip(users, people, strict=True):
            cards = await store.cards(user.id)
            assert [card.answers for card in cards] == [persona.expected], user.id
            session = await store.load(user.chat.id, user.id)
            assert session is not None and session.answers == persona.expected
    finally:
        await store.close()


async def test_the_class_rush_opens_its_class_and_the_soak_runs_clean(
    coach: Coach, tmp_path: Path
) -> None:
    database = f"sqlite+aiosqlite:///{tmp_path / 'coach.sqlite3'}"
    stats = Stats()
    soak = Scenario("soak", "a short soak", users=2, soak=60)
    async with BenchTelegram() as tg, bot_process(tg, "bench.serve", database) as bot:
        assert await open_class(tg), "the class announcement carries its join link"
        await run_all(stats, soak_lanes(tg, soak, personas(coach, 4, seed=1), stats), None)
        # A lane's last stale tap is sent, not waited for: its alert may still be on the way.
        await tg.wait_for(lambda: len(_alerts(tg)) >= stats.started, 10)
        problems = tg.errors + tg.unknown_calls
        log = bot.log.read_text(encoding="utf-8", errors="replace")
    assert not problems
    assert "Traceback" not in log, log
    assert stats.stuck == []
    assert stats.updates >= 60
    assert len(_alerts(tg)) >= stats.started, "every user's stale tap was refused with an alert"


def _alerts(tg: BenchTelegram) -> list[dict[str, object]]:
    return [answer for answer in tg.callback_answers if answer.get("text")]

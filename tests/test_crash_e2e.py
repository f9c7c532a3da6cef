"""A crash under load: SIGKILL the bot while 50 users answer at once, then start it again.

Every answer the bot had acknowledged before it died is in the database with the value the user
gave, and every user reaches the card after the restart, the way a person gets going again when
the bot went quiet: /start (which resumes at the current question), then the remaining answers.

An answer counts as acknowledged when the bot has shown the next question (or the card) after
it; the fake server's record of what each chat shows, taken right after the kill, says which
were. Anything shown was sent by the bot before it died, and the bot stores an answer before it
shows what follows, so every one of those answers must be stored.

The bot runs as `bench.serve`: the same application as `python -m bot` without the limiter that
keeps it under Telegram's 30 messages a second (and without the guard against people flooding
it). Fifty users answering with no pause would otherwise queue behind that limit, and the test
would only take longer, not prove more.
"""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.driver import Actor, Stats, Until, answer_tap, button, interview, shows, ticked
from bench.fake import BenchTelegram
from bench.personas import Answer, Persona, personas
from bench.process import bot_process
from bot.storage.repository import SqlSessionStore
from flows.coach import Coach
from flows.content import Content
from flows.i18n import Lang
from tests.fake_telegram import BotMessage, FakeUser

USERS = 50
KILL_AFTER = 1 / 3
"""The share of all answers acknowledged when the bot is killed."""
GUARD = 60.0
"""Seconds any one wait may take: a guard against hanging, never a speed check."""
SEED = 29


class CountingActor(Actor):
    """An actor that counts the answers it has sent (a text, a tap on an option or on Done)."""

    def __init__(self, tg: BenchTelegram, user: FakeUser) -> None:
        super().__init__(tg, user, Stats(), timeout=GUARD)  # each user's own counts
        self.sent = 0

    def send(self, text: str) -> Callable[[], Awaitable[object]]:
        """Type a message; an answer unless it is a command."""
        step = super().send(text)
        return step if text.startswith("/") else self._counted(step)

    def tap(self, message: BotMessage, data: str) -> Callable[[], Awaitable[object]]:
        """Tap a button; an answer when it picks an option or closes a multiple choice."""
        step = super().tap(message, data)
        tap = answer_tap(data)
        answers = tap is not None and tap.action in ("answer", "done")
        return self._counted(step) if answers else step

    def _counted(self, step: Callable[[], Awaitable[object]]) -> Callable[[], Awaitable[object]]:
        async def counted() -> object:
            result = await step()
            self.sent += 1
            return result

        return counted


@dataclass
class Player:
    """One user, their persona, and where they stood at each moment of the crash."""

    actor: CountingActor
    persona: Persona
    heading: str
    greetings: tuple[str, str]
    acked: int = 0  # answers the bot had acknowledged when it was killed
    stored: int = 0  # answers the database held right after the kill
    sent_at_kill: int = 0  # answers the user had sent when the bot was killed
    given: int = 0  # answers sent before the restart (counting a tap while the bot was down)
    resumed: int = 0  # where the user went on after the restart
    start_id: int | None = None  # the user's /start after the crash
    new_interview_after_card: bool = False  # the card came first, then /start opened another
    started_over: bool = False  # the card was stored but never shown: /start opened another

    @property
    def chat(self) -> int:
        return self.actor.chat.id

    @property
    def script(self) -> tuple[Answer, ...]:
        return self.persona.script

    def is_card(self, message: BotMessage) -> bool:
        return message.from_bot and self.heading in message.text

    def position(self, message: BotMessage) -> int | None:
        """The index in the script of the question this message shows, if it shows one."""
        found = [k for k, answer in enumerate(self.script) if shows(answer)(message)]
        return max(found) if found else None


def chat_tail(tg: BenchTelegram, player: Player, count: int = 4) -> list[str]:
    """The chat's last messages, for a failure's message."""
    return [
        f"{'bot' if m.from_bot else 'user'} #{m.message_id}: {m.text[:160]!r}"
        for m in tg.messages(player.chat)[-count:]
    ]


def acknowledged(tg: BenchTelegram, player: Player) -> int:
    """How many answers the chat shows acknowledged: those before the furthest question shown."""
    shown = [m for m in tg.messages(player.chat) if m.from_bot]
    if any(player.is_card(m) for m in shown):
        return len(player.script)
    return max((k for m in shown if (k := player.position(m)) is not None), default=0)


def stored_position(player: Player, state: str | None) -> int:
    """The index in the script of a stored interview state (the script's length for the card)."""
    if state == "card":
        return len(player.script)
    asked = [answer.question for answer in player.script]
    assert state in asked, f"user {player.actor.user.id}: stored state {state!r} not in {asked}"
    return asked.index(state)


def _proc_stat(pid: int) -> tuple[str, int, int] | None:
    """(state, parent pid, start time) of a process, None if it is gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text(encoding="ascii", errors="replace")
    except OSError:
        return None
    fields = text[text.rindex(")") + 2 :].split()
    return fields[0], int(fields[1]), int(fields[19])


def descendants(pid: int) -> dict[int, int]:
    """The live processes under pid, each with its start time (to tell a reused pid apart)."""
    parents: dict[int, list[tuple[int, int]]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (stat := _proc_stat(int(entry.name))) is not None:
            state, parent, started = stat
            if state != "Z":
                parents.setdefault(parent, []).append((int(entry.name), started))
    found: dict[int, int] = {}
    todo = [pid]
    while todo:
        for child, started in parents.get(todo.pop(), []):
            if child not in found:
                found[child] = started
                todo.append(child)
    return found


def still_running(processes: dict[int, int]) -> list[int]:
    """The processes that still run (an exited one not yet reaped counts as gone)."""
    running = []
    for pid, started in processes.items():
        stat = _proc_stat(pid)
        if stat is not None and stat[0] != "Z" and stat[2] == started:
            running.append(pid)
    return running


async def all_gone(processes: dict[int, int]) -> None:
    """Wait for the processes to leave; fail naming those that stay."""
    for _ in range(300):  # a guard against hanging, not a speed check
        if not still_running(processes):
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"processes left behind by the bot: {still_running(processes)}")


async def stop(tasks: list[asyncio.Task[Any]]) -> None:
    """Cancel the tasks until they are done.

    Once is not always enough: in Python 3.11, asyncio.wait_for swallows a cancellation that
    arrives as the awaited event does, and the actor then goes on to its next step.
    """
    while pending := [task for task in tasks if not task.done()]:
        for task in pending:
            task.cancel()
        await asyncio.wait(pending, timeout=0.5)


def unticked(data: str) -> Until:
    """Match a message whose toggle button with this data shows no tick."""
    return lambda message: any(
        d == data and not text.startswith("✅") for row in message.buttons for text, d in row
    )


async def choose(player: Player, message: BotMessage, answer: Answer) -> BotMessage:
    """Toggle a multiple choice from whatever it shows ticked to the persona's options."""
    wanted = set(answer.value)
    for _ in range(4 * len(message.buttons) + 4):  # a guard against a keyboard going in circles
        ticks = {
            tap.option_id
            for row in message.buttons
            for text, data in row
            if text.startswith("✅") and (tap := answer_tap(data)) is not None
        }
        if ticks == wanted:
            return message
        adding = sorted(wanted - ticks)
        option = adding[0] if adding else sorted(ticks - wanted)[0]
        data = button(message, "toggle", answer.question, option)
        until = ticked(data) if adding else unticked(data)
        message = await player.actor.act(until, player.actor.tap(message, data))
    raise AssertionError(f"user {player.actor.user.id} could not tick {sorted(wanted)}")


async def finish(tg: BenchTelegram, player: Player) -> None:
    """After the restart: /start, then answer from the question shown until the card."""
    actor = player.actor
    if player.start_id is None:
        sent = await actor.user.send("/start")
        player.start_id = int(sent["message_id"])
    start_id = player.start_id

    def greeted() -> BotMessage | None:
        return next(
            (
                m
                for m in tg.messages(player.chat)
                if m.from_bot and m.message_id > start_id and m.text.startswith(player.greetings)
            ),
            None,
        )

    try:
        reply = await tg.wait_for(greeted, GUARD)
    except TimeoutError:
        raise AssertionError(
            f"user {actor.user.id} got no answer to /start; the chat: {chat_tail(tg, player)}"
        ) from None
    if any(player.is_card(m) for m in tg.messages(player.chat)):
        # An answer queued before the restart finished the interview ahead of the /start,
        # which then opened a new one: the user has the card all the same.
        player.resumed = len(player.script)
        player.new_interview_after_card = True
        return
    position = player.position(reply)
    assert position is not None, f"user {actor.user.id}: /start showed {reply.text!r}"
    # The bot died between storing the card and showing it: the interview is over, so /start
    # opens a new one and the user answers it all again.
    player.started_over = position == 0 and player.stored == len(player.script)
    player.resumed = position
    message = reply
    for index in range(position, len(player.script)):
        answer = player.script[index]
        following = player.script[index + 1] if index + 1 < len(player.script) else None
        until = shows(following) if following is not None else player.is_card
        if answer.kind == "text":
            message = await actor.act(until, actor.send(answer.value[0]))
        elif answer.kind == "single":
            data = button(message, "answer", answer.question, answer.value[0])
            message = await actor.act(until, actor.tap(message, data))
        else:
            message = await choose(player, message, answer)
            message = await actor.act(
                until, actor.tap(message, button(message, "done", answer.question))
            )


async def tap_again_while_down(tg: BenchTelegram, player: Player) -> bool:
    """Tap the answer to the single choice on screen again, as someone waiting for a reply does.

    Returns whether the user tapped (only a button the chat still shows can be tapped).
    """
    if player.acked >= len(player.script):
        return False
    answer = player.script[player.acked]
    if answer.kind != "single":
        return False  # a toggle tapped twice undoes itself; a text may land on a later question
    for message in reversed(tg.messages(player.chat)):
        if message.from_bot and shows(answer)(message):
            data = button(message, "answer", answer.question, answer.value[0])
            await player.actor.user.tap(message, callback_data=data)
            return True
    return False


async def test_a_bot_killed_under_load_loses_no_acknowledged_answer_and_everyone_finishes(
    database: str, coach: Coach, content: Content
) -> None:
    people = personas(coach, USERS, seed=SEED)
    total = sum(len(persona.script) for persona in people)
    headings = {lang: f"📋 {content.card.titles['heading'](lang)}" for lang in ("it", "en")}

    def greetings(lang: Lang) -> tuple[str, str]:
        return content.text("tg_welcome_back")(lang), content.text("welcome")(lang)

    failures = {
        content.text(key)(lang)
        for key in ("tg_error", "tg_db_retry", "tg_conflict")
        for lang in ("it", "en")
    }

    async with BenchTelegram() as tg:
        players = [
            Player(
                CountingActor(tg, tg.user(7000 + i, f"U{i}", p.lang)),
                p,
                headings[p.lang],
                greetings(p.lang),
            )
            for i, p in enumerate(people)
        ]
        store = SqlSessionStore.from_url(database)
        try:
            # 1. Everybody plays at once, with no pause; at a third of the answers, SIGKILL.
            async with bot_process(tg, "bench.serve", database) as first:
                playing = [
                    asyncio.create_task(interview(player.actor, player.persona))
                    for player in players
                ]
                try:

                    def time_to_kill() -> bool:
                        answered = sum(player.actor.stats.answers for player in players)
                        failed = any(
                            t.done() and not t.cancelled() and t.exception() is not None
                            for t in playing
                        )
                        return answered >= total * KILL_AFTER or failed

                    await tg.wait_for(time_to_kill, 4 * GUARD)
                    workers = descendants(first.process.pid)
                    first.process.kill()
                    # What the chats show now was shown before the kill: acknowledged.
                    for player in players:
                        player.acked = acknowledged(tg, player)
                        player.sent_at_kill = player.actor.sent
                finally:
                    await stop(playing)
                await first.process.wait()
                first_log = first.log.read_text(encoding="utf-8", errors="replace")
            for task in playing:
                if not task.cancelled() and task.exception() is not None:
                    print(first_log[-5000:])
                    raise AssertionError("a user failed before the kill") from task.exception()
            for player in players:
                player.given = player.actor.sent  # and any sent as a player was being stopped
            assert first.process.returncode == -signal.SIGKILL
            await all_gone(workers)
            acked = sum(player.acked for player in players)
            assert total * KILL_AFTER <= acked < total, "killed mid-load"

            # 2. With the bot dead, the database holds every acknowledged answer as given.
            for player in players:
                session = await store.load(player.chat, player.actor.user.id)
                if player.acked == 0 and session is None:
                    continue
                assert session is not None, f"user {player.actor.user.id} is not stored"
                player.stored = stored_position(player, session.state)
                assert player.stored >= player.acked, (
                    f"user {player.actor.user.id} saw question {player.acked + 1} but the"
                    f" database is back at {player.stored + 1}"
                )
                for answer in player.script[: player.stored]:
                    got = session.answers.get(answer.question)
                    given = player.persona.expected[answer.question]
                    assert got == given, (
                        f"user {player.actor.user.id}: {answer.question} is {got!r}"
                    )

            # 3. While the bot is down, some users tap their answer again, and send /start.
            retapped = 0
            for index, player in enumerate(players):
                if index % 2 or player.acked == len(player.script):
                    continue
                if await tap_again_while_down(tg, player):
                    retapped += 1
                    player.given = max(player.given, player.acked + 1)
                sent = await player.actor.user.send("/start")
                player.start_id = int(sent["message_id"])

            # 4. The bot comes back; whoever is not done resumes with /start and finishes.
            for player in players:
                if player.acked == len(player.script):
                    player.resumed = len(player.script)  # done before the kill
            tg.first_poll = None  # bot_process waits for the new process's first poll
            async with bot_process(tg, "bench.serve", database) as second:
                resuming = [
                    asyncio.create_task(finish(tg, player))
                    for player in players
                    if player.acked < len(player.script)
                ]
                try:
                    await asyncio.gather(*resuming)
                except BaseException:
                    print(second.log.read_text(encoding="utf-8", errors="replace")[-5000:])
                    raise
                finally:
                    await stop(resuming)
                for player in players:
                    assert any(player.is_card(m) for m in tg.messages(player.chat)), (
                        f"user {player.actor.user.id} got no card"
                    )
                    assert player.resumed >= player.stored or player.started_over, (
                        f"user {player.actor.user.id} went back to question {player.resumed + 1}"
                    )
                    shown = {m.text for m in tg.messages(player.chat) if m.from_bot}
                    assert not shown & failures, (
                        f"user {player.actor.user.id} was told of a failure"
                    )
                workers = descendants(second.process.pid)
                assert workers, "the drawing worker runs under the bot"
                second.process.terminate()
                await asyncio.wait_for(second.process.wait(), 4 * GUARD)
                second_log = second.log.read_text(encoding="utf-8", errors="replace")
            assert second.process.returncode == 0, second_log
            await all_gone(workers)

            # 5. The stored final answers are each user's script, on every card they got.
            for player in players:
                cards = await store.cards(player.actor.user.id)
                assert cards, f"user {player.actor.user.id} has no stored card"
                wrong = [card.answers for card in cards if card.answers != player.persona.expected]
                assert not wrong, f"user {player.actor.user.id}: cards with answers not given"
                session = await store.load(player.chat, player.actor.user.id)
                assert session is not None
                if player.new_interview_after_card:
                    assert session.answers == {}
                else:
                    assert session.state == "card"
                    assert session.answers == player.persona.expected, player.actor.user.id
        finally:
            await store.close()
        problems = tg.errors + tg.unknown_calls
        told = {str(answer.get("text")) for answer in tg.callback_answers}
    assert not told & failures, "a tap was answered with a failure"
    assert not problems, problems
    assert "Traceback" not in first_log, first_log
    assert "Traceback" not in second_log, second_log

    going_on = [p for p in players if not p.started_over]
    print(
        f"\n{USERS} users, {total} answers. At the kill: {acked} acknowledged,"
        f" {sum(p.stored for p in players) - acked} more stored,"
        f" {sum(p.sent_at_kill for p in players) - acked} sent and not acknowledged."
        f" While down: {retapped} users tapped an answer again. After the restart:"
        f" {sum(max(0, p.resumed - p.stored) for p in players)} applied from updates queued"
        f" before it, {sum(max(0, p.given - p.resumed) for p in going_on)} lost in flight and"
        f" given again; {sum(p.new_interview_after_card for p in players)} users had the card"
        f" before their /start was answered, {len(players) - len(going_on)} started over."
    )

"""Simulated users: each acts, then waits for what the bot shows, timing every reply.

An interview user taps and types their persona's answers and waits each time for the next
question (or, at the end, the card's calendar file). An echo user sends the same number of
updates of the same kinds to a bot that answers each one with one message or edit.
"""

from __future__ import annotations

import asyncio
import random
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from bench.echo import BUTTON as ECHO_BUTTON
from bench.fake import BenchTelegram
from bench.personas import Answer, Persona
from bot.telegram.callbacks import AnswerTap
from tests.fake_telegram import BotMessage, FakeChat, FakeUser

PROGRESS = re.compile(r"(Domanda|Question) \d+ (di|of) \d+")

Until = Callable[[BotMessage], bool]
Think = Callable[[], float]


SOAK_ANSWERS = 6
"""How many questions a soak user answers before leaving the interview open."""
AFTER_CARD = "Grazie, tutto chiaro!"
"""What a soak user types once the card is there."""


class StuckError(Exception):
    """The bot did not show what a user was waiting for in time."""


@dataclass
class Stats:
    """What all the users of one run did and how long each reply took."""

    latencies: list[float] = field(default_factory=list)
    updates: int = 0
    answers: int = 0
    first_send: float | None = None
    last_reply: float | None = None
    started: int = 0
    finished: int = 0
    stuck: list[str] = field(default_factory=list)
    sends: list[tuple[int, float, float]] = field(default_factory=list)  # chat, sent, replied

    @property
    def seconds(self) -> float:
        """Return the wall time from the first update sent to the last reply waited for."""
        if self.first_send is None or self.last_reply is None:
            return 0.0
        return self.last_reply - self.first_send

    @property
    def updates_per_second(self) -> float:
        """Return the updates answered per second of wall time."""
        return self.updates / self.seconds if self.seconds else 0.0


def no_thinking() -> float:
    """Pause not at all: the next update goes out as soon as the reply is in."""
    return 0.0


def thinking(mean: float, rng: random.Random) -> Think:
    """Pause like a person reading: between half and one and a half times the mean."""
    return lambda: rng.uniform(0.5 * mean, 1.5 * mean)


class Actor:
    """One simulated user: sends an update, then reads the chat until what they expect."""

    def __init__(
        self,
        tg: BenchTelegram,
        user: FakeUser,
        stats: Stats,
        *,
        think: Think = no_thinking,
        chat: FakeChat | None = None,
        timeout: float = 60,
    ) -> None:
        self.user = user
        self.stats = stats
        self.think = think
        self.chat = chat or user.chat
        self.timeout = timeout
        self.inbox = tg.inbox(self.chat.id)

    async def act(self, until: Until, *steps: Callable[[], Awaitable[object]]) -> BotMessage:
        """Send one update (or a burst), time the first reply, wait for the awaited message."""
        await asyncio.sleep(self.think())
        while not self.inbox.empty():  # what came before this update is not its reply
            self.inbox.get_nowait()
        sent = time.perf_counter()
        if self.stats.first_send is None:
            self.stats.first_send = sent
        for step in steps:
            await step()
        replied: float | None = None
        seen = "nothing"
        while True:
            try:
                at, event = await asyncio.wait_for(self.inbox.get(), self.timeout)
            except TimeoutError:
                raise StuckError(
                    f"user {self.user.id} waited {self.timeout:g} s in vain; the bot's last"
                    f" message: {seen}"
                ) from None
            seen = repr(event.text[:120])
            if replied is None:
                replied = at
                self.stats.latencies.append(at - sent)
                self.stats.sends.append((self.chat.id, sent, at))
            if until(event):
                break
        self.stats.updates += len(steps)
        self.stats.last_reply = max(self.stats.last_reply or at, at)
        return event

    def send(self, text: str) -> Callable[[], Awaitable[object]]:
        """Type a message (when called)."""
        return lambda: self.user.send(text, chat=self.chat)

    def tap(self, message: BotMessage, data: str) -> Callable[[], Awaitable[object]]:
        """Tap a button of a message (when called)."""
        return lambda: self.user.tap(message, callback_data=data)


def answer_tap(data: str | None) -> AnswerTap | None:
    """Read a question's button data; None for any other button."""
    return AnswerTap.unpack(data)


def button(message: BotMessage, action: str, question: str, option: str = "") -> str:
    """Return the callback data of the button for this action, question and option."""
    for row in message.buttons:
        for _, data in row:
            tap = answer_tap(data)
            if tap is not None and (tap.action, tap.question_id, tap.option_id) == (
                action,
                question,
                option,
            ):
                assert data is not None
                return data
    raise StuckError(f"no {action} {question} {option} button on message {message.message_id}")


def shows(answer: Answer) -> Until:
    """Match a message asking this question: its buttons, or its prompt after the progress."""

    def check(message: BotMessage) -> bool:
        if answer.kind != "text":
            return any(
                (tap := answer_tap(data)) is not None
                and tap.action in ("answer", "toggle")
                and tap.question_id == answer.question
                for row in message.buttons
                for _, data in row
            )
        body = message.text.split("\n\n")[-1]
        return bool(PROGRESS.search(body)) and answer.prompt in body

    return check


def ticked(data: str) -> Until:
    """Match a message whose toggle button with this data shows its tick."""
    return lambda message: any(
        d == data and text.startswith("✅") for row in message.buttons for text, d in row
    )


def has_file(message: BotMessage) -> bool:
    """Match the card's calendar file: the last thing a finished interview gets."""
    return message.document is not None


def anything(message: BotMessage) -> bool:
    """Match any message or edit."""
    return True


async def interview(
    actor: Actor,
    persona: Persona,
    start: str = "/start",
    answers: int | None = None,
    *,
    burst: bool = False,
) -> BotMessage:
    """Start and answer the persona's questions (the first few, or all until the card).

    With burst, the options of a multiple choice are tapped, and Done too, without waiting
    for each tick: the bot must take one user's updates in order. Returns the first question.
    """
    script = persona.script[:answers] if answers is not None else persona.script
    message = first = await actor.act(shows(persona.script[0]), actor.send(start))
    actor.stats.started += 1
    for index, answer in enumerate(script):
        following = persona.script[index + 1] if index + 1 < len(persona.script) else None
        until = shows(following) if following is not None else has_file
        if answer.kind == "text":
            message = await actor.act(until, actor.send(answer.value[0]))
        elif answer.kind == "single":
            data = button(message, "answer", answer.question, answer.value[0])
            message = await actor.act(until, actor.tap(message, data))
        else:
            toggles = [button(message, "toggle", answer.question, o) for o in answer.value]
            done = actor.tap(message, button(message, "done", answer.question))
            if burst:
                message = await actor.act(until, *(actor.tap(message, t) for t in toggles), done)
            else:
                for toggle in toggles:
                    await actor.act(ticked(toggle), actor.tap(message, toggle))
                message = await actor.act(until, done)
        actor.stats.answers += 1
    if answers is None:
        actor.stats.finished += 1
    return first


async def soak_lane(
    actor_for: Callable[[int], Actor],
    personas: list[Persona],
    stats: Stats,
    updates: int,
    lane: int,
    *,
    card_every: int = 10,
) -> None:
    """Play new users one after another until the run has sent `updates` updates.

    Each plays the first answers, then taps its first question's button again (stale: that
    message moved on); one in `card_every` plays to the card and then types a message to it.
    """
    number = 0
    while stats.updates < updates:
        actor = actor_for(number)
        persona = personas[(lane + number) % len(personas)]
        whole = number % card_every == card_every - 1
        first = await interview(actor, persona, answers=None if whole else SOAK_ANSWERS)
        if whole:
            await actor.act(anything, actor.send(AFTER_CARD))
        stale = next(data for row in first.buttons for _, data in row if data)
        # Its message shows another question by now: refused with an alert, no message.
        await actor.user.forge_tap(first, stale)
        stats.updates += 1
        number += 1


async def echo(actor: Actor, persona: Persona, start: str = "/start") -> None:
    """Send the echo bot what the persona would send the coach: as many texts and taps."""
    message = await actor.act(anything, actor.send(start))
    actor.stats.started += 1
    for answer in persona.script:
        if answer.kind == "text":
            message = await actor.act(anything, actor.send(answer.value[0]))
        else:
            for _ in range(answer.taps):
                message = await actor.act(anything, actor.tap(message, ECHO_BUTTON))
        actor.stats.answers += 1
    actor.stats.finished += 1


async def run_all(stats: Stats, users: list[Awaitable[object]], deadline: float | None) -> None:
    """Run the users together; at the deadline, stop those still going (not an error)."""
    tasks = [asyncio.ensure_future(user) for user in users]
    timeout = None if deadline is None else max(0.0, deadline - time.perf_counter())
    done, pending = await asyncio.wait(tasks, timeout=timeout)
    for task in pending:
        task.cancel()
    await asyncio.gather(*pending, return_exceptions=True)
    for task in done:
        error = task.exception()
        if isinstance(error, StuckError):
            stats.stuck.append(str(error))
        elif error is not None:
            raise error

"""The benchmark's scenarios, and one run of a scenario: fake server, bot process, users."""

from __future__ import annotations

import asyncio
import math
import random
import time
from collections.abc import AsyncIterator, Awaitable, Coroutine
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlparse

from bench.databases import postgres_database, sqlite_database
from bench.driver import (
    Actor,
    Stats,
    echo,
    interview,
    no_thinking,
    run_all,
    soak_lane,
    thinking,
)
from bench.fake import BenchTelegram
from bench.personas import Persona
from bench.process import BotProcess, bot_process
from bench.stats import percentile
from bot.telegram.callbacks import CaseTap
from tests.fake_telegram import BotMessage

FIRST_USER = 100_000
COACH, SEQUENTIAL, ECHO = "bench.serve", "bench.serve_sequential", "bench.echo"
SOAK_LANE_USERS = 10_000
"""User ids per soak lane: each lane's users one after another."""
MEMORY_EVERY = 0.5
"""Seconds between two readings of the bot's resident memory in a soak."""


@dataclass(frozen=True)
class Scenario:
    """A load on one bot: who, how many, how fast, over what network and database."""

    name: str
    what: str
    bot: str = COACH
    database: str = "sqlite"  # "sqlite", "postgresql", or "" for the echo bot
    users: int = 200
    latency: float = 0.0
    jitter: float = 0.0
    think: float = 0.0  # mean seconds a user takes before each update
    time_box: float | None = None  # stop the users after this many seconds
    answers: int | None = None  # answer only the first few questions
    classroom: bool = False  # students join a class by its deep link
    soak: int | None = None  # this many updates by users one after another (`users` lanes)


@dataclass
class Run:
    """What one run of a scenario measured."""

    scenario: str
    users: int
    updates: int
    answers: int
    started: int
    finished: int
    stuck: int
    seconds: float
    updates_per_s: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    calls_per_answer: float | None
    peak_rss_mib: float
    start_to_poll_s: float
    notes: list[str] = field(default_factory=list)
    drift: float | None = None
    """A soak's change from its first fifth to its last: the larger of updates/s and RSS."""


def _database(kind: str, postgres_url: str) -> AbstractAsyncContextManager[str]:
    if kind == "postgresql":
        return postgres_database(postgres_url)
    if kind == "sqlite":
        return sqlite_database()

    @asynccontextmanager
    async def none() -> AsyncIterator[str]:
        yield ""

    return none()


def _join_payload(message: BotMessage) -> str:
    for row in (message.reply_markup or {}).get("inline_keyboard", []):
        for button in row:
            if "start=" in str(button.get("url", "")):
                return str(parse_qs(urlparse(button["url"]).query)["start"][0])
    raise ValueError(f"no deep link on message {message.message_id}")


async def open_class(tg: BenchTelegram) -> str:
    """Open a class in a group, for the students' own businesses; return its join payload."""
    group = tg.group_chat(10, "Class")
    teacher = Actor(tg, tg.user(90, "Teacher", "it"), Stats(), chat=group)
    choose = await teacher.act(
        lambda m: any(CaseTap.matches(d) for row in m.buttons for _, d in row),
        teacher.send("/class Benchmark"),
    )
    own = [d for row in choose.buttons for _, d in row if d][-1]
    announcement = await teacher.act(
        lambda m: "start=" in str(m.reply_markup), teacher.tap(choose, own)
    )
    return _join_payload(announcement)


async def run_once(
    scenario: Scenario, personas: list[Persona], postgres_url: str, seed: int
) -> Run:
    """Run the scenario once on a fresh server, bot process and database."""
    rng = random.Random(seed)
    stats = Stats()
    async with (
        BenchTelegram(latency=scenario.latency, jitter=scenario.jitter) as tg,
        _database(scenario.database, postgres_url) as database,
        bot_process(tg, scenario.bot, database) as bot,
    ):
        start = "/start"
        if scenario.classroom:
            start = f"/start {await open_class(tg)}"
        think = thinking(scenario.think, rng) if scenario.think else no_thinking
        users: list[Awaitable[object]] = []
        memory: list[tuple[float, float]] = []
        if scenario.soak is not None:
            users = soak_lanes(tg, scenario, personas, stats)
            sampler = asyncio.ensure_future(_sample_memory(bot, memory))
        for index in range(scenario.users if scenario.soak is None else 0):
            persona = personas[index % len(personas)]
            user = tg.user(FIRST_USER + index, f"U{index}", persona.lang)
            actor = Actor(tg, user, stats, think=think)
            if scenario.bot == ECHO:
                play: Coroutine[Any, Any, object] = echo(actor, persona, start)
            else:
                play = interview(actor, persona, start, scenario.answers)
            # Students arrive over one thinking time, not all in the same millisecond.
            users.append(_after(rng.uniform(0, scenario.think) if scenario.classroom else 0, play))
        deadline = None if scenario.time_box is None else time.perf_counter() + scenario.time_box
        await run_all(stats, users, deadline)
        if scenario.soak is not None:
            sampler.cancel()
        peak = bot.peak_rss_mib()
        chats = {chat_id for chat_id in tg.chats if chat_id >= FIRST_USER}  # the users' own
        calls = tg.chat_bound_calls(chats)
        problems = tg.errors + [f"unknown method {name}" for name in tg.unknown_calls]
        logged = bot.log.read_text(encoding="utf-8", errors="replace").count("Traceback")
        if logged:
            problems.append(f"{logged} tracebacks in the bot's log")
    latencies = [seconds * 1000 for seconds in stats.latencies]
    fifths = soak_fifths(stats, memory) if scenario.soak is not None else ()
    return Run(
        scenario=scenario.name,
        users=scenario.users,
        updates=stats.updates,
        answers=stats.answers,
        started=stats.started,
        finished=stats.finished,
        stuck=len(stats.stuck),
        seconds=stats.seconds,
        updates_per_s=stats.updates_per_second,
        p50_ms=percentile(latencies, 0.50),
        p95_ms=percentile(latencies, 0.95),
        p99_ms=percentile(latencies, 0.99),
        calls_per_answer=calls / stats.answers if stats.answers and scenario.bot != ECHO else None,
        peak_rss_mib=peak,
        start_to_poll_s=bot.start_to_poll,
        notes=(stats.stuck[:3] + problems[:3] + _fifths_note(fifths)),
        drift=soak_drift(fifths) if fifths else None,
    )


def _fifths_note(fifths: tuple[float, ...]) -> list[str]:
    if not fifths:
        return []
    rate_first, rate_last, rss_first, rss_last = fifths
    return [
        f"first to last fifth: {rate_first:.1f} to {rate_last:.1f} updates/s,"
        f" {rss_first:.0f} to {rss_last:.0f} MiB"
    ]


def soak_lanes(
    tg: BenchTelegram, scenario: Scenario, personas: list[Persona], stats: Stats
) -> list[Awaitable[object]]:
    """Return the soak's lanes: each plays new users one after another (see `soak_lane`)."""
    assert scenario.soak is not None
    lanes: list[Awaitable[object]] = []
    for lane in range(scenario.users):

        def actor_for(number: int, lane: int = lane) -> Actor:
            persona = personas[(lane + number) % len(personas)]
            user_id = FIRST_USER + lane * SOAK_LANE_USERS + number
            return Actor(tg, tg.user(user_id, f"S{lane}.{number}", persona.lang), stats)

        lanes.append(soak_lane(actor_for, personas, stats, scenario.soak, lane))
    return lanes


async def _sample_memory(bot: BotProcess, samples: list[tuple[float, float]]) -> None:
    while True:
        samples.append((time.perf_counter(), bot.rss_mib()))
        await asyncio.sleep(MEMORY_EVERY)


def soak_fifths(stats: Stats, memory: list[tuple[float, float]]) -> tuple[float, ...]:
    """Return a soak's updates/s in its first and last fifth, then the bot's mean MiB in each.

    Fifths are by replies: the first and the last fifth of the updates answered, with their
    replies' wall time and the bot's mean resident memory meanwhile.
    """
    replies = sorted(replied for _, _, replied in stats.sends)
    fifth = len(replies) // 5
    if fifth < 2:
        return (math.nan,) * 4
    first, last = replies[:fifth], replies[-fifth:]

    def rate(times: list[float]) -> float:
        return (len(times) - 1) / (times[-1] - times[0])

    def mean_rss(times: list[float]) -> float:
        inside = [rss for at, rss in memory if times[0] <= at <= times[-1]]
        return sum(inside) / len(inside) if inside else math.nan

    return rate(first), rate(last), mean_rss(first), mean_rss(last)


def soak_drift(fifths: tuple[float, ...]) -> float:
    """Return the larger change from the first fifth to the last: of updates/s, or of RSS."""
    rate_first, rate_last, rss_first, rss_last = fifths
    return max(abs(rate_last / rate_first - 1), abs(rss_last / rss_first - 1))


async def _after(delay: float, user: Coroutine[Any, Any, object]) -> None:
    try:
        await asyncio.sleep(delay)
    except asyncio.CancelledError:
        user.close()  # stopped before it began: never awaited, and that is fine
        raise
    await user

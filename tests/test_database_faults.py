"""Database faults as users meet them: no database at start-up, connections killed mid-run.

The PostgreSQL tests kill the bot's server connections with pg_terminate_backend, the way a
failover, a restarted pooler or an administrator does, and check what the promise says: the
next updates are served, every answer the bot acknowledged is stored exactly once, an
interview's state always agrees with its answers, and a card is stored once.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import random
import secrets
import subprocess
import sys
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import asyncpg
import pytest
from sqlalchemy import insert
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from telegram.ext import Application

from bot.storage.migrate import upgrade
from bot.storage.models import InterviewRow
from bot.storage.repository import SqlSessionStore
from flows.coach import Coach
from flows.conditions import AnswerValue
from flows.content import Content
from flows.ui_keys import UiKey
from tests.fake_telegram import BotMessage, FakeTelegram, FakeUser
from tests.personas import CAREFUL_BAKERY, MISTAKE_TRIGGERS, play
from tests.postgres import execute_on_postgres
from tests.telegram_support import (
    ROOT,
    button,
    current_question,
    option_label,
    running_bot,
    ui_label,
)

POSTGRES_URL = os.environ.get("TEST_DATABASE_URL", "")
ERRORS_TO_USER: tuple[UiKey, ...] = ("tg_db_retry", "tg_error", "tg_conflict")
CARD_TITLE = "📋 Your social media strategy"
_T = TypeVar("_T")


# --------------------------------------------------------------------------- start-up


def _start_bot(database_url: str) -> subprocess.CompletedProcess[str]:
    environment = {
        **os.environ,
        "TELEGRAM_BOT_TOKEN": "123456:TEST-db-faults-token",
        "DATABASE_URL": database_url,
    }
    return subprocess.run(
        [sys.executable, "-m", "bot"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def _assert_stopped_clearly(result: subprocess.CompletedProcess[str], label: str) -> None:
    assert result.returncode == 3, result.stderr
    assert f"Cannot open the database {label}" in result.stderr
    assert "Traceback" not in result.stderr, "one clear message, not a traceback"
    assert "TEST-db-faults-token" not in result.stderr + result.stdout
    assert "secret-pw" not in result.stderr + result.stdout


def test_an_sqlite_file_that_cannot_be_created_stops_start_up_with_a_clear_message(
    tmp_path: Path,
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    url = f"sqlite+aiosqlite:///{blocker / 'data' / 'coach.sqlite3'}"
    result = _start_bot(url)
    _assert_stopped_clearly(result, url)
    assert "Not a directory" in result.stderr


def test_a_postgres_server_that_refuses_connections_stops_start_up_with_a_clear_message() -> None:
    url = "postgresql+asyncpg://coach:secret-pw@127.0.0.1:9/coach"  # nothing listens on port 9
    result = _start_bot(url)
    _assert_stopped_clearly(result, "postgresql+asyncpg://coach:***@127.0.0.1:9/coach")


def test_a_missing_postgres_database_stops_start_up_with_a_clear_message() -> None:
    if not POSTGRES_URL:
        pytest.skip("TEST_DATABASE_URL is not set")
    name = f"coach_missing_{secrets.token_hex(4)}"
    url = make_url(POSTGRES_URL).set(database=name, password="secret-pw")
    result = _start_bot(url.render_as_string(hide_password=False))
    _assert_stopped_clearly(result, url.render_as_string(hide_password=True))
    assert f'database "{name}" does not exist' in result.stderr


# --------------------------------------------------------------------------- errors


async def test_a_failed_statement_never_shows_the_users_words(any_store: SqlSessionStore) -> None:
    words = "Biscotti della nonna Pina"
    orphan = insert(InterviewRow).values(
        public_id="orphan", user_id=404, chat_id=404, state="offer", answers={"offer": words}
    )
    with pytest.raises(DBAPIError) as failure:
        async with any_store.engine.begin() as connection:
            await connection.execute(orphan)  # no such user: the foreign key refuses it
    assert words not in str(failure.value), "the error (and any log of it) would carry them"
    assert "parameters hidden" in str(failure.value)


# --------------------------------------------------------------------------- PostgreSQL


async def _connect(url: str) -> Any:
    parts = make_url(url)
    return await asyncpg.connect(
        user=parts.username,
        password=parts.password,
        host=parts.host,
        port=parts.port,
        database=parts.database,
        timeout=5,
    )


@dataclass
class Postgres:
    """A fresh, migrated database for the bot, and a connection that can kill its backends."""

    url: str
    name: str
    admin: Any  # an asyncpg connection to the server's own database, never killed here
    spared: set[int] = field(default_factory=set)

    async def bot_backends(self) -> list[int]:
        """The pids of the bot's connections (any on its database that is not spared)."""
        rows = await self.admin.fetch(
            "SELECT pid FROM pg_stat_activity WHERE datname = $1 AND NOT pid = ANY($2::int[])",
            self.name,
            list(self.spared),
        )
        return [int(row["pid"]) for row in rows]

    async def kill_bot_connections(self, *, wait: bool = True) -> int:
        """Terminate every connection of the bot; with `wait`, until their processes are gone."""
        killed = [
            int(row["pid"])
            for row in await self.admin.fetch(
                # Materialized first: in one WHERE, PostgreSQL may call pg_terminate_backend
                # on every backend of the server before it looks at the database name.
                "WITH bot AS MATERIALIZED (SELECT pid FROM pg_stat_activity"
                " WHERE datname = $1 AND NOT pid = ANY($2::int[]))"
                " SELECT pid FROM bot WHERE pg_terminate_backend(pid)",
                self.name,
                list(self.spared),
            )
        ]
        if wait:
            for _ in range(200):
                if not set(killed) & set(await self.bot_backends()):
                    break
                await asyncio.sleep(0.01)
            else:
                raise AssertionError(f"backends {killed} outlived pg_terminate_backend")
        return len(killed)

    async def observer(self) -> Any:
        """A connection to the bot's database that the kills spare."""
        connection = await _connect(self.url)
        self.spared.add(int(await connection.fetchval("SELECT pg_backend_pid()")))
        return connection


@pytest.fixture
async def postgres() -> AsyncIterator[Postgres]:
    if not POSTGRES_URL:
        pytest.skip("TEST_DATABASE_URL is not set")
    name = f"coach_faults_{secrets.token_hex(4)}"
    await execute_on_postgres(POSTGRES_URL, f'CREATE DATABASE "{name}"')
    url = make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    admin = await _connect(POSTGRES_URL)
    try:
        await asyncio.to_thread(upgrade, url)
        yield Postgres(url, name, admin)
    finally:
        await admin.close()
        await execute_on_postgres(POSTGRES_URL, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
async def pg_store(postgres: Postgres) -> AsyncIterator[SqlSessionStore]:
    """The store the bot uses, on the fresh PostgreSQL database."""
    store = SqlSessionStore.from_url(postgres.url)
    yield store
    await store.close()


@contextlib.contextmanager
def _fault_log(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """Capture the log at INFO; afterwards, no line of the bot or SQLAlchemy has a traceback."""
    caplog.set_level(logging.INFO)
    yield
    for record in caplog.records:
        if record.name.startswith(("bot", "sqlalchemy")):
            assert record.exc_info is None, f"a traceback was logged: {record.getMessage()}"


@dataclass
class Player:
    """A user who answers a scripted interview, one acknowledged answer at a time."""

    tg: FakeTelegram
    coach: Coach
    user: FakeUser
    answers: dict[str, AnswerValue]
    think: float = 0.0
    acknowledged: int = 0
    """How many answers the bot acknowledged by showing what comes next."""
    asked: list[str] = field(init=False)

    def __post_init__(self) -> None:
        self.asked = play(self.coach, self.answers, "en").asked

    @property
    def chat(self) -> int:
        return self.user.chat.id

    async def until(self, condition: Callable[[], _T | None], timeout: float = 30) -> _T:
        """Wait for the condition; fail at once if the bot tells the user something failed."""
        errors = {self.coach.content.text(key).en for key in ERRORS_TO_USER}

        def check() -> _T | None:
            said = [m.text for m in self.tg.messages(self.chat) if m.from_bot and m.text in errors]
            if said:
                raise AssertionError(f"user {self.user.id} was told: {said[0]!r}")
            return condition()

        return await self.tg.wait_for(check, timeout)

    def shown(self, question_id: str) -> BotMessage | None:
        """The message showing this question, once it can be answered."""
        question = self.coach.content.question(question_id)
        message = current_question(self.tg, self.chat, None)
        if message is None or question.prompt("en") not in message.text.split("\n\n")[-1]:
            return None
        if question.kind != "text" and not message.buttons:
            return None
        return message

    def card_shown(self) -> bool:
        return any(CARD_TITLE in m.text for m in self.tg.messages(self.chat) if m.from_bot)

    async def pause(self) -> None:
        if self.think:
            await asyncio.sleep(random.uniform(0, 2 * self.think))

    async def start(self) -> None:
        await self.user.send("/start")
        await self.until(lambda: self.shown(self.asked[0]))

    async def answer_next(self) -> None:
        """Answer the next question and wait until the bot shows what comes after it."""
        await self.give_answer()
        await self.until_acknowledged()

    async def give_answer(self) -> None:
        """Answer the next question (for a multiple choice, tap by tap and then Done)."""
        question_id = self.asked[self.acknowledged]
        question = self.coach.content.question(question_id)
        message = await self.until(lambda: self.shown(question_id))
        value = self.answers[question_id]
        await self.pause()
        if question.kind == "text":
            assert isinstance(value, str)
            await self.user.send(value)
        elif question.kind == "single":
            assert isinstance(value, str)
            await self.user.tap(
                message,
                callback_data=button(message, option_label(self.coach.content, question_id, value)),
            )
        else:
            picked = [value] if isinstance(value, str) else list(value or [])
            for option_id in picked:
                await self.user.tap(
                    message,
                    callback_data=button(
                        message, option_label(self.coach.content, question_id, option_id)
                    ),
                )
                label = next(
                    c.label("en")
                    for c in self.coach.content.all_options_of(question)
                    if c.id == option_id
                )

                def toggled(label: str = label, message_id: int = message.message_id) -> bool:
                    shown = next(
                        m for m in self.tg.messages(self.chat) if m.message_id == message_id
                    )
                    return any(text == f"✅ {label}" for row in shown.buttons for text, _ in row)

                await self.until(toggled)
                await self.pause()
            latest = next(
                m for m in self.tg.messages(self.chat) if m.message_id == message.message_id
            )
            await self.user.tap(
                latest, callback_data=button(latest, ui_label(self.coach.content, "tg_button_done"))
            )

    async def until_acknowledged(self) -> None:
        """Wait until the bot shows what comes after the answer just given."""
        following = self.acknowledged + 1
        if following < len(self.asked):
            await self.until(lambda: self.shown(self.asked[following]))
        else:
            await self.until(self.card_shown)
        self.acknowledged = following

    async def finish(self) -> None:
        while self.acknowledged < len(self.asked):
            await self.answer_next()


@dataclass(frozen=True)
class StoredInterview:
    state: str | None
    answers: dict[str, AnswerValue]
    version: int


async def _interviews(connection: Any, user_id: int) -> list[StoredInterview]:
    rows = await connection.fetch(
        "SELECT state, answers, version FROM interviews WHERE user_id = $1 ORDER BY id", user_id
    )
    return [
        StoredInterview(row["state"], json.loads(row["answers"]), int(row["version"]))
        for row in rows
    ]


async def _cards(connection: Any, user_id: int) -> list[dict[str, AnswerValue]]:
    rows = await connection.fetch("SELECT answers FROM cards WHERE user_id = $1", user_id)
    return [json.loads(row["answers"]) for row in rows]


def _assert_agrees(player: Player, stored: StoredInterview, acknowledged: int) -> None:
    """State and answers of a forward-played interview agree, with every acknowledged answer."""
    answered = len(stored.answers)
    assert answered >= acknowledged, f"user {player.user.id} lost an acknowledged answer"
    assert stored.answers == {q: player.answers[q] for q in player.asked[:answered]}
    expected = player.asked[answered] if answered < len(player.asked) else "card"
    assert stored.state == expected, f"state {stored.state} after {answered} answers"


async def _assert_finished(player: Player, connection: Any) -> None:
    interviews = await _interviews(connection, player.user.id)
    assert len(interviews) == 1
    assert interviews[0].state == "card"
    assert interviews[0].answers == player.answers
    cards = await _cards(connection, player.user.id)
    assert cards == [player.answers], "one card, with the answers the user gave"


def _idle(application: Application) -> bool:  # type: ignore[type-arg]
    """True when the bot has no update queued or in progress (the card is sent after that)."""
    processor = application.update_processor
    return application.update_queue.empty() and processor.current_concurrent_updates == 0


async def test_connections_killed_between_answers_are_replaced_unseen(
    tg: FakeTelegram,
    content: Content,
    postgres: Postgres,
    pg_store: SqlSessionStore,
    caplog: pytest.LogCaptureFixture,
) -> None:
    coach = Coach(content)
    player = Player(tg, coach, tg.user(7001, "Kim", "en"), CAREFUL_BAKERY)
    with _fault_log(caplog):
        async with running_bot(tg, coach, pg_store) as application:
            await player.start()
            for _ in range(3):
                await player.answer_next()
            while player.acknowledged < len(player.asked):
                # Once the bot is idle, its connections wait in the pool: every one is killed.
                await tg.wait_for(lambda: _idle(application))
                assert await postgres.kill_bot_connections() >= 1
                await player.answer_next()
    observer = await postgres.observer()
    try:
        await _assert_finished(player, observer)
    finally:
        await observer.close()
    lost = [r.getMessage() for r in caplog.records if r.name == "bot.storage.engine"]
    retried = [m for m in lost if m.startswith("database connection lost in SqlSessionStore.")]
    pinged = [m for m in lost if m.startswith("a pooled database connection was closed by the")]
    # Sessions have a pool of their own, not pinged before each use: the first read on a
    # killed connection fails and runs again on a new one. The other stores' pool pings.
    assert len(retried) == len(player.asked) - 3, "one retry for each kill"
    assert all("attempt 2 of 3" in m for m in retried), retried
    assert len(retried) + len(pinged) == len(lost), lost
    assert tg.token not in caplog.text
    assert str(CAREFUL_BAKERY["offer"]) not in caplog.text


async def _kill_while_blocked(
    postgres: Postgres, lock: str, act: Callable[[], Awaitable[object]]
) -> int:
    """Hold a table lock, let the bot's save wait on it mid-transaction, then kill the bot."""
    holder = await postgres.observer()
    try:
        async with holder.transaction():
            await holder.execute(lock)
            await act()
            for _ in range(1000):
                waiting = await holder.fetchval(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = $1"
                    " AND wait_event_type = 'Lock' AND NOT pid = ANY($2::int[])",
                    postgres.name,
                    list(postgres.spared),
                )
                if waiting:
                    break
                await asyncio.sleep(0.01)
            else:
                raise AssertionError("the bot's save never waited on the lock")
            return await postgres.kill_bot_connections()
    finally:
        await holder.close()


async def test_a_connection_killed_inside_a_save_is_retried_and_the_card_stored_once(
    tg: FakeTelegram,
    content: Content,
    postgres: Postgres,
    pg_store: SqlSessionStore,
    caplog: pytest.LogCaptureFixture,
) -> None:
    coach = Coach(content)
    player = Player(tg, coach, tg.user(7002, "Noor", "en"), CAREFUL_BAKERY)
    with _fault_log(caplog):
        async with running_bot(tg, coach, pg_store):
            await player.start()
            await player.answer_next()
            # The typed answer's save waits to update the interview; its connection is killed.
            assert player.asked[player.acknowledged] == "offer"
            killed = await _kill_while_blocked(
                postgres, "LOCK TABLE interviews IN SHARE MODE", player.give_answer
            )
            assert killed >= 1
            await player.until_acknowledged()
            while player.acknowledged < len(player.asked) - 1:
                await player.answer_next()
            # The last answer's save has updated the interview and waits to store the card.
            assert coach.content.question(player.asked[player.acknowledged]).kind == "single"
            killed = await _kill_while_blocked(
                postgres, "LOCK TABLE cards IN SHARE MODE", player.give_answer
            )
            assert killed >= 1
            await player.until_acknowledged()
    observer = await postgres.observer()
    try:
        await _assert_finished(player, observer)
        interviews = await _interviews(observer, player.user.id)
    finally:
        await observer.close()
    lost = [r.getMessage() for r in caplog.records if "connection lost" in r.getMessage()]
    line = (
        "database connection lost in SqlSessionStore.save (ConnectionDoesNotExistError);"
        " attempt 2 of 3 on a new connection"
    )
    assert lost == [line, line], "one line for each killed save"
    assert interviews[0].version >= len(player.asked)
    assert str(CAREFUL_BAKERY["offer"]) not in caplog.text and tg.token not in caplog.text


def _storm_personas() -> list[dict[str, AnswerValue]]:
    """The careful bakery with one mistake each, so mistakes are shown during the storm too."""
    return [
        {**CAREFUL_BAKERY, question: answer, "offer": f"Shop number {index}"}
        for index, (question, answer) in enumerate(MISTAKE_TRIGGERS.values())
    ]


async def test_several_users_finish_while_connections_are_killed_every_200_ms(
    tg: FakeTelegram,
    content: Content,
    postgres: Postgres,
    pg_store: SqlSessionStore,
    caplog: pytest.LogCaptureFixture,
) -> None:
    coach = Coach(content)
    players = [
        # About 2.5 s of answers each: the storm must outlast ten kills however fast the bot is.
        Player(tg, coach, tg.user(7100 + index, f"User{index}", "en"), answers, think=0.15)
        for index, answers in enumerate(_storm_personas())
    ]
    observer = await postgres.observer()
    done = asyncio.Event()
    kills: list[int] = []
    snapshots = 0

    async def kill_every_200_ms() -> None:
        while not done.is_set():
            await asyncio.sleep(0.2)
            kills.append(await postgres.kill_bot_connections(wait=False))

    async def check_every_100_ms() -> None:
        nonlocal snapshots
        versions: dict[int, int] = {}
        while not done.is_set():
            acknowledged = {p.user.id: p.acknowledged for p in players}  # before reading
            for player in players:
                stored = await _interviews(observer, player.user.id)
                assert len(stored) <= 1 and len(await _cards(observer, player.user.id)) <= 1
                if stored:
                    _assert_agrees(player, stored[0], acknowledged[player.user.id])
                    assert stored[0].version >= versions.get(player.user.id, 0)
                    versions[player.user.id] = stored[0].version
                else:
                    assert acknowledged[player.user.id] == 0
            snapshots += 1
            await asyncio.sleep(0.1)

    try:
        with _fault_log(caplog):
            async with running_bot(tg, coach, pg_store):
                # Everyone is greeted first (the pool fills up), then answers during the storm.
                await asyncio.gather(*(p.start() for p in players))
                background = [
                    asyncio.create_task(kill_every_200_ms()),
                    asyncio.create_task(check_every_100_ms()),
                ]
                try:
                    await asyncio.gather(*(p.finish() for p in players))
                finally:
                    done.set()
                    await asyncio.gather(*background)
        for player in players:
            await _assert_finished(player, observer)
    finally:
        await observer.close()
    rounds = [k for k in kills if k]
    assert len(rounds) >= 10, f"the storm was too short to mean anything: {kills}"
    assert snapshots >= 10
    assert tg.token not in caplog.text
    assert not any(f"Shop number {i}" in caplog.text for i in range(len(players)))

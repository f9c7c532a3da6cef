"""Two `python -m bot` processes in webhook mode on one PostgreSQL, behind a balancer."""

from __future__ import annotations

import asyncio
import itertools
import json
import os
import signal
import sys
import time
from collections import defaultdict
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web

from bot.storage.repository import SqlSessionStore
from bot.telegram.app import WEBHOOK_PATH
from bot.telegram.webhook import SECRET_HEADER
from flows.coach import Coach
from flows.conditions import AnswerValue
from flows.i18n import Lang
from tests.fake_telegram import FakeTelegram
from tests.personas import CAREFUL_BAKERY
from tests.telegram_support import ROOT, free_port, play_in_telegram, start_bot_process

SECRET = "two-instances_1"
USERS = 8


@dataclass(frozen=True)
class Forward:
    """One webhook request the balancer passed on, and when."""

    update_id: int
    chat_id: object
    instance: int
    started: float
    ended: float
    status: int


class Balancer:
    """A reverse proxy in front of the instances: each chat's requests go to them in turn."""

    def __init__(self, targets: list[str]) -> None:
        self.targets = targets
        self.forwards: list[Forward] = []
        self._turns: dict[object, int] = defaultdict(int)
        self._session: aiohttp.ClientSession | None = None

    async def handle(self, request: web.Request) -> web.Response:
        """Pass the update on to the next instance in this chat's turn; answer as it did."""
        assert self._session is not None
        body = await request.read()
        update = json.loads(body)
        chat_id = _chat_of(update)
        instance = self._turns[chat_id] % len(self.targets)
        self._turns[chat_id] += 1
        headers = {SECRET_HEADER: request.headers.get(SECRET_HEADER, "")}
        started = time.monotonic()
        try:
            async with self._session.post(
                self.targets[instance], data=body, headers=headers
            ) as response:
                status = response.status
        except aiohttp.ClientError:
            status = 502  # the instance is down: Telegram will deliver the update again
        self.forwards.append(
            Forward(update["update_id"], chat_id, instance, started, time.monotonic(), status)
        )
        return web.Response(status=status)

    @asynccontextmanager
    async def serving(self, port: int) -> AsyncIterator[None]:
        """Listen on this port while the block runs."""
        app = web.Application()
        app.router.add_post(f"/{WEBHOOK_PATH}", self.handle)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", port).start()
        self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=60))
        try:
            yield
        finally:
            await self._session.close()
            await runner.cleanup()


def _chat_of(update: dict[str, object]) -> object:
    for value in update.values():
        if isinstance(value, dict):
            message = value.get("message") if "message" in value else value
            if isinstance(message, dict) and isinstance(message.get("chat"), dict):
                return message["chat"]["id"]
    return None


def _script(i: int) -> dict[str, AnswerValue]:
    """Different answers per user, with a multiple choice of up to four options."""
    # In the order the options are listed, which is the order the answer is stored in.
    networks = [["instagram", "facebook"], ["instagram", "facebook", "tiktok"]][i % 2]
    if i % 3 == 0:
        networks = ["instagram", "facebook", "tiktok", "linkedin"]
    return {
        **CAREFUL_BAKERY,
        "offer": f"Bottega numero {i}",
        "shop_area": f"Via dei Mille {i}, Bari",
        "networks": networks,
        "preferred_network": networks[-1],
        "content_types": ["photos", "short_videos", "graphics"][: 1 + i % 3],
    }


async def test_two_instances_migrating_one_fresh_database_at_once_both_succeed(
    postgres_database: str,
) -> None:
    environment = {**os.environ, "DATABASE_URL": postgres_database}
    migrations = [
        await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot.storage.migrate",
            cwd=ROOT,
            env=environment,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
        )
        for _ in range(2)
    ]
    outputs = await asyncio.gather(*(m.communicate() for m in migrations))
    for migration, (output, _) in zip(migrations, outputs, strict=True):
        assert migration.returncode == 0, output.decode()[-2000:]
        assert "Database schema is up to date" in output.decode()


@pytest.mark.parametrize("run", range(5))
async def test_two_instances_keep_each_users_order_and_lose_nothing(
    tg: FakeTelegram, coach: Coach, postgres_database: str, tmp_path: Path, run: int
) -> None:
    ports = [free_port(), free_port()]
    balancer = Balancer([f"http://127.0.0.1:{p}/{WEBHOOK_PATH}" for p in ports])
    front = free_port()
    logs = [tmp_path / f"instance-{i}.log" for i in range(2)]
    async with balancer.serving(front):
        processes = [
            await start_bot_process(
                tg,
                postgres_database,
                log_file=logs[i],
                environment={
                    "WEBHOOK_URL": f"http://127.0.0.1:{front}/{WEBHOOK_PATH}",
                    "WEBHOOK_SECRET": SECRET,
                    "PORT": str(ports[i]),
                },
            )
            for i in range(2)
        ]
        try:
            await _both_listening(ports)
            users = [tg.user(5000 + i, f"U{i}", "it" if i % 2 else "en") for i in range(USERS)]

            async def interview(i: int) -> None:
                lang: Lang = "it" if i % 2 else "en"
                await users[i].send("/start")
                await play_in_telegram(tg, coach, users[i], _script(i), lang=lang, burst=True)

            await asyncio.gather(*(interview(i) for i in range(USERS)))
            await tg.wait_for(lambda: tg.pending_updates == 0, 30)
        finally:
            for process in processes:
                process.send_signal(signal.SIGTERM)
            for process in processes:
                await asyncio.wait_for(process.wait(), 30)
    for process, log in zip(processes, logs, strict=True):
        assert process.returncode == 0, log.read_text(encoding="utf-8")[-2000:]

    # Both instances served every user, and one user's updates never overlapped or overtook.
    per_chat: dict[object, list[Forward]] = defaultdict(list)
    for forward in balancer.forwards:
        assert forward.status == 200, forward
        per_chat[forward.chat_id].append(forward)
    for user in users:
        forwards = sorted(per_chat[user.chat.id], key=lambda f: f.started)
        assert {f.instance for f in forwards} == {0, 1}
        for earlier, later in itertools.pairwise(forwards):
            assert earlier.ended <= later.started and earlier.update_id < later.update_id

    store = SqlSessionStore.from_url(postgres_database)
    try:
        for i, user in enumerate(users):
            cards = await store.cards(user.id)
            assert len(cards) == 1, f"user {i} has {len(cards)} cards"
            assert cards[0].answers == _script(i)
    finally:
        await store.close()


async def _both_listening(ports: list[int]) -> None:
    """Wait until both instances answer on their own port (a guard, not a speed check)."""
    deadline = time.monotonic() + 30
    async with aiohttp.ClientSession() as http:
        for port in ports:
            while True:
                try:
                    async with http.get(f"http://127.0.0.1:{port}/healthz") as response:
                        if response.status == 200:
                            break
                except aiohttp.ClientError:
                    pass
                assert time.monotonic() < deadline, f"instance on port {port} did not start"
                await asyncio.sleep(0.1)

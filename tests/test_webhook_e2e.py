"""Webhook mode: updates over HTTP with the secret, `/healthz`, and `python -m bot` serving it."""

from __future__ import annotations

import asyncio
import signal
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import aiohttp
from aiohttp import web

from bot.storage.engine import create_engine
from bot.storage.health import HEALTH_PATH, database_reachable
from bot.storage.repository import SqlSessionStore
from bot.telegram.app import WEBHOOK_PATH, build_application
from bot.telegram.webhook import SECRET_HEADER, serve_webhook, webhook_app
from flows.coach import Coach
from tests.fake_telegram import FakeTelegram
from tests.telegram_support import (
    free_port,
    roomy_rate_limiter,
    serves_class_pages,
    settings_for,
    start_bot_process,
)

SECRET = "s3cret_Token-1"
FORGED = {
    "update_id": 999,
    "message": {
        "message_id": 1,
        "date": 0,
        "text": "/start",
        "chat": {"id": 3001, "type": "private"},
        "from": {"id": 3001, "is_bot": False, "first_name": "Mallory"},
    },
}


@asynccontextmanager
async def webhook_bot(tg: FakeTelegram, coach: Coach, store: SqlSessionStore) -> AsyncIterator[str]:
    """Serve the application's webhook in this process; yield its base URL."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    settings = settings_for(tg, webhook_url=f"{base}/{WEBHOOK_PATH}", webhook_secret=SECRET)
    application = build_application(
        settings, coach, store, rate_limiter=roomy_rate_limiter(), flood_limit=None
    )
    stopped = asyncio.Event()

    async def healthy() -> bool:
        return await database_reachable(store.engine)

    serving = asyncio.create_task(
        serve_webhook(
            application,
            listen="127.0.0.1",
            port=port,
            path=WEBHOOK_PATH,
            webhook_url=settings.webhook_url,
            secret=SECRET,
            healthy=healthy,
            stopped=stopped,
        )
    )
    try:
        await tg.wait_for(lambda: tg.webhook is not None or serving.done(), 15)
        yield base
    finally:
        stopped.set()
        await asyncio.wait_for(serving, 30)


async def test_updates_arrive_with_the_secret_and_forgeries_are_refused(
    tg: FakeTelegram, coach: Coach, store: SqlSessionStore
) -> None:
    async with webhook_bot(tg, coach, store) as base, aiohttp.ClientSession() as http:
        assert tg.webhook is not None and tg.webhook.secret_token == SECRET
        assert tg.webhook.url == f"{base}/{WEBHOOK_PATH}"
        user = tg.user(3001, "Wen", "en")
        await user.send("/start")
        reply = await user.next_bot_message(timeout=15)
        assert "Question 1 of" in reply.text
        # Answered once applied: the 200 comes after the reply was sent.
        await tg.wait_for(lambda: tg.webhook_deliveries, 15)
        assert all(status == 200 for _, status in tg.webhook_deliveries)

        url = f"{base}/{WEBHOOK_PATH}"
        for headers in ({SECRET_HEADER: "wrong"}, {SECRET_HEADER: SECRET[:-1]}, {}):
            async with http.post(url, json=FORGED, headers=headers) as response:
                assert response.status == 403
        for body in (b"not json", b'{"update_id": "x"}', b"[]"):
            async with http.post(url, data=body, headers={SECRET_HEADER: SECRET}) as response:
                assert response.status == 400
        async with http.get(f"{base}{HEALTH_PATH}") as response:
            assert response.status == 200 and (await response.json()) == {"status": "ok"}
        sent = len([e for e in tg.bot_events if e.chat_id == 3001])
        await asyncio.sleep(0.3)
        assert len([e for e in tg.bot_events if e.chat_id == 3001]) == sent


async def test_healthz_says_503_when_the_database_is_unreachable(coach: Coach) -> None:
    unreachable = create_engine(f"postgresql+asyncpg://nobody@127.0.0.1:{free_port()}/none")
    port = free_port()

    async def healthy() -> bool:
        return await database_reachable(unreachable, timeout=2.0)

    async with FakeTelegram() as tg:
        application = build_application(settings_for(tg), coach, flood_limit=None)
        runner = web.AppRunner(webhook_app(application, WEBHOOK_PATH, SECRET, healthy))
        await runner.setup()
        try:
            await web.TCPSite(runner, "127.0.0.1", port).start()
            async with (
                aiohttp.ClientSession() as http,
                http.get(f"http://127.0.0.1:{port}{HEALTH_PATH}") as response,
            ):
                assert response.status == 503
                assert (await response.json()) == {"status": "database unreachable"}
        finally:
            await runner.cleanup()
            await unreachable.dispose()


async def test_python_m_bot_serves_the_webhook_and_healthz(
    tg: FakeTelegram, tmp_path: Path
) -> None:
    port = free_port()
    log_file = tmp_path / "bot.log"
    process = await start_bot_process(
        tg,
        f"sqlite+aiosqlite:///{tmp_path / 'coach.sqlite3'}",
        log_file=log_file,
        environment={
            "WEBHOOK_URL": f"http://127.0.0.1:{port}/{WEBHOOK_PATH}",
            "WEBHOOK_SECRET": SECRET,
            "PORT": str(port),
        },
    )
    try:
        await tg.wait_for(lambda: tg.webhook is not None, 30)
        async with (
            aiohttp.ClientSession() as http,
            http.get(f"http://127.0.0.1:{port}{HEALTH_PATH}") as response,
        ):
            assert response.status == 200
        await serves_class_pages(f"sqlite+aiosqlite:///{tmp_path / 'coach.sqlite3'}", port)
        user = tg.user(3002, "Ugo", "it")
        await user.send("/start")
        reply = await user.next_bot_message(timeout=15)
        assert reply.text.startswith("Ciao!")
    finally:
        process.send_signal(signal.SIGTERM)
        await asyncio.wait_for(process.wait(), 30)
    log = log_file.read_text(encoding="utf-8")
    assert process.returncode == 0, log[-2000:]
    assert f"webhook mode on port {port}" in log and tg.token not in log

"""bot.storage.health: the database answers SELECT 1 in time; the webhook's /healthz answers 200."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from aiohttp import web
from sqlalchemy.engine import make_url

from bot.config import Settings
from bot.storage import health
from bot.storage.engine import create_engine
from tests.conftest import POSTGRES_URL
from tests.telegram_support import free_port

GUARD = 10.0
"""Seconds: a guard against hanging, not a speed check."""
COACH_VARIABLES = ("TELEGRAM_BOT_TOKEN", "DATABASE_URL", "WEBHOOK_URL", "WEBHOOK_SECRET", "PORT")


@asynccontextmanager
async def http_server(status: int) -> AsyncIterator[int]:
    """Serve GET /healthz answering `status` on a free loopback port; yield the port."""

    async def answer(request: web.Request) -> web.Response:
        return web.json_response({"status": "test"}, status=status)

    app = web.Application()
    app.router.add_get(health.HEALTH_PATH, answer)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    try:
        yield port
    finally:
        await runner.cleanup()


@asynccontextmanager
async def silent_server() -> AsyncIterator[int]:
    """Accept connections on a loopback port and never answer; yield the port."""
    held: list[asyncio.StreamWriter] = []

    def hold(_reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        held.append(writer)

    server = await asyncio.start_server(hold, "127.0.0.1", 0)
    try:
        yield int(server.sockets[0].getsockname()[1])
    finally:
        for writer in held:
            writer.close()
        server.close()
        await server.wait_closed()


async def test_the_coach_database_is_reachable_through_the_bots_engine(database: str) -> None:
    engine = create_engine(database)  # the engine the webhook's /healthz asks
    try:
        assert await health.database_reachable(engine)
        assert await health.database_reachable(engine), "the engine stays usable"
    finally:
        await engine.dispose()
    assert await health.check(Settings(database_url=database)) is None


async def test_a_closed_port_is_unreachable_at_once_and_the_password_stays_hidden() -> None:
    url = f"postgresql+asyncpg://coach:pa55word@127.0.0.1:{free_port()}/coach"
    engine = create_engine(url)
    try:
        start = time.monotonic()
        assert not await health.database_reachable(engine)
        assert time.monotonic() - start < GUARD
    finally:
        await engine.dispose()
    problem = await health.check(Settings(database_url=url))
    assert problem is not None and "ConnectionRefusedError" in problem
    assert "pa55word" not in problem and "coach:***@127.0.0.1" in problem


async def test_a_server_that_never_answers_is_unreachable_after_the_timeout() -> None:
    async with silent_server() as port:
        engine = create_engine(f"postgresql+asyncpg://coach@127.0.0.1:{port}/coach")
        try:
            start = time.monotonic()
            problem = await health.database_problem(engine, timeout=0.5)
            elapsed = time.monotonic() - start
            assert not await health.database_reachable(engine, timeout=0.2)
        finally:
            await engine.dispose()
        assert problem == "no answer within 0.5 s" and elapsed < GUARD
        silent = f"http://127.0.0.1:{port}{health.HEALTH_PATH}"
        assert await health.http_problem(silent, timeout=0.5) == "no answer within 0.5 s"


async def test_postgresql_errors_come_as_one_line_with_the_drivers_reason() -> None:
    if not POSTGRES_URL:
        pytest.skip("TEST_DATABASE_URL is not set")
    url = make_url(POSTGRES_URL).set(database="coach_no_such_database")
    problem = await health.check(Settings(database_url=url.render_as_string(False)))
    assert problem is not None and "\n" not in problem
    assert 'InvalidCatalogNameError: database "coach_no_such_database" does not exist' in problem


async def test_a_missing_sqlite_file_is_unhealthy_and_is_not_created(tmp_path: Path) -> None:
    path = tmp_path / "data" / "coach.sqlite3"
    problem = await health.check(Settings(database_url=f"sqlite+aiosqlite:///{path}"))
    assert problem is not None and f"no SQLite file at {path}" in problem
    assert not path.parent.exists()


async def test_the_webhook_healthz_must_answer_200(database: str) -> None:
    def settings(port: int) -> Settings:
        return Settings(
            database_url=database,
            webhook_url="https://coach.example/telegram",
            webhook_secret="s3cret",
            port=port,
        )

    async with http_server(200) as port:
        assert await health.http_problem(f"http://127.0.0.1:{port}/healthz") is None
        assert await health.check(settings(port)) is None
    async with http_server(503) as port:
        assert await health.check(settings(port)) == (
            f"webhook server http://127.0.0.1:{port}/healthz: HTTP 503"
        )
    closed = free_port()
    problem = await health.check(settings(closed))
    assert problem is not None and problem.startswith(f"webhook server http://127.0.0.1:{closed}")
    assert "Cannot connect" in problem


def test_main_says_why_in_one_line_on_stderr_and_exits_1(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)  # the default database is data/coach.sqlite3, relative
    for name in COACH_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123456:SECRET-token")

    def run() -> tuple[int, str, str]:
        status = health.main()
        out, err = capsys.readouterr()
        assert "SECRET-token" not in out + err
        return status, out, err

    status, out, err = run()
    assert (status, out) == (1, "")
    assert err == (
        "unhealthy: database sqlite+aiosqlite:///data/coach.sqlite3:"
        " there is no SQLite file at data/coach.sqlite3\n"
    )

    monkeypatch.setenv("DATABASE_URL", "not a database url")
    status, _, err = run()
    assert status == 1 and err.startswith("unhealthy: ArgumentError: ") and err.count("\n") == 1
    monkeypatch.delenv("DATABASE_URL")

    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "coach.sqlite3").write_bytes(b"")
    assert run() == (0, "healthy\n", "")

    monkeypatch.setenv("WEBHOOK_URL", "https://coach.example/telegram")
    status, _, err = run()
    assert status == 1 and err.startswith("unhealthy: settings: WEBHOOK_SECRET is required")

from __future__ import annotations

import asyncio
import os
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from bot.storage.migrate import upgrade
from bot.storage.repository import SqlSessionStore
from flows.coach import Coach, load_checked_content
from flows.content import Content
from tests.fake_telegram import FakeTelegram
from tests.postgres import execute_on_postgres

POSTGRES_URL = os.environ.get("TEST_DATABASE_URL", "")


@pytest.fixture
async def tg() -> AsyncIterator[FakeTelegram]:
    """The fake Bot API server; a test fails if the bot sent it anything Telegram would refuse."""
    async with FakeTelegram() as server:
        yield server
        server.assert_clean()


@pytest.fixture(scope="session")
def content() -> Content:
    return load_checked_content()


@pytest.fixture
def coach(content: Content) -> Coach:
    return Coach(content)


async def _fresh_postgres_database(base_url: str) -> tuple[str, str]:
    """Create an empty database next to the one TEST_DATABASE_URL names; return (url, name)."""
    name = f"coach_test_{secrets.token_hex(4)}"
    await execute_on_postgres(base_url, f'CREATE DATABASE "{name}"')
    return make_url(base_url).set(database=name).render_as_string(hide_password=False), name


async def _drop_postgres_database(base_url: str, name: str) -> None:
    await execute_on_postgres(base_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", "postgresql"])
async def empty_database(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """An empty database: an SQLite file always, PostgreSQL when TEST_DATABASE_URL is set."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'coach.sqlite3'}"
        return
    async with _postgres_database() as url:
        yield url


@pytest.fixture
async def postgres_database() -> AsyncIterator[str]:
    """An empty PostgreSQL database of its own (skipped without TEST_DATABASE_URL)."""
    async with _postgres_database() as url:
        yield url


@asynccontextmanager
async def _postgres_database() -> AsyncIterator[str]:
    if not POSTGRES_URL:
        pytest.skip("TEST_DATABASE_URL is not set")
    url, name = await _fresh_postgres_database(POSTGRES_URL)
    try:
        yield url
    finally:
        await _drop_postgres_database(POSTGRES_URL, name)


@pytest.fixture
async def database(empty_database: str) -> str:
    """A database with the schema migrated to the latest revision."""
    await asyncio.to_thread(upgrade, empty_database)
    return empty_database


@pytest.fixture
async def any_store(database: str) -> AsyncIterator[SqlSessionStore]:
    """The store on each database the tests can reach."""
    store = SqlSessionStore.from_url(database)
    yield store
    await store.close()


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[SqlSessionStore]:
    """The default store: a migrated SQLite file."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'coach.sqlite3'}"
    await asyncio.to_thread(upgrade, url)
    sqlite_store = SqlSessionStore.from_url(url)
    yield sqlite_store
    await sqlite_store.close()

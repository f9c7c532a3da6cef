"""A read or a transaction in one step: committed whole, rolled back whole, even when cancelled."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest
from sqlalchemy import Connection, func, insert, select

from bot.storage.engine import create_engine
from bot.storage.migrate import upgrade
from bot.storage.models import UserRow
from bot.storage.transactions import Transactions


async def _opened(url: str) -> AsyncIterator[Transactions]:
    engine = create_engine(url)
    transactions = Transactions(engine)
    yield transactions
    await transactions.close()
    await engine.dispose()


@pytest.fixture
async def transactions(database: str) -> AsyncIterator[Transactions]:
    """On each database the tests reach."""
    async for opened in _opened(database):
        yield opened


@pytest.fixture
async def on_sqlite(tmp_path: Path) -> AsyncIterator[Transactions]:
    """On an SQLite file, where the work runs in a worker thread."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'coach.sqlite3'}"
    await asyncio.to_thread(upgrade, url)
    async for opened in _opened(url):
        yield opened


def _users(connection: Connection) -> int:
    return connection.scalar(select(func.count()).select_from(UserRow)) or 0


def _add_user(user_id: int, pause: float = 0.0) -> Callable[[Connection], int]:
    def add(connection: Connection) -> int:
        connection.execute(insert(UserRow).values(id=user_id, lang="en"))
        time.sleep(pause)  # a slow transaction, still open
        return _users(connection)

    return add


async def test_a_write_is_committed_for_the_async_engine_to_see(
    transactions: Transactions,
) -> None:
    assert await transactions.write(_add_user(1)) == 1
    async with transactions.engine.connect() as connection:  # the other stores' engine
        assert await connection.scalar(select(func.count()).select_from(UserRow)) == 1
    assert await transactions.read(_users) == 1


async def test_a_failed_write_leaves_nothing(transactions: Transactions) -> None:
    def add_then_fail(connection: Connection) -> None:
        connection.execute(insert(UserRow).values(id=2, lang="en"))
        raise RuntimeError("halfway")

    with pytest.raises(RuntimeError, match="halfway"):
        await transactions.write(add_then_fail)
    assert await transactions.read(_users) == 0


async def test_sqlite_work_runs_off_the_event_loop_on_the_standard_driver(
    on_sqlite: Transactions,
) -> None:
    seen: list[str] = []

    def where(_connection: Connection) -> None:
        seen.append(threading.current_thread().name)

    await on_sqlite.read(where)
    await on_sqlite.write(where)
    assert on_sqlite.sync_engine.dialect.driver == "pysqlite"
    assert len(seen) == 2 and all(name.startswith("sqlite") for name in seen), seen


async def test_a_cancelled_write_on_sqlite_returns_only_once_its_transaction_has_ended(
    on_sqlite: Transactions,
) -> None:
    slow = asyncio.create_task(on_sqlite.write(_add_user(3, pause=0.4)))
    await asyncio.sleep(0.1)
    slow.cancel()
    await asyncio.sleep(0.1)
    slow.cancel()  # again, while it waits for its thread
    with pytest.raises(asyncio.CancelledError):
        await slow
    # The thread went on and committed; the write lock was held until it had.
    assert await on_sqlite.read(_users) == 1
    assert await on_sqlite.write(_add_user(4)) == 2


async def test_closing_lets_a_write_under_way_commit_first(on_sqlite: Transactions) -> None:
    slow = asyncio.create_task(on_sqlite.write(_add_user(5, pause=0.3)))
    await asyncio.sleep(0.1)
    await on_sqlite.close()
    assert await on_sqlite.read(_users) == 1  # committed; a later call opens what it needs
    assert await slow == 1

"""A read or a transaction as one step off the event loop: a thread hop on SQLite."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from sqlalchemy import Connection, Engine
from sqlalchemy import create_engine as create_sync_engine
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from bot.storage.engine import SQLITE_CONNECT_ARGS, on_sqlite_connect, sqlite_path, write_lock

_T = TypeVar("_T")
Work = Callable[[Connection], _T]


class Transactions:
    """Run synchronous Core work on a connection: as one read, or as one transaction.

    On SQLite the work runs in a worker thread on the standard `sqlite3` driver: one hand-off
    for the whole read or transaction, where aiosqlite makes three per statement (cursor,
    execute, close) and one for the pool's reset. Elsewhere it runs on the async driver's
    connection (`run_sync`), whose statements already wait on the network, not on a thread,
    from a pool of its own that does not ping a connection before each use: asyncpg's ping is
    three round trips (BEGIN, an empty statement, ROLLBACK), more than a read or a write's
    statements. A connection the server closed fails its first statement instead, before
    anything is committed on it, and the store runs the method again on a new one
    (`engine.reconnecting`).
    """

    WORKERS = 2
    """This process writes one transaction at a time (see `write_lock`): reads go on beside it."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self._local: Engine | None = None
        self._threads: ThreadPoolExecutor | None = None
        self._network = engine
        if sqlite_path(engine.url) is not None:  # a file: an in-memory database is per connection
            self._local = create_sync_engine(
                engine.url.set(drivername="sqlite"),
                connect_args={**SQLITE_CONNECT_ARGS, "check_same_thread": False},
                hide_parameters=True,
            )
            on_sqlite_connect(self._local)
        elif engine.dialect.name != "sqlite":
            self._network = create_async_engine(engine.url, hide_parameters=True)

    @property
    def sync_engine(self) -> Engine:
        """Return the engine the work's statements run on (for event listeners)."""
        return self._local if self._local is not None else self._network.sync_engine

    async def read(self, work: Work[_T]) -> _T:
        """Run `work`, one statement (a SELECT), outside any transaction: there is none to end."""
        if self._local is None:
            async with self._network.connect() as connection:
                # Autocommit: no BEGIN before the statement and no ROLLBACK when the connection
                # goes back to the pool, two round trips to the server saved on every read.
                await connection.execution_options(isolation_level="AUTOCOMMIT")
                return await connection.run_sync(work)
        return await self._in_thread(self._read_here, work)

    async def write(self, work: Work[_T]) -> _T:
        """Run `work` in one transaction, committed before this returns."""
        async with write_lock(self.engine):
            if self._local is None:
                async with self._network.begin() as connection:
                    return await connection.run_sync(work)
            return await self._in_thread(self._commit_here, work)

    async def close(self) -> None:
        """Let work under way finish, then close the connections; a later call starts anew."""
        if self._threads is not None:
            threads, self._threads = self._threads, None
            await asyncio.to_thread(threads.shutdown, wait=True)
        if self._local is not None:
            self._local.dispose()
        if self._network is not self.engine:
            await self._network.dispose()

    async def _in_thread(self, run: Callable[[Work[_T]], _T], work: Work[_T]) -> _T:
        if self._threads is None:
            self._threads = ThreadPoolExecutor(self.WORKERS, thread_name_prefix="sqlite")
        done = asyncio.get_running_loop().run_in_executor(self._threads, run, work)
        try:
            return await asyncio.shield(done)
        except asyncio.CancelledError:
            # The thread commits or rolls back all the same: hold the write lock until it has,
            # however many times the caller is cancelled meanwhile. (Had it committed, the
            # update is applied and its redelivery is dropped, as when a commit's answer is lost.)
            while not done.done():
                with contextlib.suppress(asyncio.CancelledError):
                    await asyncio.wait({done})
            raise

    def _read_here(self, work: Work[_T]) -> _T:
        assert self._local is not None
        with self._local.connect() as connection:
            return work(connection)

    def _commit_here(self, work: Work[_T]) -> _T:
        assert self._local is not None
        with self._local.begin() as connection:
            return work(connection)

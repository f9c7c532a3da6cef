"""Database engines: an SQLite file by default (WAL), PostgreSQL when the URL says so."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import inspect
import logging
from collections.abc import Callable, Coroutine
from contextlib import AbstractAsyncContextManager
from pathlib import Path
from typing import Any, TypeVar
from weakref import WeakKeyDictionary

from sqlalchemy import event
from sqlalchemy.engine import URL, Engine, ExceptionContext, make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

log = logging.getLogger(__name__)
_Store = TypeVar("_Store", bound=type)


def database_label(url: str) -> str:
    """Describe a database URL for messages and logs, never showing its password."""
    return make_url(url).render_as_string(hide_password=True)


def sqlite_path(url: URL) -> Path | None:
    """Return the SQLite file a URL names, if it names one."""
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    return Path(url.database)


SQLITE_CONNECT_ARGS = {"timeout": 30}
"""Seconds a connection waits for another process's write before it gives up."""


def on_sqlite_connect(engine: Engine) -> None:
    """Switch on WAL, foreign keys and WAL's usual sync level on each new SQLite connection."""

    @event.listens_for(engine, "connect")
    def _on_connect(connection: Any, _record: Any) -> None:
        cursor = connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()


def create_engine(url: str) -> AsyncEngine:
    """Create an async engine; for SQLite, make its folder and switch on WAL and foreign keys."""
    parsed = make_url(url)
    path = sqlite_path(parsed)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        engine = create_async_engine(
            parsed, connect_args=dict(SQLITE_CONNECT_ARGS), hide_parameters=True
        )
        on_sqlite_connect(engine.sync_engine)
        return engine
    # A server closes connections (restarts, failovers, idle timeouts): a pooled one is tried
    # before use and replaced if dead. Errors never show the parameters (user text).
    engine = create_async_engine(parsed, pool_pre_ping=True, hide_parameters=True)
    event.listen(engine.sync_engine, "handle_error", _on_database_error)
    return engine


def _on_database_error(context: ExceptionContext) -> None:
    """Log one line when the pool finds that the server closed one of its idle connections."""
    if context.is_pre_ping and context.is_disconnect:
        cause = context.original_exception.__cause__
        log.warning(
            "a pooled database connection was closed by the server (%s); using a new one",
            type(cause or context.original_exception).__name__,
        )


def reconnecting(store: _Store) -> _Store:
    """Run a store's public methods again, on a new connection, when their connection is lost.

    Each such method is one transaction and changes nothing outside the database before it
    commits. A transaction whose connection died before the commit was acknowledged was rolled
    back by the server, so running the method again does its work once, as if the connection
    had never failed. (Were a commit applied and only its acknowledgement lost, the next run
    would meet its own work: a save of an update finds the update applied, and stops.)
    """
    for name, method in list(vars(store).items()):
        if not name.startswith("_") and inspect.iscoroutinefunction(method):
            setattr(store, name, _retried(method, f"{store.__name__}.{name}"))
    return store


ATTEMPTS = 3
"""Each attempt runs on a new connection, so only connections lost one after another fail."""


def _retried(
    method: Callable[..., Coroutine[Any, Any, Any]], name: str
) -> Callable[..., Coroutine[Any, Any, Any]]:
    @functools.wraps(method)
    async def run(*args: Any, **kwargs: Any) -> Any:
        for attempt in range(1, ATTEMPTS):
            try:
                return await method(*args, **kwargs)
            except DBAPIError as error:
                if not error.connection_invalidated:  # the statement failed, not the connection
                    raise
                cause = error.orig.__cause__ or error.orig if error.orig is not None else error
                log.warning(
                    "database connection lost in %s (%s); attempt %d of %d on a new connection",
                    name,
                    type(cause).__name__,
                    attempt + 1,
                    ATTEMPTS,
                )
        return await method(*args, **kwargs)

    return run


_WRITE_LOCKS: WeakKeyDictionary[Engine, asyncio.Lock] = WeakKeyDictionary()


def write_lock(engine: AsyncEngine) -> AbstractAsyncContextManager[object]:
    """Serialize this process's writes to an SQLite file; other databases need no lock.

    SQLite has one writer at a time, and a writer that finds it busy sleeps inside SQLite in
    growing steps; waiting for an asyncio lock instead costs nothing while readers go on.
    """
    if engine.dialect.name != "sqlite":
        return contextlib.nullcontext()
    return _WRITE_LOCKS.setdefault(engine.sync_engine, asyncio.Lock())

"""Database engines: an SQLite file by default (WAL), PostgreSQL when the URL says so."""

from __future__ import annotations

import asyncio
import contextlib
from contextlib import AbstractAsyncContextManager
from pathlib import Path
from typing import Any
from weakref import WeakKeyDictionary

from sqlalchemy import event
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine


def database_label(url: str) -> str:
    """Describe a database URL for messages and logs, never showing its password."""
    return make_url(url).render_as_string(hide_password=True)


def sqlite_path(url: URL) -> Path | None:
    """Return the SQLite file a URL names, if it names one."""
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    return Path(url.database)


def create_engine(url: str) -> AsyncEngine:
    """Create an async engine; for SQLite, make its folder and switch on WAL and foreign keys."""
    parsed = make_url(url)
    path = sqlite_path(parsed)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        engine = create_async_engine(parsed, connect_args={"timeout": 30})

        @event.listens_for(engine.sync_engine, "connect")
        def _on_connect(connection: Any, _record: Any) -> None:
            cursor = connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        return engine
    return create_async_engine(parsed, pool_pre_ping=True)


_WRITE_LOCKS: WeakKeyDictionary[Engine, asyncio.Lock] = WeakKeyDictionary()


def write_lock(engine: AsyncEngine) -> AbstractAsyncContextManager[object]:
    """Serialize this process's writes to an SQLite file; other databases need no lock.

    SQLite has one writer at a time, and a writer that finds it busy sleeps inside SQLite in
    growing steps; waiting for an asyncio lock instead costs nothing while readers go on.
    """
    if engine.dialect.name != "sqlite":
        return contextlib.nullcontext()
    return _WRITE_LOCKS.setdefault(engine.sync_engine, asyncio.Lock())

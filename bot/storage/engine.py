"""Database engines: an SQLite file by default (WAL), PostgreSQL when the URL says so."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import URL, make_url
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
        # One connection: SQLite has one writer at a time, and writers that find it busy sleep
        # in growing steps inside SQLite; queueing for the connection in asyncio does not.
        engine = create_async_engine(
            parsed, connect_args={"timeout": 30}, pool_size=1, max_overflow=0
        )

        @event.listens_for(engine.sync_engine, "connect")
        def _on_connect(connection: Any, _record: Any) -> None:
            cursor = connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        return engine
    return create_async_engine(parsed, pool_pre_ping=True)

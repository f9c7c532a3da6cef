"""A fresh, empty database for each run: an SQLite file, or a new PostgreSQL database."""

from __future__ import annotations

import secrets
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import asyncpg
from sqlalchemy.engine import make_url

from tests.postgres import execute_on_postgres

DEFAULT_POSTGRES = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"


@asynccontextmanager
async def sqlite_database() -> AsyncIterator[str]:
    """Yield the URL of an SQLite file in a temporary folder, removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="bench-db-") as folder:
        yield f"sqlite+aiosqlite:///{Path(folder) / 'coach.sqlite3'}"


async def postgres_reachable(url: str) -> bool:
    """Whether the PostgreSQL server of this URL takes connections."""
    try:
        await execute_on_postgres(url, "SELECT 1", timeout=3)
    except (OSError, asyncpg.PostgresError, TimeoutError):
        return False
    return True


@asynccontextmanager
async def postgres_database(url: str) -> AsyncIterator[str]:
    """Create a database next to the one the URL names; yield its URL, then drop it."""
    name = f"coach_bench_{secrets.token_hex(4)}"
    await execute_on_postgres(url, f'CREATE DATABASE "{name}"')
    try:
        yield make_url(url).set(database=name).render_as_string(hide_password=False)
    finally:
        await execute_on_postgres(url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

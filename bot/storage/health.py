"""Health check: `python -m bot.storage.health` exits 0 when the database answers, 1 if not."""

from __future__ import annotations

import asyncio
import sys

import aiohttp
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.pool import NullPool

from bot.config import Settings, SettingsError, load_settings
from bot.storage.engine import database_label, sqlite_path

TIMEOUT = 3.0
"""Seconds each check may take; a database or server slower than this is not serving."""
HEALTH_PATH = "/healthz"
"""The webhook server's health endpoint (bot.telegram.webhook serves it)."""


def _one_line(error: BaseException) -> str:
    """Name an error in one short line: the driver's own error, without SQLAlchemy's link."""
    if isinstance(error, DBAPIError) and error.orig is not None:
        error = error.orig.__cause__ or error.orig
    lines = str(error).strip().splitlines()
    return f"{type(error).__name__}: {lines[0] if lines else ''}"[:300]


async def database_problem(engine: AsyncEngine, timeout: float = TIMEOUT) -> str | None:
    """Return why the database does not answer `SELECT 1` within `timeout` seconds, or None."""
    try:
        async with asyncio.timeout(timeout):
            async with engine.connect() as connection:
                await connection.execute(text("SELECT 1"))
    except TimeoutError:
        return f"no answer within {timeout:g} s"
    except Exception as error:  # whatever stops SELECT 1 (driver, network, file) means unhealthy
        return _one_line(error)
    return None


async def database_reachable(engine: AsyncEngine, timeout: float = TIMEOUT) -> bool:
    """Return whether the database answers `SELECT 1` within `timeout` seconds."""
    return await database_problem(engine, timeout) is None


async def http_problem(url: str, timeout: float = TIMEOUT) -> str | None:
    """Return why a GET of `url` does not answer 200 within `timeout` seconds, or None."""
    try:
        async with (
            aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=timeout)) as session,
            session.get(url, allow_redirects=False) as response,
        ):
            return None if response.status == 200 else f"HTTP {response.status}"
    except TimeoutError:
        return f"no answer within {timeout:g} s"
    except aiohttp.ClientError as error:
        return _one_line(error)


async def check(settings: Settings, timeout: float = TIMEOUT) -> str | None:
    """Return why the coach these settings describe is unhealthy, or None when it is healthy."""
    url = make_url(settings.database_url)
    label = database_label(settings.database_url)
    path = sqlite_path(url)
    if path is not None and not path.is_file():  # connecting would create an empty file
        return f"database {label}: there is no SQLite file at {path}"
    engine = create_async_engine(url, poolclass=NullPool, hide_parameters=True)
    try:
        problem = await database_problem(engine, timeout)
    finally:
        await engine.dispose()
    if problem is not None:
        if url.password:
            problem = problem.replace(url.password, "***")
        return f"database {label} does not answer: {problem}"
    if settings.webhook_url:
        health_url = f"http://127.0.0.1:{settings.port}{HEALTH_PATH}"
        problem = await http_problem(health_url, timeout)
        if problem is not None:
            return f"webhook server {health_url}: {problem}"
    return None


def main() -> int:
    """Check the coach configured by the environment; say why on stderr and return 1 if unwell."""
    try:
        problem = asyncio.run(check(load_settings()))
    except SettingsError as error:
        problem = f"settings: {error}"
    except Exception as error:  # a malformed DATABASE_URL, a driver that is not installed
        problem = _one_line(error)
    if problem is not None:
        print(f"unhealthy: {problem}", file=sys.stderr)
        return 1
    print("healthy")
    return 0


if __name__ == "__main__":
    sys.exit(main())

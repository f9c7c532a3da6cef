"""One statement on a PostgreSQL server, outside SQLAlchemy (CREATE and DROP DATABASE)."""

from __future__ import annotations

import asyncpg
from sqlalchemy.engine import make_url


async def execute_on_postgres(url: str, statement: str, timeout: float = 5) -> None:
    """Run one statement on the database the SQLAlchemy URL names."""
    parts = make_url(url)
    connection = await asyncpg.connect(
        user=parts.username,
        password=parts.password,
        host=parts.host,
        port=parts.port,
        database=parts.database,
        timeout=timeout,
    )
    try:
        await connection.execute(statement)
    finally:
        await connection.close()

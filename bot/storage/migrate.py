"""Apply the migrations: at start-up, or on their own with `python -m bot.storage.migrate`."""

from __future__ import annotations

import sys
from pathlib import Path

from alembic import command
from alembic.config import Config

from bot.config import SettingsError, load_settings
from bot.storage.engine import database_label

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def alembic_config(url: str) -> Config:
    """Return an Alembic configuration for this database."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(url: str, revision: str = "head") -> None:
    """Bring the database schema up to `revision` (blocking; run it off the event loop)."""
    command.upgrade(alembic_config(url), revision)


def downgrade(url: str, revision: str = "base") -> None:
    """Take the database schema down to `revision`."""
    command.downgrade(alembic_config(url), revision)


def main() -> int:
    """Migrate the database named by DATABASE_URL to the latest schema."""
    try:
        url = load_settings().database_url
    except SettingsError as error:
        print(f"Settings error: {error}", file=sys.stderr)
        return 2
    upgrade(url)
    print(f"Database schema is up to date: {database_label(url)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

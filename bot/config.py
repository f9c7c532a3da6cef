"""Settings from the environment and an optional .env file."""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

TELEGRAM_API_URL = "https://api.telegram.org/bot"
DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///data/coach.sqlite3"


class SettingsError(Exception):
    """A setting that cannot work; the message says which one and why."""


@dataclass(frozen=True)
class Settings:
    """How the coach runs: Telegram token and API, webhook, database, logging."""

    telegram_bot_token: str = ""
    telegram_api_url: str = TELEGRAM_API_URL
    database_url: str = DEFAULT_DATABASE_URL
    webhook_url: str = ""
    webhook_secret: str = ""
    port: int = 8080
    log_level: str = "INFO"

    @property
    def file_url(self) -> str:
        """Return the Bot API base URL for file downloads."""
        base = self.telegram_api_url.rstrip("/")
        return base[: -len("/bot")] + "/file/bot" if base.endswith("/bot") else base + "/file"

    def __repr__(self) -> str:  # the token and secret never reach a log line
        return (
            f"Settings(telegram_api_url={self.telegram_api_url!r}, "
            f"webhook_url={self.webhook_url!r}, port={self.port}, log_level={self.log_level!r}, "
            f"token={'set' if self.telegram_bot_token else 'unset'})"
        )


def read_dotenv(path: Path) -> dict[str, str]:
    """Read KEY=VALUE lines from a .env file (comments, blank lines and quotes allowed)."""
    if not path.is_file():
        return {}
    values: dict[str, str] = {}
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.removeprefix("export ").partition("=")
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        values[key.strip()] = value
    return values


def load_settings(
    env: Mapping[str, str] | None = None, dotenv: Path | None = Path(".env")
) -> Settings:
    """Build settings: the environment wins over the .env file, which wins over defaults."""
    merged = {**(read_dotenv(dotenv) if dotenv else {}), **(os.environ if env is None else env)}

    def get(name: str, default: str) -> str:
        return merged.get(name, "").strip() or default

    port_text = get("PORT", "8080")
    if not port_text.isdigit() or not 0 < int(port_text) < 65536:
        raise SettingsError(f"PORT must be a TCP port number, not {port_text!r}")
    log_level = get("LOG_LEVEL", "INFO").upper()
    if not isinstance(logging.getLevelName(log_level), int):
        raise SettingsError(f"LOG_LEVEL must be DEBUG, INFO, WARNING or ERROR, not {log_level!r}")
    settings = Settings(
        telegram_bot_token=get("TELEGRAM_BOT_TOKEN", ""),
        telegram_api_url=get("TELEGRAM_API_URL", TELEGRAM_API_URL),
        database_url=get("DATABASE_URL", DEFAULT_DATABASE_URL),
        webhook_url=get("WEBHOOK_URL", ""),
        webhook_secret=get("WEBHOOK_SECRET", ""),
        port=int(port_text),
        log_level=log_level,
    )
    if settings.webhook_url and not settings.webhook_secret:
        raise SettingsError(
            "WEBHOOK_SECRET is required with WEBHOOK_URL, so forged updates are refused"
        )
    return settings

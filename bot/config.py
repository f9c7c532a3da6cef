"""Settings from the environment and an optional .env file, read by pydantic-settings."""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from pydantic import SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import (
    BaseSettings,
    DotEnvSettingsSource,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

TELEGRAM_API_URL = "https://api.telegram.org/bot"
DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///data/coach.sqlite3"


class SettingsError(Exception):
    """A setting that cannot work; the message says which one and why."""


class Settings(BaseSettings):
    """How the coach runs: Telegram token and API, webhook, class pages, database, logging.

    Each field is read from the variable of the same name in upper case (``PORT`` for
    ``port``). Building ``Settings(...)`` directly uses only its arguments and the defaults;
    ``load_settings`` adds the environment and the .env file. The token and the webhook
    secret are ``SecretStr``: ``repr()``, ``str()`` and validation errors never show them.
    """

    model_config = SettingsConfigDict(
        frozen=True,
        extra="ignore",  # a .env file may hold other programs' variables too
        env_file=None,  # only load_settings reads a .env file, the one it is given
        env_file_encoding="utf-8",
        hide_input_in_errors=True,
    )

    telegram_bot_token: SecretStr = SecretStr("")
    telegram_api_url: str = TELEGRAM_API_URL
    database_url: str = DEFAULT_DATABASE_URL
    webhook_url: str = ""
    webhook_secret: SecretStr = SecretStr("")
    port: int = 8080
    public_url: str = ""
    """Where people's browsers reach this server (the class pages); "" means localhost:PORT."""
    log_level: str = "INFO"

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """Read the arguments, then the .env file (if any); os.environ is not read here.

        load_settings passes the environment as arguments, so it wins over the .env file,
        and a mapping given to load_settings replaces os.environ.
        """
        return init_settings, dotenv_settings

    @model_validator(mode="before")
    @classmethod
    def _blank_means_default(cls, data: Any) -> Any:
        """Strip the values; a blank one means "use the default", wherever it comes from."""
        if not isinstance(data, Mapping):
            return data
        stripped = {k: v.strip() if isinstance(v, str) else v for k, v in data.items()}
        return {k: v for k, v in stripped.items() if v != ""}

    @field_validator("port", mode="before")
    @classmethod
    def _tcp_port(cls, value: Any) -> int:
        if isinstance(value, str) and re.fullmatch(r"[0-9]+", value):
            number = int(value)
        elif isinstance(value, int) and not isinstance(value, bool):
            number = value
        else:
            number = 0
        if not 0 < number < 65536:
            raise ValueError(f"PORT must be a TCP port number, not {value!r}")
        return number

    @field_validator("log_level", mode="before")
    @classmethod
    def _known_log_level(cls, value: Any) -> str:
        level = str(value).upper()
        if not isinstance(logging.getLevelName(level), int):
            raise ValueError(f"LOG_LEVEL must be DEBUG, INFO, WARNING or ERROR, not {level!r}")
        return level

    @field_validator("public_url")
    @classmethod
    def _web_address(cls, value: str) -> str:
        if not value:
            return value  # PORT on localhost
        parts = urlsplit(value)
        if (
            parts.scheme not in ("http", "https")
            or not parts.netloc
            or parts.query
            or parts.fragment
        ):
            raise ValueError(
                f"PUBLIC_URL must be an http:// or https:// address such as "
                f"https://coach.example.org, not {value!r}"
            )
        return value.rstrip("/")

    @model_validator(mode="after")
    def _webhook_needs_secret(self) -> Settings:
        if self.webhook_url and not self.webhook_secret.get_secret_value():
            raise ValueError(
                "WEBHOOK_SECRET is required with WEBHOOK_URL, so forged updates are refused"
            )
        return self

    @property
    def pages_url(self) -> str:
        """Return the base address of the class pages, without a trailing slash.

        Unset, it is the webhook's own site (Telegram reaches it, so browsers can too), or
        this machine's PORT.
        """
        if self.public_url:
            return self.public_url
        if self.webhook_url:
            parts = urlsplit(self.webhook_url)
            return f"{parts.scheme}://{parts.netloc}"
        return f"http://localhost:{self.port}"

    @property
    def file_url(self) -> str:
        """Return the Bot API base URL for file downloads."""
        base = self.telegram_api_url.rstrip("/")
        return base[: -len("/bot")] + "/file/bot" if base.endswith("/bot") else base + "/file"


def read_dotenv(path: Path) -> dict[str, str]:
    """Read the KEY=VALUE lines of a .env file, as pydantic-settings reads them."""
    source = DotEnvSettingsSource(Settings, env_file=path, case_sensitive=True)
    return {key: value for key, value in source.env_vars.items() if value is not None}


def load_settings(
    env: Mapping[str, str] | None = None, dotenv: Path | None = Path(".env")
) -> Settings:
    """Build settings: the environment wins over the .env file, which wins over defaults.

    ``env`` replaces ``os.environ`` when given; ``dotenv=None`` reads no file.
    """
    environment = os.environ if env is None else env
    given: dict[str, Any] = {}  # the environment, passed as arguments: it wins over the file
    for name in (
        "TELEGRAM_BOT_TOKEN",
        "TELEGRAM_API_URL",
        "DATABASE_URL",
        "WEBHOOK_URL",
        "WEBHOOK_SECRET",
        "PORT",
        "PUBLIC_URL",
        "LOG_LEVEL",
    ):
        if name in environment:
            given[name.lower()] = environment[name]
    try:
        return Settings(_env_file=dotenv, **given)
    except ValidationError as error:
        raise SettingsError(_friendly(error)) from None


def _friendly(error: ValidationError) -> str:
    """Describe the first problem in the words of its validator, without pydantic's report."""
    first = error.errors(include_url=False, include_input=False)[0]
    cause = first.get("ctx", {}).get("error")
    if isinstance(cause, ValueError):
        return str(cause)
    names = ".".join(str(part).upper() for part in first["loc"])
    return f"{names}: {first['msg']}" if names else first["msg"]

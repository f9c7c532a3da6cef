"""The coach as `python -m bot` runs it on Telegram, but without the rate limiter or flood guard.

Telegram's own limits would otherwise cap every benchmark at about 30 calls a second, hiding
what the bot itself can do. Reads the same environment as `python -m bot`.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from telegram import Update
from telegram.ext import BaseRateLimiter

from bot.__main__ import configure_logging
from bot.config import load_settings
from bot.storage.migrate import upgrade
from bot.telegram.app import build_application
from flows.coach import Coach, load_checked_content


class Unlimited(BaseRateLimiter[int]):
    """A rate limiter that lets every request through at once."""

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to tear down."""

    async def process_request(  # noqa: PLR0917 - the signature is BaseRateLimiter's
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        """Send the request now."""
        return await callback(*args, **kwargs)


def main() -> None:
    """Run the bot with long polling until interrupted."""
    settings = load_settings()
    configure_logging(settings.log_level, secrets=(settings.telegram_bot_token.get_secret_value(),))
    upgrade(settings.database_url)
    coach = Coach(load_checked_content())
    # The simulated users are scripts, far faster than people: the flood guard would drop them.
    application = build_application(settings, coach, rate_limiter=Unlimited(), flood_limit=None)
    application.run_polling(allowed_updates=Update.ALL_TYPES)


if __name__ == "__main__":
    main()

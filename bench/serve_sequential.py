"""The coach as `bench.serve` runs it, but with concurrency off: one update at a time.

This is how python-telegram-bot processes updates by default; the benchmark compares it with
the per-user ordered processing the coach uses.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import SimpleUpdateProcessor

from bench.serve import Unlimited
from bot.__main__ import configure_logging
from bot.config import load_settings
from bot.storage.migrate import upgrade
from bot.telegram.app import build_application
from flows.coach import Coach, load_checked_content


def main() -> None:
    """Run the bot with long polling until interrupted, one update at a time."""
    settings = load_settings()
    configure_logging(settings.log_level, secrets=(settings.telegram_bot_token.get_secret_value(),))
    upgrade(settings.database_url)
    coach = Coach(load_checked_content())
    application = build_application(
        settings,
        coach,
        rate_limiter=Unlimited(),
        processor=SimpleUpdateProcessor(1),
        flood_limit=None,
    )
    application.run_polling(allowed_updates=Update.ALL_TYPES)


if __name__ == "__main__":
    main()

"""Entry point: `python -m bot` runs the coach on Telegram, or in the terminal without a token."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

from bot.config import SettingsError, load_settings, read_dotenv
from bot.console import run_console
from bot.logs import RedactSecrets
from bot.storage import DATABASE_ERRORS
from bot.storage.engine import database_label
from bot.storage.migrate import upgrade
from bot.telegram.app import run
from flows.coach import Coach, load_checked_content
from flows.content import ContentError
from flows.i18n import DEFAULT_LANG, Lang, parse_lang


def _lines_from_stdin() -> Iterator[str]:
    """Yield typed lines; interactive terminals get a prompt, piped input is read as is."""
    if sys.stdin.isatty():
        while True:
            try:
                yield input("> ")
            except EOFError:
                print()
                return
    else:
        yield from sys.stdin


def _dotenv_token() -> str:
    return read_dotenv(Path(".env")).get("TELEGRAM_BOT_TOKEN", "").strip()


def _default_lang() -> Lang:
    for variable in ("COACH_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        lang = parse_lang(os.environ.get(variable))
        if lang is not None:
            return lang
    return DEFAULT_LANG


def _run_telegram(coach: Coach) -> int:
    """Run the Telegram bot until stopped."""
    try:
        settings = load_settings()
    except SettingsError as error:
        print(f"Settings error: {error}", file=sys.stderr)
        return 2
    configure_logging(
        settings.log_level,
        secrets=(
            settings.telegram_bot_token.get_secret_value(),
            settings.webhook_secret.get_secret_value(),
        ),
    )
    try:
        upgrade(settings.database_url)
    except DATABASE_ERRORS as error:
        print(
            f"Cannot open the database {database_label(settings.database_url)}: "
            f"{type(error).__name__}: {error}. Check DATABASE_URL and that the server is running.",
            file=sys.stderr,
        )
        return 3
    run(settings, coach)
    return 0


def configure_logging(level: str, secrets: tuple[str, ...] = ()) -> None:
    """Log to standard error, with the token and webhook secret masked in every line."""
    logging.basicConfig(format="%(asctime)s %(levelname)s %(name)s: %(message)s", level=level)
    for handler in logging.getLogger().handlers:
        handler.addFilter(RedactSecrets(secrets))
    for noisy in ("httpx", "httpcore"):  # their request lines carry the token in the URL
        logging.getLogger(noisy).setLevel(logging.WARNING)
    # One line per state change of every interview would drown what matters.
    logging.getLogger("transitions").setLevel(max(logging.WARNING, logging.getLogger().level))


def main(argv: Sequence[str] | None = None) -> int:
    """Parse the command line and run the coach."""
    parser = argparse.ArgumentParser(prog="python -m bot", description=__doc__)
    parser.add_argument(
        "--console", action="store_true", help="run in the terminal, even with a token"
    )
    parser.add_argument("--lang", choices=["it", "en"], help="language of the terminal session")
    parser.add_argument(
        "--out",
        type=Path,
        default=Path.cwd(),
        help="folder where the terminal session saves the card images and the calendar",
    )
    args = parser.parse_args(argv)
    # Piped input and output must stay UTF-8 whatever the locale says (accents, emoji).
    for stream in (sys.stdin, sys.stdout):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(encoding="utf-8", errors="replace")
    try:
        directory = os.environ.get("COACH_CONTENT_DIR")
        coach = Coach(load_checked_content(Path(directory) if directory else None))
    except ContentError as error:
        print(f"Content error: {error}", file=sys.stderr)
        return 2
    lang: Lang = parse_lang(args.lang) or _default_lang()
    token = os.environ.get("TELEGRAM_BOT_TOKEN", "").strip() or _dotenv_token()
    if not args.console and not token:
        print(coach.content.text("console_no_token")(lang))
        args.console = True
    if not args.console:
        return _run_telegram(coach)
    try:
        return run_console(
            coach, lang, _lines_from_stdin(), print, echo=not sys.stdin.isatty(), out_dir=args.out
        )
    except BrokenPipeError:
        # Whoever read our output has gone (e.g. `| head`): stop quietly, as command-line tools do.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    sys.exit(main())

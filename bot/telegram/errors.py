"""What happens when an update cannot be applied: a race, a redelivery, or a failure."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Coroutine
from typing import Any

from telegram import Update
from telegram.error import BadRequest, Forbidden, NetworkError, TelegramError

from bot.sessions import DuplicateUpdateError, StaleSessionError
from bot.storage import DATABASE_ERRORS
from bot.telegram.updates import Context, language_of
from flows.content import Content
from flows.ui_keys import UiKey

log = logging.getLogger(__name__)

HandlerCallback = Callable[[Update, Context], Coroutine[Any, Any, None]]


class Failures:
    """Wraps handlers against races and redeliveries, and reports what still goes wrong."""

    def __init__(self, content: Content) -> None:
        self.content = content

    def guarded(self, handler: HandlerCallback) -> HandlerCallback:
        """Wrap a handler: a redelivered update is dropped, a racing one is refused kindly."""

        @functools.wraps(handler)
        async def run(update: Update, context: Context) -> None:
            try:
                await handler(update, context)
            except DuplicateUpdateError:
                log.info("update %s was already applied", update.update_id)
            except StaleSessionError:
                log.info("update %s lost a race and was not applied", update.update_id)
                text = self.content.text("tg_conflict")(language_of(update.effective_user))
                if update.callback_query is not None:
                    await update.callback_query.answer(text)
                elif update.effective_chat is not None:
                    await context.bot.send_message(update.effective_chat.id, text, parse_mode=None)

        return run

    async def on_error(self, update: object, context: Context) -> None:
        """Log the failure in one line (a traceback only for a bug) and tell the user if we can."""
        error = context.error
        if not isinstance(update, Update):  # getUpdates failed; the updater tries again
            log.warning("getting updates failed (%s: %s); retrying", type(error).__name__, error)
            return
        chat, user = update.effective_chat, update.effective_user
        where = f"update {update.update_id} in chat {chat.id if chat else None}"
        if isinstance(error, Forbidden):
            log.info("%s not answered: the bot may not write there (%s)", where, error)
            return
        # A refused request (BadRequest) is a bug of ours, unlike a network or database outage.
        database = isinstance(error, DATABASE_ERRORS)
        network = isinstance(error, NetworkError) and not isinstance(error, BadRequest)
        if database or network:
            log.warning("%s failed: %s: %s", where, type(error).__name__, error)
        else:
            log.error("%s failed: %s", where, type(error).__name__, exc_info=error)
        if chat is None:
            return
        key: UiKey = "tg_db_retry" if database else "tg_error"
        text = self.content.text(key)(language_of(user))
        try:
            await context.bot.send_message(chat.id, text, parse_mode=None)
        except TelegramError:  # the chat may be unreachable; the log line above is what matters
            log.warning("could not tell chat %s about the failure", chat.id)

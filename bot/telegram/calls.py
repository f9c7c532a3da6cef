"""Every Bot API call passes here: transient failures are retried, harmless refusals let go.

Each of these leaves one log line. It wraps whichever rate limiter the application uses, because
python-telegram-bot routes every call except getUpdates through the rate limiter: one place sees
them all.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from telegram.error import BadRequest, NetworkError, TimedOut
from telegram.ext import BaseRateLimiter

log = logging.getLogger(__name__)

JSONResult = bool | dict[str, Any] | list[dict[str, Any]]

# Repeating these changes nothing if the first attempt did arrive after all; a repeated
# sendMessage would show the user the same message twice, so a timed-out send is not repeated.
IDEMPOTENT = frozenset(
    {
        "answerCallbackQuery",
        "editMessageText",
        "editMessageReplyMarkup",
        "getMe",
        "getChatMember",
        "getChatAdministrators",
        "setMyCommands",
        "setMyDescription",
        "setMyShortDescription",
        "deleteWebhook",
        "setWebhook",
        "sendChatAction",
    }
)


UNREAD_RESULTS = frozenset({"editMessageText", "editMessageReplyMarkup"})
"""Calls whose answer, the edited message, the bot never reads: it comes back as True."""


def harmless(endpoint: str, error: BadRequest) -> str | None:
    """Say why this refusal does no harm, or None when it is a real failure."""
    text = error.message.lower()
    if endpoint.startswith("edit") and "message is not modified" in text:
        return "the message already shows this"
    if endpoint == "answerCallbackQuery" and ("query is too old" in text or "query id" in text):
        return "the button's loading spinner had already expired"
    return None


class ResilientCalls(BaseRateLimiter[Any]):
    """Around a rate limiter: retry Telegram's transient failures, let harmless refusals go."""

    def __init__(
        self,
        inner: BaseRateLimiter[Any],
        retries: int = 2,
        backoff: float = 0.5,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.inner, self.retries, self.backoff, self._sleep = inner, retries, backoff, sleep

    async def initialize(self) -> None:
        """Set up the rate limiter inside."""
        await self.inner.initialize()

    async def shutdown(self) -> None:
        """Tear down the rate limiter inside."""
        await self.inner.shutdown()

    async def process_request(  # noqa: PLR0917 - the signature is BaseRateLimiter's
        self,
        callback: Callable[..., Coroutine[Any, Any, JSONResult]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: Any,
    ) -> JSONResult:
        """Make the call; retry a server error or an idempotent call's timeout, with backoff."""
        for attempt in range(self.retries + 1):
            try:
                result = await self.inner.process_request(
                    callback, args, kwargs, endpoint, data, rate_limit_args
                )
                # python-telegram-bot would parse the edited message into a `Message`, about a
                # tenth of an update's CPU under load; True is what an inline message's edit
                # returns, and it passes True through unparsed.
                return True if endpoint in UNREAD_RESULTS else result
            except BadRequest as error:
                reason = harmless(endpoint, error)
                if reason is None:
                    raise
                log.info("%s in chat %s: %s", endpoint, data.get("chat_id"), reason)
                return True
            except TimedOut:
                if endpoint not in IDEMPOTENT or attempt == self.retries:
                    raise
                problem = "timed out"
            except NetworkError as error:  # 5xx answers and broken connections
                if attempt == self.retries:
                    raise
                problem = f"failed ({error.message})"
            delay = self.backoff * 2**attempt
            log.warning(
                "%s in chat %s %s; retrying in %.1f s (%d of %d)",
                endpoint,
                data.get("chat_id"),
                problem,
                delay,
                attempt + 1,
                self.retries,
            )
            await self._sleep(delay)
        raise AssertionError("unreachable")

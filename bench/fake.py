"""The tests' fake Bot API server, with the clocks a benchmark needs.

Every message the bot sends or edits is stamped when the server stores it and handed to its
chat's inbox at once, so reply latency is measured without polling. The first getUpdates call is
stamped too: it tells when the bot was ready.
"""

from __future__ import annotations

import asyncio
import time
from collections import defaultdict
from typing import Any

from tests.fake_telegram import BotMessage, FakeTelegram

JSON = dict[str, Any]

# What a chat sees of the bot: what Telegram's flood limits count, less polls.
CHAT_BOUND = frozenset(
    {"sendMessage", "editMessageText", "editMessageReplyMarkup", "sendPhoto", "sendDocument"}
)


class BenchTelegram(FakeTelegram):
    """FakeTelegram that timestamps what the bot shows and when it first polled."""

    def __init__(self, *, latency: float = 0.0, jitter: float = 0.0) -> None:
        super().__init__(latency=latency, jitter=jitter)
        self.first_poll: float | None = None
        self.shown: list[tuple[float, int]] = []  # (time, chat id) of every bot event
        self._inboxes: defaultdict[int, asyncio.Queue[tuple[float, BotMessage]]] = defaultdict(
            asyncio.Queue
        )

    def inbox(self, chat_id: int) -> asyncio.Queue[tuple[float, BotMessage]]:
        """Return the queue of the chat's bot events, each with the time the server stored it."""
        return self._inboxes[chat_id]

    def chat_bound_calls(self, chat_ids: set[int]) -> int:
        """Count the message-changing calls the bot made to these chats."""
        return sum(
            1
            for method, params, _ in self.calls
            if method in CHAT_BOUND and params.get("chat_id") in chat_ids
        )

    def _emit(self, stored: Any, *, edited: bool) -> None:
        super()._emit(stored, edited=edited)
        now = time.perf_counter()
        event = self.bot_events[-1]
        self.shown.append((now, event.chat_id))
        self._inboxes[event.chat_id].put_nowait((now, event))

    async def _get_updates(self, params: JSON) -> list[JSON]:
        if self.first_poll is None:
            self.first_poll = time.perf_counter()
        return await super()._get_updates(params)

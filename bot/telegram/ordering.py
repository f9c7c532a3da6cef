"""Updates of one user run in order; different users run concurrently."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

QUEUED_LIMIT = 4096
"""PTB takes its slot before we see the update: keep it wide and bound work with our own."""


class PerUserOrderedProcessor(BaseUpdateProcessor):
    """A FIFO lock per user (or chat) first, then one of a bounded number of working slots.

    Taking the slot only after the user's lock keeps one user flooding the bot from holding
    every slot while their updates wait on each other.
    """

    def __init__(self, working: int = 64) -> None:
        super().__init__(QUEUED_LIMIT)
        self._working = asyncio.Semaphore(working)
        self._locks: dict[int, asyncio.Lock] = {}
        self._holders: dict[int, int] = {}

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        """Run the update after the same user's earlier ones."""
        key = _key(update)
        lock = self._locks.setdefault(key, asyncio.Lock())
        self._holders[key] = self._holders.get(key, 0) + 1
        try:
            async with lock, self._working:
                await coroutine
        except asyncio.CancelledError:
            close = getattr(coroutine, "close", None)
            if close is not None:
                close()  # cancelled while queued: never started, so never awaited
            raise
        finally:
            self._holders[key] -= 1
            if not self._holders[key]:  # only users with work in flight stay in the dicts
                del self._holders[key]
                del self._locks[key]

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to tear down."""


def _key(update: object) -> int:
    if isinstance(update, Update):
        if update.effective_user is not None:
            return update.effective_user.id
        if update.effective_chat is not None:
            return update.effective_chat.id
    return 0

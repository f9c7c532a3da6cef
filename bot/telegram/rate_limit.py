"""Telegram's rate limits, shared fairly: a busy class does not make everyone else wait.

Telegram lets a bot send about 30 messages a second overall and 20 a minute into one group.
python-telegram-bot's `AIORateLimiter` queues requests first come, first served, so when a
class of 200 students keeps the bot at its limit, an owner doing a quick check-in waits behind
all of them. Here, when requests have to wait, the chat that was served least lately goes
first; one chat's requests still leave in the order they were made.
"""

from __future__ import annotations

import asyncio
import contextlib
import heapq
import itertools
import logging
import math
import time
from collections.abc import Callable, Coroutine
from typing import Any

from aiolimiter import AsyncLimiter
from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

log = logging.getLogger(__name__)

JSONResult = bool | dict[str, Any] | list[dict[str, Any]]


class FairGate:
    """Hands out `rate` passes a second (bursts up to `burst`), least-served chat first."""

    def __init__(
        self,
        rate: float = 30.0,
        burst: int = 30,
        memory: float = 10.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._rate, self._burst, self._memory, self._clock = rate, burst, memory, clock
        self._tokens = float(burst)
        self._refilled = clock()
        self._waiting: list[tuple[float, int, int, asyncio.Future[None]]] = []
        self._queued: dict[int, int] = {}
        self._last_key: dict[int, float] = {}
        self._usage: dict[int, tuple[float, float]] = {}
        self._order = itertools.count()
        self._timer: asyncio.TimerHandle | None = None

    async def acquire(self, chat_id: int) -> None:
        """Wait for a pass for a request to this chat."""
        self._refill()
        if not self._waiting and self._tokens >= 1:
            self._grant(chat_id)
            return
        queued = self._queued.get(chat_id, 0)
        key = self._served(chat_id) + queued
        if queued:  # never ahead of the same chat's earlier requests
            key = max(key, self._last_key[chat_id])
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._waiting, (key, next(self._order), chat_id, future))
        self._queued[chat_id] = queued + 1
        self._last_key[chat_id] = key
        self._schedule()
        await future

    def _served(self, chat_id: int) -> float:
        score, at = self._usage.get(chat_id, (0.0, 0.0))
        return score * math.exp(-(self._clock() - at) / self._memory)

    def _grant(self, chat_id: int) -> None:
        self._tokens -= 1
        self._usage[chat_id] = (self._served(chat_id) + 1, self._clock())
        if len(self._usage) > 10_000:  # forget chats not served lately
            now = self._clock()
            for chat, (_, at) in list(self._usage.items()):
                if now - at > 5 * self._memory:
                    del self._usage[chat]

    def _refill(self) -> None:
        now = self._clock()
        self._tokens = min(self._burst, self._tokens + (now - self._refilled) * self._rate)
        self._refilled = now

    def _schedule(self) -> None:
        if self._timer is None and self._waiting:
            delay = max(0.0, (1 - self._tokens) / self._rate)
            self._timer = asyncio.get_running_loop().call_later(delay, self._release)

    def _release(self) -> None:
        self._timer = None
        self._refill()
        while self._waiting and self._tokens >= 1:
            _, _, chat_id, future = heapq.heappop(self._waiting)
            self._queued[chat_id] -= 1
            if not self._queued[chat_id]:
                del self._queued[chat_id], self._last_key[chat_id]
            if future.cancelled():
                continue
            self._grant(chat_id)
            future.set_result(None)
        self._schedule()


class FairRateLimiter(BaseRateLimiter[int]):
    """Telegram's overall and per-group limits, with fair queueing and flood-wait retries."""

    def __init__(
        self,
        overall_per_second: float = 30.0,
        group_per_minute: float = 20.0,
        max_retries: int = 3,
    ) -> None:
        self._overall_per_second = overall_per_second
        self._group_per_minute = group_per_minute
        self._max_retries = max_retries
        self._gate: FairGate | None = None
        self._groups: dict[int | str, AsyncLimiter] = {}
        self._not_flooded = asyncio.Event()
        self._not_flooded.set()

    async def initialize(self) -> None:
        """Create the gate inside the running event loop."""
        burst = max(1, int(self._overall_per_second))
        self._gate = FairGate(self._overall_per_second, burst)

    async def shutdown(self) -> None:
        """Nothing to tear down."""

    async def process_request(  # noqa: PLR0917 - the signature is BaseRateLimiter's
        self,
        callback: Callable[..., Coroutine[Any, Any, JSONResult]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> JSONResult:
        """Send the request when the limits allow; retry after a flood wait."""
        chat_id = data.get("chat_id")
        with contextlib.suppress(TypeError, ValueError):
            chat_id = int(chat_id) if chat_id is not None else None
        retries = rate_limit_args or self._max_retries
        for attempt in range(retries + 1):
            try:
                return await self._send(chat_id, callback, args, kwargs)
            except RetryAfter as error:
                if attempt == retries:
                    raise
                pause = error.retry_after
                seconds = pause if isinstance(pause, int | float) else pause.total_seconds()
                log.info("flood wait from Telegram: pausing all requests for %.1f s", seconds)
                self._not_flooded.clear()
                await asyncio.sleep(seconds + 0.1)
                self._not_flooded.set()
        raise AssertionError("unreachable")

    async def _send(
        self,
        chat_id: int | str | None,
        callback: Callable[..., Coroutine[Any, Any, JSONResult]],
        args: Any,
        kwargs: dict[str, Any],
    ) -> JSONResult:
        group = chat_id if isinstance(chat_id, str) or (chat_id or 0) < 0 else None
        limiter = self._group(group) if group is not None else contextlib.nullcontext()
        async with limiter:
            if chat_id is not None and self._gate is not None:
                await self._gate.acquire(hash(chat_id))
            await self._not_flooded.wait()
            return await callback(*args, **kwargs)

    def _group(self, group: int | str) -> AsyncLimiter:
        if group not in self._groups:
            self._groups[group] = AsyncLimiter(self._group_per_minute, 60)
        return self._groups[group]

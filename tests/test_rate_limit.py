"""Fair rate limiting: a chat flooding the limit does not push others to the back."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from telegram.error import RetryAfter

from bot.telegram.rate_limit import FairGate, FairRateLimiter


async def test_a_quiet_chat_goes_ahead_of_a_flooding_one_which_keeps_its_order() -> None:
    gate = FairGate(rate=500, burst=1)
    granted: list[tuple[int, int]] = []

    async def request(chat: int, number: int) -> None:
        await gate.acquire(chat)
        granted.append((chat, number))

    flood = [asyncio.create_task(request(1, n)) for n in range(30)]
    await asyncio.sleep(0)  # the flood is queued
    quiet = asyncio.create_task(request(2, 0))
    await asyncio.gather(*flood, quiet)
    assert granted.index((2, 0)) <= 2, granted
    assert [n for chat, n in granted if chat == 1] == list(range(30)), "one chat stays in order"


async def test_the_chat_served_least_lately_is_served_first() -> None:
    gate = FairGate(rate=500, burst=1)
    for _ in range(5):
        await gate.acquire(1)  # chat 1 was busy a moment ago
        await asyncio.sleep(0.003)
    granted: list[int] = []

    async def request(chat: int) -> None:
        await gate.acquire(chat)
        granted.append(chat)

    await asyncio.gather(request(1), request(1), request(3), request(3))
    # The first takes the pass that is free; of the waiting ones, the idle chat goes first.
    assert granted == [1, 3, 3, 1]


async def test_a_flood_wait_is_retried_and_requests_without_a_chat_pass() -> None:
    limiter = FairRateLimiter(overall_per_second=1000)
    await limiter.initialize()
    calls: list[str] = []

    class FloodedError(Exception):
        pass

    async def send(name: str) -> dict[str, Any]:
        calls.append(name)
        if calls.count(name) == 1 and name == "sendMessage":
            raise RetryAfter(0)
        return {"ok": name}

    assert await limiter.process_request(send, ("sendMessage",), {}, "", {"chat_id": 5}, None) == {
        "ok": "sendMessage"
    }
    assert await limiter.process_request(send, ("getMe",), {}, "", {}, None) == {"ok": "getMe"}
    assert calls == ["sendMessage", "sendMessage", "getMe"]
    with pytest.raises(FloodedError):

        async def broken() -> dict[str, Any]:
            raise FloodedError

        await limiter.process_request(broken, (), {}, "", {"chat_id": -100}, None)

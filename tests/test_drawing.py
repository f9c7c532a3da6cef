"""Rendering runs in one background thread, one image at a time, below the event loop's priority."""

from __future__ import annotations

import asyncio
import os
import sys
import threading
import time

import pytest

from bot.drawing import BACKGROUND_NICENESS, Drawing


async def test_renders_run_one_at_a_time_in_one_low_priority_thread() -> None:
    drawing = Drawing()
    running = 0
    most_at_once = 0
    seen: list[tuple[int, int]] = []

    def render(number: int) -> int:
        nonlocal running, most_at_once
        running += 1
        most_at_once = max(most_at_once, running)
        seen.append((threading.get_native_id(), os.getpriority(os.PRIO_PROCESS, 0)))
        time.sleep(0.02)
        running -= 1
        return number * 2

    try:
        results = await asyncio.gather(*(drawing.run(render, n) for n in range(5)))
    finally:
        drawing.close()
    assert results == [0, 2, 4, 6, 8]
    assert most_at_once == 1
    threads = {thread for thread, _ in seen}
    assert len(threads) == 1 and threading.get_native_id() not in threads
    if sys.platform == "linux":
        own = os.getpriority(os.PRIO_PROCESS, 0)
        assert {priority for _, priority in seen} == {min(own + BACKGROUND_NICENESS, 19)}


async def test_a_failing_render_raises_in_the_caller_and_the_next_one_works() -> None:
    drawing = Drawing()

    def broken() -> bytes:
        raise ValueError("bad font")

    try:
        with pytest.raises(ValueError, match="bad font"):
            await drawing.run(broken)
        assert await drawing.run(len, b"png") == 3
    finally:
        drawing.close()

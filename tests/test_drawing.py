"""Rendering runs in one background process, one image at a time, below the bot's priority."""

from __future__ import annotations

import asyncio
import itertools
import os
import signal
import sys
import time
from concurrent.futures.process import BrokenProcessPool

import pytest

from bot.drawing import BACKGROUND_NICENESS, Drawing


def _render(number: int) -> tuple[int, int, float, float, int]:
    started = time.monotonic()  # one clock for every process on the machine
    time.sleep(0.02)
    return os.getpid(), os.getpriority(os.PRIO_PROCESS, 0), started, time.monotonic(), number * 2


def _broken() -> bytes:
    raise ValueError("bad font")


async def test_renders_run_one_at_a_time_in_one_low_priority_process() -> None:
    drawing = Drawing()
    try:
        results = [await drawing.run(_render, 0)]
        results += await asyncio.gather(*(drawing.run(_render, n) for n in range(1, 5)))
    finally:
        drawing.close()
    assert [doubled for *_, doubled in results] == [0, 2, 4, 6, 8]
    assert len({pid for pid, *_ in results}) == 1 and results[0][0] != os.getpid()
    spans = sorted((started, ended) for _, _, started, ended, _ in results)
    assert all(later[0] >= earlier[1] for earlier, later in itertools.pairwise(spans))
    if sys.platform == "linux":
        own = os.getpriority(os.PRIO_PROCESS, 0)
        assert {priority for _, priority, *_ in results} == {min(own + BACKGROUND_NICENESS, 19)}


async def test_a_failing_render_raises_in_the_caller_and_the_next_one_works() -> None:
    drawing = Drawing()
    drawing.warm_up()
    try:
        with pytest.raises(ValueError, match="bad font"):
            await drawing.run(_broken)
        assert await drawing.run(len, b"png") == 3
    finally:
        drawing.close()


async def test_a_worker_that_dies_is_replaced_for_the_next_drawing() -> None:
    drawing = Drawing()
    try:
        first = await drawing.run(os.getpid)
        with pytest.raises(BrokenProcessPool):
            await drawing.run(os._exit, 1)  # dies, and dies again on the retry
        assert await drawing.run(len, b"png") == 3
        assert await drawing.run(os.getpid) != first
    finally:
        drawing.close()


def _pid_after(seconds: float) -> int:
    time.sleep(seconds)
    return os.getpid()


async def test_a_worker_killed_with_drawings_queued_is_replaced_by_one_worker() -> None:
    drawing = Drawing()
    try:
        worker = await drawing.run(os.getpid)
        queued = [asyncio.ensure_future(drawing.run(_pid_after, 0.05)) for _ in range(12)]
        await asyncio.sleep(0.02)
        os.kill(worker, signal.SIGKILL)
        pids = set(await asyncio.gather(*queued))
        assert len(pids) == 1, "the queued drawings all went to one new worker"
        assert worker not in pids
    finally:
        drawing.close()


async def test_the_worker_leaves_with_a_bot_killed_outright() -> None:
    script = (
        "import asyncio, os\n"
        "from bot.drawing import Drawing\n"
        "async def main():\n"
        "    drawing = Drawing()\n"
        "    print(await drawing.run(os.getpid), flush=True)\n"
        "    await asyncio.sleep(60)\n"
        "asyncio.run(main())\n"
    )
    bot = await asyncio.create_subprocess_exec(
        sys.executable, "-c", script, stdout=asyncio.subprocess.PIPE
    )
    assert bot.stdout is not None
    worker = int(await asyncio.wait_for(bot.stdout.readline(), 30))
    bot.kill()
    await bot.wait()
    assert await asyncio.wait_for(bot.stdout.read(), 10) == b"", "nobody holds the output open"
    for _ in range(100):  # a guard against hanging, not a speed check
        if not os.path.exists(f"/proc/{worker}"):
            break
        await asyncio.sleep(0.1)
    assert not os.path.exists(f"/proc/{worker}"), "no orphaned worker"


def _children(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", encoding="utf-8") as stat:
                    parent = int(stat.read().rsplit(")", 1)[1].split()[1])
            except OSError:
                continue
            if parent == pid:
                found.append(int(entry))
    return found


async def test_a_worker_still_starting_when_the_bot_is_killed_leaves_too() -> None:
    script = (
        "import os, time\n"
        "from bot.drawing import Drawing\n"
        "Drawing().warm_up()\n"
        "print(os.getpid(), flush=True)\n"
        "time.sleep(60)\n"
    )
    bot = await asyncio.create_subprocess_exec(
        sys.executable, "-c", script, stdout=asyncio.subprocess.PIPE
    )
    assert bot.stdout is not None
    pid = int(await asyncio.wait_for(bot.stdout.readline(), 30))
    children = _children(pid)
    assert children, "the worker is being started"
    bot.kill()  # before the worker has finished starting
    # An orphaned worker would keep the bot's output open through its helper processes.
    await asyncio.wait_for(bot.wait(), 30)
    for _ in range(100):  # a guard against hanging, not a speed check
        if not any(os.path.exists(f"/proc/{child}") for child in children):
            break
        await asyncio.sleep(0.1)
    left = [c for c in children if os.path.exists(f"/proc/{c}")]
    assert not left, f"orphaned processes {left}"


async def test_a_quick_file_waits_only_for_the_drawing_under_way_not_the_queue() -> None:
    drawing = Drawing()
    try:
        await drawing.run(os.getpid)  # the worker is up
        images = [asyncio.ensure_future(drawing.run(_render, n)) for n in range(6)]
        await asyncio.sleep(0.01)  # the first image is being drawn, five wait
        calendar = await drawing.run_first(_render, 100)
        drawn = await asyncio.gather(*images)
    finally:
        drawing.close()
    started = sorted([(start, number) for *_, start, _, number in [*drawn, calendar]])
    order = [number // 2 for _, number in started]
    assert order[:2] == [0, 100], "after the image under way, ahead of the five waiting"
    assert order[2:] == [1, 2, 3, 4, 5]


async def test_a_drawing_cancelled_while_waiting_does_not_hold_up_the_others() -> None:
    drawing = Drawing()
    try:
        first = asyncio.ensure_future(drawing.run(_pid_after, 0.1))
        cancelled = asyncio.ensure_future(drawing.run(_render, 1))
        after = asyncio.ensure_future(drawing.run(_render, 2))
        await asyncio.sleep(0.01)
        cancelled.cancel()
        await first
        assert (await asyncio.wait_for(after, 10))[-1] == 4
        assert cancelled.cancelled()
    finally:
        drawing.close()

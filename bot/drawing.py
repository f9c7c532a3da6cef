"""Images and files drawn in a separate low-priority process, one at a time.

A class finishing together asks for hundreds of card images within seconds. Drawn in the bot's
own process they would compete with every conversation for the interpreter lock and the CPU,
and everybody's next reply would wait; drawn in turn by one background process at a lower
priority, the conversation stays quick and the images queue up instead.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import heapq
import itertools
import logging
import multiprocessing
import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")

log = logging.getLogger(__name__)

BACKGROUND_NICENESS = 10
FIRST, LATER = 0, 1
"""Priorities of the drawings waiting for the worker: lower goes first."""
PARENT_CHECK_SECONDS = 0.5


def _start_worker(parent: int) -> None:
    """Run first in the worker: lower its priority, detach its output, follow its parent.

    `parent` comes from the bot: asked here, after the worker's slow start, a bot killed
    meanwhile would already have been replaced by init, and the worker would wait forever.
    """
    with contextlib.suppress(AttributeError, OSError):
        os.nice(BACKGROUND_NICENESS)
    # The worker writes nothing (errors travel back with the results); holding the bot's
    # output open would keep whoever reads it waiting after the bot is gone.
    quiet = os.open(os.devnull, os.O_RDWR)
    for stream in (0, 1, 2):
        os.dup2(quiet, stream)
    threading.Thread(target=_exit_with, args=(parent,), daemon=True).start()


def _exit_with(parent: int) -> None:
    # A bot killed outright (SIGKILL, out of memory) cannot stop its worker: leave with it.
    while os.getppid() == parent:
        time.sleep(PARENT_CHECK_SECONDS)
    os._exit(0)


class Drawing:
    """Run CPU-heavy rendering in one low-priority worker process, started on first use."""

    def __init__(self) -> None:
        self._executor: ProcessPoolExecutor | None = None
        self._busy = False
        self._waiting: list[tuple[int, int, asyncio.Future[None]]] = []
        self._order = itertools.count()

    def _pool(self) -> ProcessPoolExecutor:
        if self._executor is None:
            self._executor = ProcessPoolExecutor(
                max_workers=1,
                mp_context=multiprocessing.get_context("spawn"),  # no copy of the bot's state
                initializer=_start_worker,
                initargs=(os.getpid(),),
            )
        return self._executor

    def warm_up(self) -> None:
        """Start the worker now, so the first card does not wait for it to load."""
        self._pool().submit(int, "0")

    async def run(self, render: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
        """Return render(*args, **kwargs), computed in the worker (arguments are pickled).

        Drawings run one at a time, in the order asked. A worker that died (killed, out of
        memory) is replaced and the drawing tried once more.
        """
        return await self._in_turn(LATER, functools.partial(render, *args, **kwargs))

    async def run_first(self, render: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
        """Like `run`, but ahead of every drawing still waiting: for a quick file someone awaits.

        A class finishing together queues hundreds of card images; a calendar made in
        milliseconds should not wait behind them, only for the one being drawn.
        """
        return await self._in_turn(FIRST, functools.partial(render, *args, **kwargs))

    async def _in_turn(self, priority: int, call: Callable[[], R]) -> R:
        await self._turn(priority)
        try:
            return await self._call(call)
        finally:
            self._pass_turn()

    async def _turn(self, priority: int) -> None:
        """Wait until no other drawing runs and none of a higher priority waits."""
        if not self._busy:
            self._busy = True
            return
        granted = asyncio.get_running_loop().create_future()
        heapq.heappush(self._waiting, (priority, next(self._order), granted))
        try:
            await granted
        except asyncio.CancelledError:
            if granted.done() and not granted.cancelled():
                self._pass_turn()  # given the turn just as it was cancelled: hand it on
            raise

    def _pass_turn(self) -> None:
        while self._waiting:
            *_, waiter = heapq.heappop(self._waiting)
            if not waiter.done():
                waiter.set_result(None)
                return
        self._busy = False

    async def _call(self, call: Callable[[], R]) -> R:
        loop = asyncio.get_running_loop()
        pool = self._pool()
        try:
            return await loop.run_in_executor(pool, call)
        except BrokenProcessPool:
            # Only the drawing under way was on the dead worker (the rest wait their turn): it
            # replaces the worker once and is tried again on the new one.
            if self._executor is pool:
                log.warning("the drawing process stopped; starting a new one")
                self._discard()
            return await loop.run_in_executor(self._pool(), call)

    def _discard(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=False, cancel_futures=True)
            self._executor = None

    def close(self) -> None:
        """Finish queued drawings and stop the worker."""
        if self._executor is not None:
            self._executor.shutdown(wait=True)
            self._executor = None

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
import logging
import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")

log = logging.getLogger(__name__)

BACKGROUND_NICENESS = 10


def _lower_priority() -> None:
    with contextlib.suppress(AttributeError, OSError):
        os.nice(BACKGROUND_NICENESS)


class Drawing:
    """Run CPU-heavy rendering in one low-priority worker process, started on first use."""

    def __init__(self) -> None:
        self._executor: ProcessPoolExecutor | None = None

    def _pool(self) -> ProcessPoolExecutor:
        if self._executor is None:
            self._executor = ProcessPoolExecutor(
                max_workers=1,
                mp_context=multiprocessing.get_context("spawn"),  # no copy of the bot's state
                initializer=_lower_priority,
            )
        return self._executor

    def warm_up(self) -> None:
        """Start the worker now, so the first card does not wait for it to load."""
        self._pool().submit(int, "0")

    async def run(self, render: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
        """Return render(*args, **kwargs), computed in the worker (arguments are pickled).

        A worker that died (killed, out of memory) is replaced and the drawing tried once more.
        """
        loop = asyncio.get_running_loop()
        call = functools.partial(render, *args, **kwargs)
        try:
            return await loop.run_in_executor(self._pool(), call)
        except BrokenProcessPool:
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

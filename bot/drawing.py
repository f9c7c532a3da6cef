"""Images and files drawn off the event loop, one at a time, at a lower CPU priority.

A class finishing together asks for hundreds of card images within seconds. Drawn on many
threads at once they would take every core from the event loop, and everybody's next reply
would wait; drawn in turn by one background thread, the conversation stays quick and the
images queue up instead.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")

BACKGROUND_NICENESS = 10


def _lower_priority() -> None:
    # On Linux niceness is per thread: the event loop's thread keeps its priority.
    with contextlib.suppress(AttributeError, OSError):
        thread = threading.get_native_id()
        niceness = os.getpriority(os.PRIO_PROCESS, thread) + BACKGROUND_NICENESS
        os.setpriority(os.PRIO_PROCESS, thread, min(niceness, 19))


class Drawing:
    """Run CPU-heavy rendering in one low-priority background thread."""

    def __init__(self) -> None:
        self._executor = ThreadPoolExecutor(
            max_workers=1, thread_name_prefix="drawing", initializer=_lower_priority
        )

    async def run(self, render: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
        """Return render(*args, **kwargs), computed in the background thread."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, lambda: render(*args, **kwargs))

    def close(self) -> None:
        """Finish queued drawings and stop the thread."""
        self._executor.shutdown(wait=True)

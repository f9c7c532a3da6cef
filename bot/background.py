"""Work that finishes after its update (a card's files), and is waited for when the bot stops."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from typing import Any

log = logging.getLogger(__name__)


class Background:
    """Tasks started by updates that outlive them; none is dropped by a clean stop."""

    def __init__(self) -> None:
        self._tasks: set[asyncio.Task[None]] = set()

    def start(self, work: Coroutine[Any, Any, None]) -> None:
        """Run work without holding up the update that asked for it."""
        task = asyncio.get_running_loop().create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._finished)

    async def finish(self, timeout: float) -> None:
        """Wait (at most `timeout` seconds) for the work still under way."""
        if self._tasks:
            log.info("finishing %d background tasks before stopping", len(self._tasks))
            await asyncio.wait(set(self._tasks), timeout=timeout)

    def _finished(self, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("background work failed", exc_info=task.exception())

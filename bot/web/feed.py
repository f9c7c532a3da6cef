"""Live updates for class pages: one watcher per class with viewers, whatever their number.

The watcher reads the class's revision (one small read) every `every` seconds. Only when it
has changed does it render the page's live part, once, and hand it to every viewer. The
revision lives in the database, so a change made by any instance of the bot is seen here.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field

from bot.storage import DATABASE_ERRORS

log = logging.getLogger(__name__)

WATCH_EVERY = 0.5
"""Seconds between two reads of a watched class's revision: a change shows within a second."""

Revision = Callable[[int], Awaitable[int | None]]
Render = Callable[[int], Awaitable[str | None]]


class Viewer:
    """One open page: it holds only the newest live part, never a backlog."""

    def __init__(self) -> None:
        self._newest: asyncio.Queue[str | None] = asyncio.Queue(maxsize=1)

    def offer(self, fragment: str | None) -> None:
        """Replace whatever the viewer has not taken yet (None: the page is gone)."""
        with contextlib.suppress(asyncio.QueueEmpty):
            self._newest.get_nowait()
        self._newest.put_nowait(fragment)

    async def next(self) -> str | None:
        """Wait for the next live part; None when the page is gone or the server stops."""
        return await self._newest.get()


@dataclass
class _Watch:
    """One class followed in this process: its viewers, what they were last given, the task."""

    viewers: set[Viewer] = field(default_factory=set)
    revision: int | None = None
    latest: str | None = None
    task: asyncio.Task[None] | None = None


class ClassFeed:
    """Hands every viewer of a class the page's live part each time the class changes."""

    def __init__(self, revision: Revision, render: Render, every: float = WATCH_EVERY) -> None:
        self._revision, self._render, self._every = revision, render, every
        self._watches: dict[int, _Watch] = {}
        self._closed = False
        self.renders = 0
        """How many live parts were rendered: one per change, not one per viewer."""

    @contextlib.asynccontextmanager
    async def viewing(self, class_id: int) -> AsyncIterator[Viewer]:
        """Follow a class while the block runs; the first update is its current state."""
        viewer = Viewer()
        if self._closed:  # the server is stopping: nothing more to follow
            viewer.offer(None)
            yield viewer
            return
        watch = self._watches.setdefault(class_id, _Watch())
        watch.viewers.add(viewer)
        if watch.latest is not None:
            viewer.offer(watch.latest)
        if watch.task is None or watch.task.done():
            watch.task = asyncio.create_task(self._watch(class_id, watch))
        try:
            yield viewer
        finally:
            watch.viewers.discard(viewer)
            if not watch.viewers:
                if self._watches.get(class_id) is watch:
                    del self._watches[class_id]
                if watch.task is not None:
                    watch.task.cancel()

    def viewers(self, class_id: int) -> int:
        """Return how many pages follow the class in this process."""
        watch = self._watches.get(class_id)
        return len(watch.viewers) if watch else 0

    async def close(self) -> None:
        """Tell every viewer the server is stopping, and stop watching."""
        self._closed = True
        for watch in list(self._watches.values()):
            for viewer in watch.viewers:
                viewer.offer(None)
            if watch.task is not None:
                watch.task.cancel()

    async def _watch(self, class_id: int, watch: _Watch) -> None:
        """Read the revision until the last viewer leaves; hand out a render at each change."""
        while True:
            try:
                revision = await self._revision(class_id)
                if revision is None:
                    self._hand_out(watch, None)
                    return
                if revision != watch.revision:
                    fragment = await self._render(class_id)
                    self.renders += 1
                    watch.revision, watch.latest = revision, fragment
                    self._hand_out(watch, fragment)
                    if fragment is None:
                        return
            except DATABASE_ERRORS as error:  # the pages wait; the next read may work
                log.warning("class page: cannot read class %s: %s", class_id, type(error).__name__)
            except Exception:  # a bug must not freeze every open page while they say "live"
                log.exception("class page: class %s could not be rendered", class_id)
            await asyncio.sleep(self._every)

    @staticmethod
    def _hand_out(watch: _Watch, fragment: str | None) -> None:
        """Give every viewer of the class this render (None: the page is gone)."""
        for viewer in watch.viewers:
            viewer.offer(fragment)

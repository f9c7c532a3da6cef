"""One user flooding the bot is slowed down, told once, and costs the others nothing."""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from enum import Enum


class Verdict(Enum):
    """What to do with a user's update."""

    SERVE = "serve"
    NOTICE = "notice"  # the first update over the limit: drop it and say why, once
    DROP = "drop"


class FloodGuard:
    """Serves each user at most `limit` updates in any `window` seconds.

    Past that, updates are dropped before they cost a database query. A person tapping
    through a multiple choice makes a few updates a second for a moment; a script or a stuck
    key makes dozens.
    """

    def __init__(
        self, limit: int = 20, window: float = 4.0, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.limit, self.window, self._clock = limit, window, clock
        self._served: dict[int, deque[float]] = {}
        self._told: set[int] = set()

    def check(self, user_id: int) -> Verdict:
        """Count this update of the user's and say whether to serve it."""
        now = self._clock()
        served = self._served.setdefault(user_id, deque())
        while served and now - served[0] >= self.window:
            served.popleft()
        if len(served) < self.limit:
            served.append(now)
            if len(served) == 1:
                self._told.discard(user_id)  # quiet for a whole window: a new flood gets a notice
                self._forget_quiet(now)
            return Verdict.SERVE
        if user_id in self._told:
            return Verdict.DROP
        self._told.add(user_id)
        return Verdict.NOTICE

    def _forget_quiet(self, now: float) -> None:
        if len(self._served) > 10_000:
            for user_id, served in list(self._served.items()):
                if not served or now - served[-1] >= self.window:
                    del self._served[user_id]
                    self._told.discard(user_id)

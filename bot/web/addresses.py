"""Where a class's page lives, and for how long it stays online."""

from __future__ import annotations

import datetime as dt
import re

from bot.storage.classes import ClassInfo

PAGE_PREFIX = "/class/"
KEPT_AFTER_CLOSING = dt.timedelta(days=7)
"""A closed class's page shows its final state this long, then answers 404."""
SECRET_SHAPE = re.compile(r"[A-Za-z0-9_-]{22}")
"""What secrets.token_urlsafe(16) makes; anything else is refused before the database."""


class ClassAddresses:
    """The class page's addresses under the bot's public URL."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url.rstrip("/")

    def page(self, info: ClassInfo) -> str:
        """Return the address of the class's live page."""
        return f"{self.base_url}{PAGE_PREFIX}{info.page_secret}"

    def results(self, info: ClassInfo) -> str:
        """Return the address of the class's CSV export."""
        return f"{self.page(info)}/results.csv"


def still_online(info: ClassInfo) -> bool:
    """Return True while the class is open, and for 7 days after it closed."""
    if info.open or info.closed_at is None:
        return True
    return dt.datetime.now(dt.UTC) - info.closed_at < KEPT_AFTER_CLOSING

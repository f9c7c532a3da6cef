"""What every handler needs, built once per application."""

from __future__ import annotations

from dataclasses import dataclass

from bot.sessions import SessionStore
from bot.storage.classes import ClassStore
from bot.views import Views
from flows.coach import Coach


@dataclass(frozen=True)
class Services:
    """The coach, where sessions and classes live, and how outputs look in a chat."""

    coach: Coach
    store: SessionStore
    views: Views
    classes: ClassStore

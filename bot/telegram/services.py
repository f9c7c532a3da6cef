"""What every handler needs, built once per application."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.background import Background
from bot.drawing import Drawing
from bot.sessions import SessionStore
from bot.storage.checkins import CheckinStore
from bot.storage.classes import ClassStore
from bot.storage.workshops import WorkshopStore
from bot.telegram.views import Views
from bot.web.addresses import ClassAddresses
from bot.web.snapshot import ClassSnapshots
from flows.coach import Coach


@dataclass(frozen=True)
class Services:
    """The coach, its state and outputs, who draws the images, where the class pages are."""

    coach: Coach
    store: SessionStore
    views: Views
    classes: ClassStore
    checkins: CheckinStore
    workshops: WorkshopStore
    addresses: ClassAddresses = field(default_factory=lambda: ClassAddresses(""))
    snapshots: ClassSnapshots | None = None
    """Shared with the class pages of this process, so a class is read and worded once."""
    drawing: Drawing = field(default_factory=Drawing)
    background: Background = field(default_factory=Background)

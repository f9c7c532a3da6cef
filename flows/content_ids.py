"""Content ids: stable, and short enough for Telegram's callback data."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

Id = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=32)]
"""Stable ids: short enough for Telegram's 64-byte callback data."""


MAX_IDS_IN_BUTTON = 54
"""Telegram's 64-byte callback data holds an action, an interview id and these two ids."""

"""What a use case decided to show: plain values that a front end renders and sends."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from bot.sessions import Session
from flows.outputs import Echo, Output
from flows.ui_keys import UiKey


@dataclass(frozen=True)
class Say:
    """One UI line, by key, with the values it is filled with."""

    key: UiKey
    values: Mapping[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class Quote:
    """A titled block of someone's own words (a class brief), shown as written."""

    heading: UiKey
    text: str


Lead = Say | Quote


@dataclass
class Reply:
    """Everything one update shows, decided (and stored) before the first message goes out."""

    session: Session
    outputs: list[Output] = field(default_factory=list)
    lead: list[Lead] = field(default_factory=list)
    """Lines before the outputs: a greeting, or the whole answer when there are no outputs."""
    alert: UiKey | None = None
    """A refused button: the UI key of the short alert the tap gets instead."""
    edit_message_id: int | None = None
    """The tapped message, shown in place when it can be."""
    answered: Echo | None = None
    """The tapped question and the answer it got, closing the tapped message."""
    keyboard_only: bool = False
    """A tick on a multiple choice: only the tapped message's buttons change."""
    card_finished: bool = False
    """The interview just produced its card (a class student's card counts now)."""

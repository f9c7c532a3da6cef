"""What the handlers know of a user between updates, and the store that keeps it."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import astuple, dataclass, field
from typing import Protocol

from flows.conditions import AnswerValue
from flows.i18n import Lang


def new_interview_id() -> str:
    """Return a short random id that marks one interview's buttons."""
    return secrets.token_urlsafe(6)


class StaleSessionError(Exception):
    """Another update changed this interview first; this one was not applied."""


class DuplicateUpdateError(Exception):
    """Raised when an update was already applied once."""


@dataclass
class Session:
    """One user's coach state in one chat: plain facts, never a pickled machine."""

    chat_id: int
    user_id: int
    lang: Lang
    interview_id: str = field(default_factory=new_interview_id)
    state: str | None = None
    answers: dict[str, AnswerValue] = field(default_factory=dict)
    mistakes_shown: list[str] = field(default_factory=list)
    pending: list[str] = field(default_factory=list)
    pending_for: str | None = None
    question_message_id: int | None = None
    refusals: int = 0
    card_answers: dict[str, AnswerValue] | None = None
    card_lang: Lang | None = None
    record_id: int | None = None
    version: int = 0
    unsaved_card: bool = False
    class_id: int | None = None
    stored_lang: Lang | None = None
    card_id: int | None = None
    """The stored card this interview just made, once saved (not itself stored)."""

    @property
    def active(self) -> bool:
        """Return True while an interview is under way (not finished, not cancelled)."""
        return self.state is not None and self.state != "card"

    def start_over(self) -> None:
        """Forget the current interview; the next save stores a new one."""
        self.interview_id = new_interview_id()
        self.state = None
        self.answers = {}
        self.mistakes_shown = []
        self.pending = []
        self.pending_for = None
        self.question_message_id = None
        self.refusals = 0
        self.record_id = None
        self.version = 0
        self.class_id = None

    def finish_card(self, answers: dict[str, AnswerValue], lang: Lang) -> None:
        """Mark the card built from these answers to be stored with the next save."""
        self.card_answers = dict(answers)
        self.card_lang = lang
        self.unsaved_card = True

    def fingerprint(self) -> tuple[object, ...]:
        """Return the facts a save would store, to skip saves that change nothing."""
        return astuple(self)


@dataclass(frozen=True)
class CardRecord:
    """A stored card: when it was made, in which language, from which answers."""

    id: int
    created_at: dt.datetime
    lang: Lang
    answers: dict[str, AnswerValue]


@dataclass(frozen=True)
class Erased:
    """What /deletedata removed."""

    interviews: int
    cards: int
    profile: bool


class SessionStore(Protocol):
    """Loads and saves sessions; remembers cards and the updates already applied."""

    async def load(
        self, chat_id: int, user_id: int, update_id: int | None = None
    ) -> Session | None:
        """Return the user's session in this chat, if they were ever seen.

        Raises DuplicateUpdateError if `update_id` was already applied.
        """

    async def save(self, session: Session, update_id: int | None = None) -> None:
        """Store the session in one transaction, recording the update that changed it.

        Raises StaleSessionError if another update changed the interview first, and
        DuplicateUpdateError if this update was already applied.
        """

    async def seen(self, update_id: int) -> bool:
        """Return True if this update was already applied."""

    async def cards(self, user_id: int) -> list[CardRecord]:
        """Return the user's cards, newest first."""

    async def card(self, user_id: int, card_id: int) -> CardRecord | None:
        """Return one of the user's cards."""

    async def erase(self, user_id: int) -> Erased:
        """Delete everything stored about the user."""

    async def close(self) -> None:
        """Release connections."""

"""Where each user's interview lives between updates (plain facts, never a pickled machine)."""

from __future__ import annotations

import copy
import secrets
from dataclasses import dataclass, field
from typing import Protocol

from flows.conditions import AnswerValue
from flows.i18n import Lang


def new_interview_id() -> str:
    """Return a short random id that marks one interview's buttons."""
    return secrets.token_urlsafe(4)


@dataclass
class Session:
    """One user's coach state in one chat."""

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
    card_answers: dict[str, AnswerValue] | None = None
    card_lang: Lang | None = None

    @property
    def active(self) -> bool:
        """Return True while an interview is under way (not finished, not cancelled)."""
        return self.state is not None and self.state != "card"

    def start_over(self) -> None:
        """Forget the current interview and mark a new one."""
        self.interview_id = new_interview_id()
        self.state = None
        self.answers = {}
        self.mistakes_shown = []
        self.pending = []
        self.pending_for = None
        self.question_message_id = None


class SessionStore(Protocol):
    """Loads and saves sessions by chat and user."""

    async def load(self, chat_id: int, user_id: int) -> Session | None:
        """Return the stored session, if any."""

    async def save(self, session: Session) -> None:
        """Store the session (replacing the previous version)."""


class MemorySessionStore:
    """Sessions kept in this process's memory."""

    def __init__(self) -> None:
        self._sessions: dict[tuple[int, int], Session] = {}

    async def load(self, chat_id: int, user_id: int) -> Session | None:
        """Return a copy of the stored session, so a failed update leaves the stored one intact."""
        stored = self._sessions.get((chat_id, user_id))
        return copy.deepcopy(stored) if stored else None

    async def save(self, session: Session) -> None:
        """Store a copy of the session."""
        self._sessions[(session.chat_id, session.user_id)] = copy.deepcopy(session)

"""Weekly check-ins and reminders in SQL; a due reminder is claimed by one conditional UPDATE."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from bot.storage.engine import reconnecting
from bot.storage.models import CardRow, CheckinRow, ReminderRow, UserRow, utcnow
from flows.checkin import CHOICES, NOTE_LIMIT, CheckIn

NOTE_WAIT = dt.timedelta(hours=1)
"""How long after a check-in starts a typed line still counts as its note."""


@dataclass(frozen=True)
class StoredCheckIn:
    """A check-in with whom it belongs to and whether it is complete."""

    public_id: str
    user_id: int
    answers: CheckIn
    completed: bool


@dataclass(frozen=True)
class Reminder:
    """When a user wants their weekly reminder, and when it is next due (Unix seconds)."""

    user_id: int
    chat_id: int
    weekday: int
    minute_of_day: int
    zone: str
    next_due: int
    lang: str = "en"


@reconnecting
class CheckinStore:
    """Check-ins and reminders of users."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._sessions = async_sessionmaker(engine, expire_on_commit=False)

    async def latest_card_id(self, user_id: int) -> int | None:
        """Return the id of the user's newest card, if any."""
        async with self._sessions() as db:
            return cast(
                int | None,
                await db.scalar(
                    select(CardRow.id)
                    .where(CardRow.user_id == user_id)
                    .order_by(CardRow.id.desc())
                    .limit(1)
                ),
            )

    async def start(self, user_id: int, card_id: int) -> str:
        """Open a new check-in against this card; return its public id."""
        public_id = secrets.token_urlsafe(9)
        async with self._sessions() as db, db.begin():
            db.add(CheckinRow(public_id=public_id, user_id=user_id, card_id=card_id))
        return public_id

    async def get(self, public_id: str) -> StoredCheckIn | None:
        """Return the check-in, if it still exists."""
        async with self._sessions() as db:
            row = await db.scalar(select(CheckinRow).where(CheckinRow.public_id == public_id))
        return _stored(row) if row is not None else None

    async def answer(self, public_id: str, user_id: int, step: str, value: str) -> bool:
        """Store one answer of the user's open check-in; False if there is nothing to change."""
        if value not in CHOICES.get(step, ()):
            return False
        column = getattr(CheckinRow, step)
        async with self._sessions() as db, db.begin():
            result = await db.execute(
                update(CheckinRow)
                .where(
                    CheckinRow.public_id == public_id,
                    CheckinRow.user_id == user_id,
                    CheckinRow.completed_at.is_(None),
                )
                .values({column: value})
            )
        return bool(cast(Any, result).rowcount)

    async def complete(self, public_id: str, user_id: int, note: str | None) -> bool:
        """Close the check-in with its note; False if it was already closed or is gone."""
        async with self._sessions() as db, db.begin():
            result = await db.execute(
                update(CheckinRow)
                .where(
                    CheckinRow.public_id == public_id,
                    CheckinRow.user_id == user_id,
                    CheckinRow.completed_at.is_(None),
                    CheckinRow.engagement.is_not(None),
                )
                .values(
                    note=note[:NOTE_LIMIT] if note else None, note_done=True, completed_at=utcnow()
                )
            )
        return bool(cast(Any, result).rowcount)

    async def awaiting_note(self, user_id: int) -> str | None:
        """Return the check-in waiting for its note, if the user answered its last tap lately."""
        async with self._sessions() as db:
            return cast(
                str | None,
                await db.scalar(
                    select(CheckinRow.public_id)
                    .where(
                        CheckinRow.user_id == user_id,
                        CheckinRow.completed_at.is_(None),
                        CheckinRow.engagement.is_not(None),
                        CheckinRow.created_at > utcnow() - NOTE_WAIT,
                    )
                    .order_by(CheckinRow.id.desc())
                    .limit(1)
                ),
            )

    async def history(self, user_id: int, limit: int) -> list[CheckIn]:
        """Return the user's latest completed check-ins, oldest first."""
        async with self._sessions() as db:
            rows = await db.scalars(
                select(CheckinRow)
                .where(CheckinRow.user_id == user_id, CheckinRow.completed_at.is_not(None))
                .order_by(CheckinRow.id.desc())
                .limit(limit)
            )
            return [_stored(row).answers for row in reversed(list(rows))]

    # Reminders

    async def set_reminder(self, reminder: Reminder) -> None:
        """Create or replace the user's reminder."""
        async with self._sessions() as db, db.begin():
            await db.execute(delete(ReminderRow).where(ReminderRow.user_id == reminder.user_id))
            db.add(
                ReminderRow(
                    user_id=reminder.user_id,
                    chat_id=reminder.chat_id,
                    weekday=reminder.weekday,
                    minute_of_day=reminder.minute_of_day,
                    zone=reminder.zone,
                    next_due=reminder.next_due,
                )
            )

    async def reminder(self, user_id: int) -> Reminder | None:
        """Return the user's reminder, if any."""
        async with self._sessions() as db:
            row = await db.get(ReminderRow, user_id)
        return _reminder(row) if row is not None else None

    async def remove_reminder(self, user_id: int) -> None:
        """Turn the user's reminder off."""
        async with self._sessions() as db, db.begin():
            await db.execute(delete(ReminderRow).where(ReminderRow.user_id == user_id))

    async def due(self, now: int, limit: int = 100) -> list[Reminder]:
        """Return reminders due at or before `now`, earliest first."""
        async with self._sessions() as db:
            rows = await db.execute(
                select(ReminderRow, UserRow.lang)
                .join(UserRow, UserRow.id == ReminderRow.user_id)
                .where(ReminderRow.next_due <= now)
                .order_by(ReminderRow.next_due)
                .limit(limit)
            )
            return [_reminder(row, lang) for row, lang in rows]

    async def claim(self, reminder: Reminder, following: int) -> bool:
        """Move a due reminder to its next time; True only for the one caller that moved it."""
        async with self._sessions() as db, db.begin():
            result = await db.execute(
                update(ReminderRow)
                .where(
                    ReminderRow.user_id == reminder.user_id,
                    ReminderRow.next_due == reminder.next_due,
                )
                .values(next_due=following)
            )
        return bool(cast(Any, result).rowcount)


def _stored(row: CheckinRow) -> StoredCheckIn:
    answers = CheckIn(row.posted, row.replied, row.engagement, row.note, row.note_done)
    return StoredCheckIn(row.public_id, row.user_id, answers, row.completed_at is not None)


def _reminder(row: ReminderRow, lang: str = "en") -> Reminder:
    return Reminder(
        row.user_id, row.chat_id, row.weekday, row.minute_of_day, row.zone, row.next_due, lang
    )

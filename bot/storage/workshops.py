"""Workshops in SQL: one per group, versioned saves, and polls closed by one instance only."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass, field
from typing import Any, cast

from sqlalchemy import Update, delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from bot.sessions import StaleSessionError
from bot.storage.engine import reconnecting, write_lock
from bot.storage.models import WorkshopRow, utcnow
from flows.conditions import AnswerValue
from flows.i18n import Lang, parse_lang

CLAIM_LEASE = dt.timedelta(minutes=2)
"""How long a claimed poll is left to its claimer before another instance may close it."""


def new_workshop_id() -> str:
    """Return a short random public id, safe inside callback data."""
    return secrets.token_urlsafe(6)


@dataclass
class WorkshopRecord:
    """A workshop as stored: its leader, the group's interview, and the poll or prompt open now.

    `teacher_id` is None once the teacher erased their data: the group may still go on.

    A poll is open while `poll_options` is set, from before it is sent; `poll_message_id` once
    it is sent, and `poll_closes_at` (aware) is when it is due.
    `version` is 0 until `start` stores the workshop; each save and claim moves it on.
    """

    group_chat_id: int
    teacher_id: int | None
    lang: Lang
    state: str
    answers: dict[str, AnswerValue] = field(default_factory=dict)
    mistakes_shown: list[str] = field(default_factory=list)
    refusals: int = 0
    poll_message_id: int | None = None
    poll_options: list[str] = field(default_factory=list)
    prompt_message_id: int | None = None
    poll_closes_at: dt.datetime | None = None
    public_id: str = field(default_factory=new_workshop_id)
    version: int = 0


@reconnecting
class WorkshopStore:
    """The workshops running in groups."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self._sessions = async_sessionmaker(engine, expire_on_commit=False)

    async def start(self, record: WorkshopRecord) -> bool:
        """Store a new workshop; False if one already runs in that group."""
        row = WorkshopRow(
            group_chat_id=record.group_chat_id,
            public_id=record.public_id,
            teacher_id=record.teacher_id,
            lang=record.lang,
            version=1,
            **_values(record),
        )
        async with write_lock(self.engine), self._sessions() as db:
            try:
                async with db.begin():
                    db.add(row)
            except IntegrityError:
                # A retry whose first commit went through, unacknowledged, meets its own row.
                mine = await db.scalar(
                    select(WorkshopRow.public_id).where(
                        WorkshopRow.group_chat_id == record.group_chat_id
                    )
                )
                if mine != record.public_id:
                    return False
        record.version = 1
        return True

    async def running(self, group_chat_id: int) -> WorkshopRecord | None:
        """Return the workshop running in the group, if any."""
        async with self._sessions() as db:
            row = await db.get(WorkshopRow, group_chat_id)
        return _record(row) if row is not None else None

    async def save(self, record: WorkshopRecord) -> None:
        """Store the interview's and the poll's changes and move the version on.

        The teacher and the language stay as `start` stored them. Raises StaleSessionError if
        another writer changed (or finished) the workshop first.
        """
        async with write_lock(self.engine), self._sessions() as db, db.begin():
            result = await db.execute(
                _as_read(record).values(
                    **_values(record), version=record.version + 1, updated_at=utcnow()
                )
            )
        if cast(Any, result).rowcount != 1:
            raise StaleSessionError(record.public_id)
        record.version += 1

    async def finish(self, group_chat_id: int, public_id: str | None = None) -> bool:
        """Remove the group's workshop (only that one, given its public id); False if none was."""
        condition = WorkshopRow.group_chat_id == group_chat_id
        if public_id is not None:
            condition &= WorkshopRow.public_id == public_id
        async with write_lock(self.engine), self._sessions() as db, db.begin():
            result = await db.execute(delete(WorkshopRow).where(condition))
        return bool(cast(Any, result).rowcount)

    async def due_polls(self, now: dt.datetime, limit: int = 100) -> list[WorkshopRecord]:
        """Return workshops whose open poll was due to close at or before `now`, earliest first."""
        async with self._sessions() as db:
            rows = await db.scalars(
                select(WorkshopRow)
                .where(
                    WorkshopRow.poll_message_id.is_not(None),
                    WorkshopRow.poll_closes_at <= _utc(now),
                )
                .order_by(WorkshopRow.poll_closes_at)
                .limit(limit)
            )
            return [_record(row) for row in rows]

    async def claim_poll(self, record: WorkshopRecord, lease: dt.timedelta = CLAIM_LEASE) -> bool:
        """Take the right to close the record's poll (its `poll_message_id`); True for one caller.

        False without a poll message to close, or if the record is stale. The message id is
        stored with the claim: a poll whose id was never saved (its sender stopped right after
        sending) is claimed by the message its close button is on. The winner's record gets the
        new version, ready to save; its poll falls due again after `lease`, should it never save.
        """
        if record.poll_message_id is None:
            return False
        until = utcnow() + lease
        async with write_lock(self.engine), self._sessions() as db, db.begin():
            result = await db.execute(
                _as_read(record).values(
                    poll_message_id=record.poll_message_id,
                    poll_closes_at=until,
                    version=record.version + 1,
                    updated_at=utcnow(),
                )
            )
        if cast(Any, result).rowcount != 1:
            return False
        record.version += 1
        record.poll_closes_at = until
        return True


def _as_read(record: WorkshopRecord) -> Update:
    """Return an UPDATE of the record's row that matches only while nobody changed it since."""
    return update(WorkshopRow).where(
        WorkshopRow.group_chat_id == record.group_chat_id,
        WorkshopRow.public_id == record.public_id,
        WorkshopRow.version == record.version,
    )


def _values(record: WorkshopRecord) -> dict[str, Any]:
    closes = record.poll_closes_at
    return {
        "state": record.state,
        "answers": dict(record.answers),
        "mistakes_shown": list(record.mistakes_shown),
        "refusals": record.refusals,
        "poll_message_id": record.poll_message_id,
        "poll_options": list(record.poll_options),
        "prompt_message_id": record.prompt_message_id,
        "poll_closes_at": _utc(closes) if closes is not None else None,
    }


def _utc(when: dt.datetime) -> dt.datetime:
    # SQLite keeps the wall-clock time without its offset, so every time is stored in UTC.
    if when.tzinfo is None:
        raise ValueError(f"a time without a time zone: {when!r}")
    return when.astimezone(dt.UTC)


def _record(row: WorkshopRow) -> WorkshopRecord:
    closes = row.poll_closes_at
    if closes is not None:
        closes = closes.replace(tzinfo=dt.UTC) if closes.tzinfo is None else _utc(closes)
    return WorkshopRecord(
        group_chat_id=row.group_chat_id,
        teacher_id=row.teacher_id,
        lang=parse_lang(row.lang) or "en",
        state=row.state,
        answers=dict(row.answers),
        mistakes_shown=list(row.mistakes_shown),
        refusals=row.refusals,
        poll_message_id=row.poll_message_id,
        poll_options=list(row.poll_options),
        prompt_message_id=row.prompt_message_id,
        poll_closes_at=closes,
        public_id=row.public_id,
        version=row.version,
    )

"""The session store on SQLAlchemy: one transaction per save, optimistic concurrency."""

from __future__ import annotations

import datetime as dt
from functools import partial
from typing import Any, cast

from sqlalchemy import (
    Connection,
    Engine,
    Row,
    and_,
    bindparam,
    delete,
    exists,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from bot.sessions import CardRecord, DuplicateUpdateError, Erased, Session, StaleSessionError
from bot.storage.classes import bump_classes_of
from bot.storage.engine import create_engine, reconnecting
from bot.storage.models import (
    CardRow,
    CheckinRow,
    ClassRow,
    InterviewRow,
    MembershipRow,
    ProcessedUpdate,
    ReminderRow,
    UserRow,
    WorkshopRow,
    utcnow,
)
from bot.storage.transactions import Transactions
from flows.i18n import Lang, parse_lang

KEEP_PROCESSED_UPDATES = dt.timedelta(days=2)
"""Telegram stops redelivering an update long before this."""
PRUNE_EVERY = 256


@reconnecting
class SqlSessionStore:
    """Sessions, cards and processed updates in an SQL database.

    A method whose connection dies runs again on a new connection (see `reconnecting`).
    """

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self._sessions = async_sessionmaker(engine, expire_on_commit=False)
        self._transactions = Transactions(engine)

    @property
    def hot_engine(self) -> Engine:
        """Return the engine that loads and saves sessions run on (for event listeners)."""
        return self._transactions.sync_engine

    @classmethod
    def from_url(cls, url: str) -> SqlSessionStore:
        """Open the store of the database at `url`."""
        return cls(create_engine(url))

    async def close(self) -> None:
        """Release connections."""
        await self._transactions.close()
        await self.engine.dispose()

    async def load(
        self, chat_id: int, user_id: int, update_id: int | None = None
    ) -> Session | None:
        """Return the user's session in this chat, if they were ever seen (one query).

        With `update_id`, the same query asks whether that update was already applied, and a
        redelivered one raises DuplicateUpdateError.
        """
        params = {
            "update_id": -1 if update_id is None else update_id,
            "chat_id": chat_id,
            "user_id": user_id,
        }
        row = await self._transactions.read(partial(_latest_interview, params=params))
        if row is None:
            return None
        if update_id is not None and row.applied:
            raise DuplicateUpdateError(update_id)
        stored_lang = _lang(row.lang)
        session = Session(chat_id, user_id, stored_lang, stored_lang=stored_lang)
        if row.id is not None:
            session.interview_id = row.public_id
            session.state = row.state
            session.answers = dict(row.answers)
            session.mistakes_shown = list(row.mistakes_shown)
            session.pending = list(row.pending)
            session.pending_for = row.pending_for
            session.question_message_id = row.question_message_id
            session.refusals = row.refusals
            session.record_id = row.id
            session.version = row.version
            session.class_id = row.class_id
        return session

    async def save(self, session: Session, update_id: int | None = None) -> None:
        """Store the session in one transaction, recording the update that changed it.

        A save that fails leaves the session as it was, so that it can be saved again.
        """
        record_id, version = session.record_id, session.version
        try:
            await self._save(session, update_id)
        except BaseException:
            session.record_id, session.version = record_id, version  # rolled back with the rest
            raise

    async def _save(self, session: Session, update_id: int | None) -> None:
        # Core statements on a connection: the hot path needs no unit of work or identity map.
        try:
            card_id = await self._transactions.write(
                partial(_store_session, session=session, update_id=update_id)
            )
        except IntegrityError as error:
            if update_id is not None and await self.seen(update_id):
                raise DuplicateUpdateError(update_id) from error
            raise
        if card_id is not None:
            session.card_id = card_id
        session.unsaved_card = False
        session.stored_lang = session.lang

    async def seen(self, update_id: int) -> bool:
        """Return True if this update was already applied."""
        async with self._sessions() as db:
            return await db.get(ProcessedUpdate, update_id) is not None

    async def cards(self, user_id: int) -> list[CardRecord]:
        """Return the user's cards, newest first."""
        async with self._sessions() as db:
            rows = await db.scalars(
                select(CardRow).where(CardRow.user_id == user_id).order_by(CardRow.id.desc())
            )
            return [_card(row) for row in rows]

    async def card(self, user_id: int, card_id: int) -> CardRecord | None:
        """Return one of the user's cards."""
        async with self._sessions() as db:
            row = await db.get(CardRow, card_id)
            return _card(row) if row is not None and row.user_id == user_id else None

    async def erase(self, user_id: int) -> Erased:
        """Delete everything stored about the user, in one transaction."""
        async with self._sessions() as db, db.begin():
            cards = await db.scalar(select(func.count()).where(CardRow.user_id == user_id)) or 0
            interviews = (
                await db.scalar(select(func.count()).where(InterviewRow.user_id == user_id)) or 0
            )
            await db.execute(bump_classes_of(user_id))  # their excerpt leaves the class pages
            await db.execute(delete(MembershipRow).where(MembershipRow.user_id == user_id))
            await db.execute(delete(CheckinRow).where(CheckinRow.user_id == user_id))
            await db.execute(delete(ReminderRow).where(ReminderRow.user_id == user_id))
            await db.execute(
                update(ClassRow).where(ClassRow.teacher_id == user_id).values(teacher_id=None)
            )
            await db.execute(
                update(WorkshopRow).where(WorkshopRow.teacher_id == user_id).values(teacher_id=None)
            )
            await db.execute(delete(CardRow).where(CardRow.user_id == user_id))
            await db.execute(delete(InterviewRow).where(InterviewRow.user_id == user_id))
            profile = await db.execute(delete(UserRow).where(UserRow.id == user_id))
        return Erased(interviews, cards, bool(cast(Any, profile).rowcount))


def _latest_interview(connection: Connection, params: dict[str, Any]) -> Row[Any] | None:
    return connection.execute(_LATEST_INTERVIEW, params).first()


def _store_session(connection: Connection, session: Session, update_id: int | None) -> int | None:
    """Write the update's mark, the user and the interview (and a new card: its id)."""
    if update_id is not None:
        connection.execute(_MARK_APPLIED, {"update_id": update_id, "processed_at": utcnow()})
        if update_id % PRUNE_EVERY == 0:
            _prune(connection)
    _save_user(connection, session)
    _save_interview(connection, session)
    if not session.unsaved_card:
        return None
    return connection.scalar(
        insert(CardRow)
        .values(
            user_id=session.user_id,
            chat_id=session.chat_id,
            interview_id=session.record_id,
            lang=session.card_lang or session.lang,
            answers=dict(session.card_answers or {}),
        )
        .returning(CardRow.id)
    )


def _save_user(connection: Connection, session: Session) -> None:
    if session.stored_lang == session.lang:
        return  # the row exists and is up to date: nothing to write
    changed = connection.execute(
        update(UserRow)
        .where(UserRow.id == session.user_id)
        .values(lang=session.lang, updated_at=utcnow())
    )
    if session.stored_lang is None and changed.rowcount == 0:
        connection.execute(insert(UserRow).values(id=session.user_id, lang=session.lang))


def _save_interview(connection: Connection, session: Session) -> None:
    values: dict[str, Any] = {
        "public_id": session.interview_id,
        "state": session.state,
        "answers": dict(session.answers),
        "mistakes_shown": list(session.mistakes_shown),
        "pending": list(session.pending),
        "pending_for": session.pending_for,
        "question_message_id": session.question_message_id,
        "refusals": session.refusals,
    }
    if session.record_id is None:
        if session.state is None:
            return  # no interview yet: only the user row is stored
        created = connection.execute(
            insert(InterviewRow).values(
                user_id=session.user_id,
                chat_id=session.chat_id,
                class_id=session.class_id,
                version=1,
                **values,
            )
        )
        key = created.inserted_primary_key
        assert key is not None, "an INSERT of one row has its key"
        session.record_id, session.version = key[0], 1
        return
    result = connection.execute(
        _UPDATE_INTERVIEW,
        {
            **values,
            "record_id": session.record_id,
            "read_public_id": session.interview_id,
            "read_version": session.version,
            "version": session.version + 1,
            "updated_at": utcnow(),
        },
    )
    if result.rowcount != 1:
        raise StaleSessionError(session.record_id)
    session.version += 1


def _prune(connection: Connection) -> None:
    cutoff = utcnow() - KEEP_PROCESSED_UPDATES
    connection.execute(delete(ProcessedUpdate).where(ProcessedUpdate.processed_at < cutoff))


# The hot path's statements, built once: their compiled SQL is cached across updates.
_LATEST_INTERVIEW = (
    select(
        exists().where(ProcessedUpdate.update_id == bindparam("update_id")).label("applied"),
        UserRow.lang,
        *InterviewRow.__table__.columns,
    )
    .select_from(UserRow)
    .outerjoin(
        InterviewRow,
        and_(InterviewRow.user_id == UserRow.id, InterviewRow.chat_id == bindparam("chat_id")),
    )
    .where(UserRow.id == bindparam("user_id"))
    .order_by(InterviewRow.id.desc())
    .limit(1)
)
_MARK_APPLIED = insert(ProcessedUpdate)
# The public id too: SQLite reuses the row id of an erased newest row for the next one.
_UPDATE_INTERVIEW = update(InterviewRow).where(
    InterviewRow.id == bindparam("record_id"),
    InterviewRow.public_id == bindparam("read_public_id"),
    InterviewRow.version == bindparam("read_version"),
)


def _card(row: CardRow) -> CardRecord:
    created = row.created_at if row.created_at.tzinfo else row.created_at.replace(tzinfo=dt.UTC)
    return CardRecord(row.id, created, _lang(row.lang), dict(row.answers))


def _lang(code: str) -> Lang:
    return parse_lang(code) or "en"

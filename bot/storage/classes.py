"""Class sessions in the database: classes, who joined, who finished, what they share."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from typing import Any, Literal, cast

from sqlalchemy import ColumnElement, Update, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from bot.storage.engine import reconnecting
from bot.storage.models import CardRow, ClassRow, MembershipRow, UserRow, utcnow
from flows.conditions import AnswerValue
from flows.i18n import Lang, parse_lang

Share = Literal["no", "anonymous", "named"]
CLASS_PAYLOAD_PREFIX = "class_"
PAGE_SECRET_BYTES = 16
"""128 random bits in each class page's address: nobody finds a page by trying addresses."""


@dataclass(frozen=True)
class ClassInfo:
    """A class session as the handlers need it."""

    id: int
    code: str
    group_chat_id: int
    teacher_id: int | None
    title: str
    case_id: str | None
    brief: str | None
    lang: Lang
    open: bool
    announcement_message_id: int | None
    counts_shown: str | None
    counts_edited_at: dt.datetime | None
    page_secret: str = ""
    closed_at: dt.datetime | None = None
    revision: int = 0
    """Moves at every change the class page shows."""

    @property
    def payload(self) -> str:
        """The deep-link payload that joins this class (A-Z, a-z, 0-9, _ and -)."""
        return CLASS_PAYLOAD_PREFIX + self.code


@dataclass(frozen=True)
class Finished:
    """A student's finished card in a class, with what they agreed to share."""

    answers: dict[str, AnswerValue]
    share: Share
    name: str | None


@reconnecting
class ClassStore:
    """Reads and writes class sessions."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._sessions = async_sessionmaker(engine, expire_on_commit=False)

    async def create(
        self,
        *,
        group_chat_id: int,
        teacher_id: int,
        teacher_lang: Lang,
        title: str,
        case_id: str | None,
        brief: str | None,
    ) -> ClassInfo:
        """Open a class in a group; the teacher becomes a known user."""
        async with self._sessions() as db, db.begin():
            if await db.get(UserRow, teacher_id) is None:
                db.add(UserRow(id=teacher_id, lang=teacher_lang))
                await db.flush()
            row = ClassRow(
                code=secrets.token_urlsafe(9),
                group_chat_id=group_chat_id,
                teacher_id=teacher_id,
                title=title,
                case_id=case_id,
                brief=brief,
                lang=teacher_lang,
                status="open",
                page_secret=secrets.token_urlsafe(PAGE_SECRET_BYTES),
            )
            db.add(row)
            await db.flush()
            return _info(row)

    async def by_code(self, code: str) -> ClassInfo | None:
        """Return the class a deep-link code names."""
        async with self._sessions() as db:
            row = await db.scalar(select(ClassRow).where(ClassRow.code == code))
            return _info(row) if row else None

    async def by_page_secret(self, secret: str) -> ClassInfo | None:
        """Return the class whose page address holds this secret."""
        async with self._sessions() as db:
            row = await db.scalar(select(ClassRow).where(ClassRow.page_secret == secret))
            return _info(row) if row else None

    async def get(self, class_id: int) -> ClassInfo | None:
        """Return a class by id."""
        async with self._sessions() as db:
            row = await db.get(ClassRow, class_id)
            return _info(row) if row else None

    async def latest_in_group(self, group_chat_id: int) -> ClassInfo | None:
        """Return the group's most recent class."""
        return await self._latest(ClassRow.group_chat_id == group_chat_id)

    async def latest_of_teacher(self, teacher_id: int) -> ClassInfo | None:
        """Return the most recent class a teacher opened."""
        return await self._latest(ClassRow.teacher_id == teacher_id)

    async def _latest(self, condition: ColumnElement[bool]) -> ClassInfo | None:
        async with self._sessions() as db:
            row = await db.scalar(
                select(ClassRow).where(condition).order_by(ClassRow.id.desc()).limit(1)
            )
            return _info(row) if row else None

    async def set_case(self, class_id: int, case_id: str | None) -> None:
        """Set the case study the students plan for (None: their own business)."""
        await self._update(class_id, case_id=case_id, revision=_next_revision)

    async def set_announcement(self, class_id: int, message_id: int) -> None:
        """Remember the group message that shows the class and its counts."""
        await self._update(class_id, announcement_message_id=message_id)

    async def claim_counts_edit(self, class_id: int, every: dt.timedelta) -> bool:
        """Take the right to edit the class message now; False if it was edited too recently.

        One conditional UPDATE, so concurrent updates (or processes) cannot all edit at once.
        """
        now = utcnow()
        async with self._sessions() as db, db.begin():
            result = await db.execute(
                update(ClassRow)
                .where(
                    ClassRow.id == class_id,
                    (ClassRow.counts_edited_at.is_(None))
                    | (ClassRow.counts_edited_at <= now - every),
                )
                .values(counts_edited_at=now)
            )
        return bool(cast(Any, result).rowcount)

    async def counts_shown(self, class_id: int, counts: str) -> None:
        """Record the counts just shown in the group, and when."""
        await self._update(class_id, counts_shown=counts, counts_edited_at=utcnow())

    async def close(self, class_id: int) -> None:
        """Close the class: nobody else joins; the report stays."""
        await self._update(class_id, status="closed", closed_at=utcnow(), revision=_next_revision)

    async def join(self, class_id: int, user_id: int, lang: Lang) -> bool:
        """Add a student (a new user too); False if they had already joined."""
        async with self._sessions() as db:
            try:
                async with db.begin():
                    if await db.get(UserRow, user_id) is None:
                        db.add(UserRow(id=user_id, lang=lang))
                        await db.flush()
                    db.add(MembershipRow(class_id=class_id, user_id=user_id))
                    await db.flush()
                    await db.execute(_bump(class_id))
            except IntegrityError:
                return False
        return True

    async def finish(self, class_id: int, user_id: int) -> None:
        """Mark the student's latest card as their class work."""
        async with self._sessions() as db, db.begin():
            card_id = await db.scalar(
                select(func.max(CardRow.id)).where(CardRow.user_id == user_id)
            )
            await db.execute(
                update(MembershipRow)
                .where(MembershipRow.class_id == class_id, MembershipRow.user_id == user_id)
                .values(finished_at=utcnow(), card_id=card_id)
            )
            await db.execute(_bump(class_id))

    async def set_share(self, class_id: int, user_id: int, share: Share, name: str | None) -> bool:
        """Record what the student agreed to share; False if they are not in that class."""
        async with self._sessions() as db, db.begin():
            result = await db.execute(
                update(MembershipRow)
                .where(MembershipRow.class_id == class_id, MembershipRow.user_id == user_id)
                .values(share=share, display_name=name if share == "named" else None)
            )
            changed = bool(getattr(result, "rowcount", 0))
            if changed:
                await db.execute(_bump(class_id))
        return changed

    async def counts(self, class_id: int) -> tuple[int, int]:
        """Return (joined, finished)."""
        async with self._sessions() as db:
            joined = await db.scalar(select(func.count()).where(MembershipRow.class_id == class_id))
            finished = await db.scalar(
                select(func.count()).where(
                    MembershipRow.class_id == class_id, MembershipRow.finished_at.is_not(None)
                )
            )
        return int(joined or 0), int(finished or 0)

    async def finished(self, class_id: int) -> list[Finished]:
        """Return the finished students' cards, in the order they finished."""
        async with self._sessions() as db:
            rows = await db.execute(
                select(MembershipRow, CardRow)
                .join(CardRow, CardRow.id == MembershipRow.card_id)
                .where(MembershipRow.class_id == class_id, MembershipRow.finished_at.is_not(None))
                .order_by(MembershipRow.finished_at, MembershipRow.id)
            )
            return [
                Finished(dict(card.answers), cast(Share, member.share), member.display_name)
                for member, card in rows
            ]

    async def _update(self, class_id: int, **values: Any) -> None:
        async with self._sessions() as db, db.begin():
            await db.execute(update(ClassRow).where(ClassRow.id == class_id).values(**values))


_next_revision = ClassRow.revision + 1


def _bump(class_id: int) -> Update:
    """Return the statement that tells the class's page something changed."""
    return update(ClassRow).where(ClassRow.id == class_id).values(revision=_next_revision)


def bump_classes_of(user_id: int) -> Update:
    """Return the statement that tells the pages of this user's classes they changed."""
    of_user = select(MembershipRow.class_id).where(MembershipRow.user_id == user_id)
    return update(ClassRow).where(ClassRow.id.in_(of_user)).values(revision=_next_revision)


def _aware(moment: dt.datetime | None) -> dt.datetime | None:
    """SQLite hands back naive datetimes; every time stored here is UTC."""
    return moment.replace(tzinfo=dt.UTC) if moment is not None and moment.tzinfo is None else moment


def _info(row: ClassRow) -> ClassInfo:
    return ClassInfo(
        id=row.id,
        code=row.code,
        group_chat_id=row.group_chat_id,
        teacher_id=row.teacher_id,
        title=row.title,
        case_id=row.case_id,
        brief=row.brief,
        lang=parse_lang(row.lang) or "en",
        open=row.status == "open",
        announcement_message_id=row.announcement_message_id,
        counts_shown=row.counts_shown,
        counts_edited_at=_aware(row.counts_edited_at),
        page_secret=row.page_secret or "",
        closed_at=_aware(row.closed_at),
        revision=row.revision,
    )

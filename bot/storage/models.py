"""The tables: users, their interviews and cards, and the updates already processed."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


def utcnow() -> dt.datetime:
    """Return the current time in UTC."""
    return dt.datetime.now(dt.UTC)


class Base(DeclarativeBase):
    """Declarative base of every table."""

    type_annotation_map = {dict[str, Any]: JSON, list[str]: JSON}


class UserRow(Base):
    """A Telegram user: their language and what they agreed to."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    lang: Mapped[str] = mapped_column(String(2))
    consents: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )


class InterviewRow(Base):
    """One interview of a user in a chat: the machine's state and the answers, versioned."""

    __tablename__ = "interviews"
    __table_args__ = (Index("ix_interviews_user_chat", "user_id", "chat_id", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    public_id: Mapped[str] = mapped_column(String(16), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    chat_id: Mapped[int] = mapped_column(BigInteger)
    class_id: Mapped[int | None] = mapped_column(BigInteger, default=None, index=True)
    state: Mapped[str | None] = mapped_column(String(32))
    answers: Mapped[dict[str, Any]] = mapped_column(default=dict)
    mistakes_shown: Mapped[list[str]] = mapped_column(default=list)
    pending: Mapped[list[str]] = mapped_column(default=list)
    pending_for: Mapped[str | None] = mapped_column(String(32))
    question_message_id: Mapped[int | None] = mapped_column(BigInteger)
    refusals: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )


class CardRow(Base):
    """A finished strategy card: the answers it was built from, for history."""

    __tablename__ = "cards"
    __table_args__ = (Index("ix_cards_user_created", "user_id", "created_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    chat_id: Mapped[int] = mapped_column(BigInteger)
    interview_id: Mapped[int | None] = mapped_column(
        ForeignKey("interviews.id", ondelete="SET NULL")
    )
    lang: Mapped[str] = mapped_column(String(2))
    answers: Mapped[dict[str, Any]] = mapped_column()
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ProcessedUpdate(Base):
    """A Telegram update already applied, so a redelivery has no second effect."""

    __tablename__ = "processed_updates"

    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    processed_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, index=True
    )


class ClassRow(Base):
    """A class session opened by a teacher in a group."""

    __tablename__ = "classes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(24), unique=True)
    group_chat_id: Mapped[int] = mapped_column(BigInteger, index=True)
    teacher_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    title: Mapped[str] = mapped_column(String(120))
    case_id: Mapped[str | None] = mapped_column(String(32))
    brief: Mapped[str | None] = mapped_column(String(1000))
    lang: Mapped[str] = mapped_column(String(2))
    status: Mapped[str] = mapped_column(String(8), default="open")
    announcement_message_id: Mapped[int | None] = mapped_column(BigInteger)
    counts_shown: Mapped[str | None] = mapped_column(String(32))
    counts_edited_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    closed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    page_secret: Mapped[str | None] = mapped_column(String(32), unique=True, index=True)
    """The unguessable part of the class page's address; never shown in the group."""
    revision: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    """Counts every change the class page shows (case, join, finish, consent, erasure, closing)."""


class MembershipRow(Base):
    """A student in a class: when they joined, finished, and what they agreed to share."""

    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("class_id", "user_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    class_id: Mapped[int] = mapped_column(ForeignKey("classes.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    joined_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    card_id: Mapped[int | None] = mapped_column(ForeignKey("cards.id", ondelete="SET NULL"))
    share: Mapped[str] = mapped_column(String(10), default="no")
    display_name: Mapped[str | None] = mapped_column(String(64))


class CheckinRow(Base):
    """A weekly check-in: three answers and an optional note, against the latest card."""

    __tablename__ = "checkins"
    __table_args__ = (Index("ix_checkins_user", "user_id", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    public_id: Mapped[str] = mapped_column(String(16), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    card_id: Mapped[int | None] = mapped_column(ForeignKey("cards.id", ondelete="SET NULL"))
    posted: Mapped[str | None] = mapped_column(String(8))
    replied: Mapped[str | None] = mapped_column(String(8))
    engagement: Mapped[str | None] = mapped_column(String(8))
    note: Mapped[str | None] = mapped_column(String(200))
    note_done: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    completed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class ReminderRow(Base):
    """A user's weekly reminder; `next_due` is in Unix seconds, so every database compares alike."""

    __tablename__ = "reminders"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    chat_id: Mapped[int] = mapped_column(BigInteger)
    weekday: Mapped[int] = mapped_column(Integer)
    minute_of_day: Mapped[int] = mapped_column(Integer)
    zone: Mapped[str] = mapped_column(String(40))
    next_due: Mapped[int] = mapped_column(BigInteger, index=True)


class WorkshopRow(Base):
    """The workshop running in a group: one interview for everyone, versioned like `interviews`.

    The group is the key, so a second workshop in a group is refused by the database itself.
    """

    __tablename__ = "workshops"

    group_chat_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    public_id: Mapped[str] = mapped_column(String(16), unique=True)
    teacher_id: Mapped[int | None] = mapped_column(BigInteger)
    lang: Mapped[str] = mapped_column(String(2))
    state: Mapped[str] = mapped_column(String(32))
    answers: Mapped[dict[str, Any]] = mapped_column(default=dict)
    mistakes_shown: Mapped[list[str]] = mapped_column(default=list)
    refusals: Mapped[int] = mapped_column(Integer, default=0)
    poll_message_id: Mapped[int | None] = mapped_column(BigInteger)
    poll_options: Mapped[list[str]] = mapped_column(default=list)
    prompt_message_id: Mapped[int | None] = mapped_column(BigInteger)
    poll_closes_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), index=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )

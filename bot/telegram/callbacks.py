"""Typed callback data: one small type per feature, each with its own prefix and handler."""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from typing import ClassVar, Literal, Self, get_args

MAX_CALLBACK_BYTES = 64
"""Telegram refuses longer callback data."""
SEPARATOR = ":"
STORED_ID = re.compile(r"\A[0-9]{1,18}\Z")


@dataclass(frozen=True)
class CallbackData:
    """Callback data as `prefix:field:field…`; subclasses name their prefix and fields."""

    PREFIX: ClassVar[str]
    CHOICES: ClassVar[dict[str, tuple[str, ...]]] = {}
    """Fields that only take these values; any other value is refused on unpacking."""

    def pack(self) -> str:
        """Encode as callback data (stable ids only, never labels)."""
        values = [str(getattr(self, f.name)) for f in dataclasses.fields(self)]
        if any(SEPARATOR in value for value in values):
            raise ValueError(f"a {SEPARATOR!r} inside callback data: {values!r}")
        data = SEPARATOR.join([self.PREFIX, *values])
        if len(data.encode()) > MAX_CALLBACK_BYTES:
            raise ValueError(f"callback data over {MAX_CALLBACK_BYTES} bytes: {data!r}")
        return data

    @classmethod
    def unpack(cls, data: str | None) -> Self | None:
        """Decode callback data; None when it is not this type's or a field is out of range."""
        prefix, *values = (data or "").split(SEPARATOR)
        fields = dataclasses.fields(cls)
        if prefix != cls.PREFIX or len(values) != len(fields):
            return None
        for field, value in zip(fields, values, strict=True):
            allowed = cls.CHOICES.get(field.name)
            if allowed is not None and value not in allowed:
                return None
        return cls(*values)

    @classmethod
    def matches(cls, data: object) -> bool:
        """Return True for well-formed data of this type: its own CallbackQueryHandler's pattern.

        Data that merely starts with the prefix falls through to the refusal of unknown buttons.
        """
        return isinstance(data, str) and cls.unpack(data) is not None


def stored_id(text: str) -> int | None:
    """Read a stored row's id from callback data; None when the text cannot be one."""
    return int(text) if STORED_ID.match(text) else None


AnswerAction = Literal["answer", "toggle", "done", "back", "skip", "pick", "keep"]
ANSWER_ACTIONS: tuple[str, ...] = get_args(AnswerAction)


@dataclass(frozen=True)
class AnswerTap(CallbackData):
    """A button under an interview question (or a question back)."""

    PREFIX = "ans"
    CHOICES = {"action": ANSWER_ACTIONS}
    action: str
    interview_id: str
    question_id: str
    option_id: str = ""


@dataclass(frozen=True)
class LanguageTap(CallbackData):
    """One of the two language buttons."""

    PREFIX = "lang"
    CHOICES = {"lang": ("it", "en")}
    lang: str


@dataclass(frozen=True)
class CardTap(CallbackData):
    """An earlier card in /history."""

    PREFIX = "card"
    card_id: str


@dataclass(frozen=True)
class EraseTap(CallbackData):
    """The answer to /deletedata's confirmation."""

    PREFIX = "erase"
    CHOICES = {"confirmed": ("yes", "no")}
    confirmed: str


@dataclass(frozen=True)
class CaseTap(CallbackData):
    """The teacher's choice of a class's case study (or their own business)."""

    PREFIX = "case"
    class_id: str
    case_id: str


@dataclass(frozen=True)
class ShareTap(CallbackData):
    """A student's consent about their card in the class report."""

    PREFIX = "share"
    CHOICES = {"choice": ("anonymous", "named", "no")}
    class_id: str
    choice: str


@dataclass(frozen=True)
class WorkshopTap(CallbackData):
    """The teacher closing a workshop poll, or settling a tie."""

    PREFIX = "ws"
    workshop_id: str
    question_id: str
    option_id: str


@dataclass(frozen=True)
class ReminderTap(CallbackData):
    """One step of choosing the weekly reminder: menu, day, zone, time or off."""

    PREFIX = "rem"
    CHOICES = {"step": ("menu", "day", "zone", "time", "off")}
    step: str
    day: str = ""
    zone: str = ""
    minute: str = ""


@dataclass(frozen=True)
class CheckinTap(CallbackData):
    """A check-in answer, its note's skip, or the way in from a reminder or a missing card."""

    PREFIX = "ci"
    checkin_id: str
    step: str
    value: str = ""


FEATURES: tuple[type[CallbackData], ...] = (
    AnswerTap,
    LanguageTap,
    CardTap,
    EraseTap,
    CaseTap,
    ShareTap,
    WorkshopTap,
    ReminderTap,
    CheckinTap,
)


@dataclass(frozen=True)
class CardTabTap(CallbackData):
    """A tab of a card shown as one message: the card, the day it was made for, the tab."""

    PREFIX = "tab"
    card_id: str
    day: str
    tab: str

"""Inline keyboards and the compact callback data their buttons carry."""

from __future__ import annotations

from dataclasses import dataclass

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from flows.outputs import ClarifyView, QuestionView

ANSWER, TOGGLE, DONE, BACK, SKIP, LANG, HISTORY, ERASE = "a", "t", "d", "b", "s", "l", "h", "x"
CASE, SHARE, WORKSHOP, CHECKIN, REMIND = "c", "q", "w", "k", "r"
PICK, KEEP = "p", "v"
ACTIONS = frozenset(
    {ANSWER, TOGGLE, DONE, BACK, SKIP, LANG, HISTORY, ERASE, CASE, SHARE, WORKSHOP, CHECKIN, REMIND}
    | {PICK, KEEP}
)
MAX_CALLBACK_BYTES = 64


@dataclass(frozen=True)
class Tap:
    """What a button says when tapped: the action, the interview, the question, the option."""

    action: str
    interview_id: str = ""
    question_id: str = ""
    option_id: str = ""

    def pack(self) -> str:
        """Encode as callback data (stable ids only, never labels)."""
        data = ":".join((self.action, self.interview_id, self.question_id, self.option_id))
        if len(data.encode()) > MAX_CALLBACK_BYTES:
            raise ValueError(f"callback data over {MAX_CALLBACK_BYTES} bytes: {data!r}")
        return data

    @classmethod
    def unpack(cls, data: str | None) -> Tap | None:
        """Decode callback data; None when it is not ours."""
        parts = (data or "").split(":")
        if len(parts) != 4 or parts[0] not in ACTIONS:
            return None
        return cls(*parts)


def row_id(text: str) -> int | None:
    """Read a stored row's id from callback data; None when the text cannot be one."""
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 18 else None


def question_keyboard(
    question: QuestionView, interview_id: str, pending: list[str], labels: dict[str, str]
) -> InlineKeyboardMarkup | None:
    """Buttons for a choice question: one tap for single choice, toggles and Done for multi.

    With `labels["keep"]`, a question answered before gets a button that keeps that answer.
    """
    rows: list[list[InlineKeyboardButton]] = []
    if "keep" in labels:
        keep = Tap(KEEP, interview_id, question.id)
        rows.append([InlineKeyboardButton(labels["keep"], callback_data=keep.pack())])
        if question.kind == "text":
            return InlineKeyboardMarkup(rows)
    if question.kind == "single":
        for choice in question.choices:
            mark = "• " if choice.id in question.current else ""
            tap = Tap(ANSWER, interview_id, question.id, choice.id)
            rows.append([InlineKeyboardButton(mark + choice.label, callback_data=tap.pack())])
    elif question.kind == "multi":
        for choice in question.choices:
            mark = "✅ " if choice.id in pending else ""
            tap = Tap(TOGGLE, interview_id, question.id, choice.id)
            rows.append([InlineKeyboardButton(mark + choice.label, callback_data=tap.pack())])
        done = Tap(DONE, interview_id, question.id)
        rows.append([InlineKeyboardButton(labels["done"], callback_data=done.pack())])
    else:
        return None
    navigation = []
    if question.step > 1:
        back = Tap(BACK, interview_id, question.id)
        navigation.append(InlineKeyboardButton(labels["back"], callback_data=back.pack()))
    if not question.required:
        skip = Tap(SKIP, interview_id, question.id)
        navigation.append(InlineKeyboardButton(labels["skip"], callback_data=skip.pack()))
    if navigation:
        rows.append(navigation)
    return InlineKeyboardMarkup(rows)


def clarify_keyboard(clarify: ClarifyView, interview_id: str) -> InlineKeyboardMarkup:
    """One button per reading of an unclear answer; a tap settles it."""
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    choice.label,
                    callback_data=Tap(PICK, interview_id, clarify.question_id, choice.id).pack(),
                )
            ]
            for choice in clarify.choices
        ]
    )


def language_keyboard() -> InlineKeyboardMarkup:
    """Two buttons to pick the language."""
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton("🇮🇹 Italiano", callback_data=Tap(LANG, option_id="it").pack()),
                InlineKeyboardButton("🇬🇧 English", callback_data=Tap(LANG, option_id="en").pack()),
            ]
        ]
    )


def history_keyboard(items: list[tuple[int, str]]) -> InlineKeyboardMarkup:
    """One button per stored card, labelled with its date and business."""
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(label, callback_data=Tap(HISTORY, option_id=str(card_id)).pack())]
            for card_id, label in items
        ]
    )


def reminder_keyboard(label: str) -> InlineKeyboardMarkup:
    """One button that opens the weekly reminder settings."""
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(label, callback_data=Tap(REMIND, "", "menu").pack())]]
    )


def erase_keyboard(yes: str, no: str) -> InlineKeyboardMarkup:
    """Confirm or refuse erasing the user's data."""
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(yes, callback_data=Tap(ERASE, option_id="yes").pack())],
            [InlineKeyboardButton(no, callback_data=Tap(ERASE, option_id="no").pack())],
        ]
    )

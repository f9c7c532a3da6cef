"""Inline keyboards of the interview and the small menus around it."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.telegram.callbacks import AnswerTap, CardTap, EraseTap, LanguageTap, ReminderTap
from flows.outputs import ClarifyView, QuestionView


def question_keyboard(
    question: QuestionView, interview_id: str, pending: list[str], labels: dict[str, str]
) -> InlineKeyboardMarkup | None:
    """Buttons for a choice question: one tap for single choice, toggles and Done for multi.

    With `labels["keep"]`, a question answered before gets a button that keeps that answer.
    """
    rows: list[list[InlineKeyboardButton]] = []
    if "keep" in labels:
        keep = AnswerTap("keep", interview_id, question.id)
        rows.append([InlineKeyboardButton(labels["keep"], callback_data=keep.pack())])
        if question.kind == "text":
            return InlineKeyboardMarkup(rows)
    if question.kind == "single":
        for choice in question.choices:
            mark = "• " if choice.id in question.current else ""
            tap = AnswerTap("answer", interview_id, question.id, choice.id)
            rows.append([InlineKeyboardButton(mark + choice.label, callback_data=tap.pack())])
    elif question.kind == "multi":
        for choice in question.choices:
            mark = "✅ " if choice.id in pending else ""
            tap = AnswerTap("toggle", interview_id, question.id, choice.id)
            rows.append([InlineKeyboardButton(mark + choice.label, callback_data=tap.pack())])
        done = AnswerTap("done", interview_id, question.id)
        rows.append([InlineKeyboardButton(labels["done"], callback_data=done.pack())])
    else:
        return None
    navigation = []
    if question.step > 1:
        back = AnswerTap("back", interview_id, question.id)
        navigation.append(InlineKeyboardButton(labels["back"], callback_data=back.pack()))
    if not question.required:
        skip = AnswerTap("skip", interview_id, question.id)
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
                    callback_data=AnswerTap(
                        "pick", interview_id, clarify.question_id, choice.id
                    ).pack(),
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
                InlineKeyboardButton("🇮🇹 Italiano", callback_data=LanguageTap("it").pack()),
                InlineKeyboardButton("🇬🇧 English", callback_data=LanguageTap("en").pack()),
            ]
        ]
    )


def history_keyboard(items: list[tuple[int, str]]) -> InlineKeyboardMarkup:
    """One button per stored card, labelled with its date and business."""
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(label, callback_data=CardTap(str(card_id)).pack())]
            for card_id, label in items
        ]
    )


def reminder_keyboard(label: str) -> InlineKeyboardMarkup:
    """One button that opens the weekly reminder settings."""
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(label, callback_data=ReminderTap("menu").pack())]]
    )


def erase_keyboard(yes: str, no: str) -> InlineKeyboardMarkup:
    """Confirm or refuse erasing the user's data."""
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(yes, callback_data=EraseTap("yes").pack())],
            [InlineKeyboardButton(no, callback_data=EraseTap("no").pack())],
        ]
    )

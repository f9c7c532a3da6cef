"""A class student's consent under their card: the question, its buttons, the choice ticked."""

from __future__ import annotations

from collections.abc import Sequence

from telegram import InlineKeyboardButton

from bot.storage.classes import Share
from bot.telegram.callbacks import ShareTap
from bot.telegram.views import Views
from flows.i18n import Lang
from flows.ui_keys import UiKey

SHARE_LABELS: dict[Share, UiKey] = {
    "anonymous": "cls_share_anonymous",
    "named": "cls_share_named",
    "no": "cls_share_no",
}
"""The consent buttons: a ShareTap choice and its label's key."""
TICK = "✅ "

Rows = list[list[InlineKeyboardButton]]


def consent_question(views: Views, lang: Lang) -> str:
    """Return the question the buttons answer, as the card's last paragraph."""
    return f"🎓 <i>{views.ui('cls_share_question', lang)}</i>"


def consent_rows(views: Views, class_id: int, lang: Lang, chosen: Share | None = None) -> Rows:
    """Return the consent buttons, one a row, the student's current choice ticked."""
    return [
        [
            InlineKeyboardButton(
                (TICK if choice == chosen else "") + views.content.text(key)(lang),
                callback_data=ShareTap(str(class_id), choice).pack(),
            )
        ]
        for choice, key in SHARE_LABELS.items()
    ]


def is_consent_row(row: Sequence[InlineKeyboardButton]) -> bool:
    """Return True for a row of consent buttons."""
    return any(ShareTap.matches(button.callback_data) for button in row)

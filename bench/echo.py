"""A bare python-telegram-bot echo bot with default settings: the benchmark's yardstick.

It replies to every message with its text and a button; a tap answers the query and edits the
message. Default request backend (httpx), no rate limiter, one update at a time. Reads
TELEGRAM_BOT_TOKEN and TELEGRAM_API_URL like `python -m bot`.
"""

from __future__ import annotations

import os

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import Application, CallbackQueryHandler, ContextTypes, MessageHandler, filters

BUTTON = "again"
KEYBOARD = InlineKeyboardMarkup([[InlineKeyboardButton("Again", callback_data=BUTTON)]])


async def reply(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Send the text back, with a button to tap."""
    if update.message is not None and update.message.text:
        await update.message.reply_text(update.message.text, reply_markup=KEYBOARD)


async def tapped(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer the tap and edit the message (a new text each time, or Telegram refuses it)."""
    query = update.callback_query
    if query is not None:
        await query.answer()
        await query.edit_message_text(f"Tapped ({update.update_id})", reply_markup=KEYBOARD)


def main() -> None:
    """Poll until interrupted."""
    application = (
        Application.builder()
        .token(os.environ["TELEGRAM_BOT_TOKEN"])
        .base_url(os.environ["TELEGRAM_API_URL"])
        .build()
    )
    application.add_handler(MessageHandler(filters.TEXT, reply))
    application.add_handler(CallbackQueryHandler(tapped))
    application.run_polling(allowed_updates=Update.ALL_TYPES)


if __name__ == "__main__":
    main()

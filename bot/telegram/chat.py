"""Sending into one chat: new messages, edits in place, and blocks packed into few messages."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from telegram import Bot, ForceReply, InlineKeyboardMarkup, Message, ReplyParameters
from telegram.error import BadRequest

from bot.telegram.views import split_messages

log = logging.getLogger(__name__)

# Telegram's words for a message that can no longer be edited (deleted, or too old).
GONE = ("message to edit not found", "message can't be edited")

Markup = InlineKeyboardMarkup | ForceReply | None


def message_gone(error: BadRequest) -> bool:
    """Return True if Telegram refused an edit because the message can no longer be edited."""
    return any(gone in error.message.lower() for gone in GONE)


@dataclass(frozen=True)
class Chat:
    """One chat the bot answers in; in a group, replies quote the message answered."""

    bot: Bot
    chat_id: int
    reply_to: int | None = None

    async def send(self, html: str, markup: Markup = None) -> Message:
        """Send one HTML message (HTML is the application's default parse mode)."""
        reply = (
            ReplyParameters(self.reply_to, allow_sending_without_reply=True)
            if self.reply_to
            else None
        )
        return await self.bot.send_message(
            self.chat_id, html, reply_markup=markup, reply_parameters=reply
        )

    async def edit(
        self, message_id: int, html: str, markup: InlineKeyboardMarkup | None = None
    ) -> int:
        """Edit a message in place, or send it anew if that message is gone; return its id."""
        try:
            await self.bot.edit_message_text(html, self.chat_id, message_id, reply_markup=markup)
        except BadRequest as error:
            if not message_gone(error):
                raise
            log.info("message %s in chat %s can't be edited; sent anew", message_id, self.chat_id)
            return (await self.send(html, markup)).message_id
        return message_id

    async def replace(
        self, message_id: int | None, html: str, markup: InlineKeyboardMarkup | None = None
    ) -> int:
        """Edit the message into this one when there is a message, else send it anew."""
        if message_id is not None:
            return await self.edit(message_id, html, markup)
        return (await self.send(html, markup)).message_id

    async def post(self, blocks: list[str], edit_message_id: int | None = None) -> None:
        """Send the blocks in as few messages as fit, the first in place of a message if given."""
        messages = split_messages(blocks)
        if edit_message_id is not None and messages:
            await self.edit(edit_message_id, messages.pop(0))
        for html in messages:
            await self.send(html)

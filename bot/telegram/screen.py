"""Updates stopped before any handler: floods, anonymous senders, channel posts, edits."""

from __future__ import annotations

import logging

from telegram import Message, ReplyParameters, Update
from telegram.constants import ChatType
from telegram.ext import ApplicationHandlerStop

from bot.telegram.flood import FloodGuard, Verdict
from bot.telegram.services import Services
from bot.telegram.updates import Context, language_of

log = logging.getLogger(__name__)


class Screen:
    """Decides which updates reach the coach at all, and answers the ones that don't."""

    def __init__(self, services: Services, flood_guard: FloodGuard | None) -> None:
        self.services, self.flood_guard = services, flood_guard

    async def screen(self, update: Update, context: Context) -> None:
        """Stop a channel post, a message sent as a chat, or a flood; let the rest through."""
        if update.channel_post or update.edited_channel_post:
            raise ApplicationHandlerStop  # a channel is not a person to coach
        message = update.message
        if message is not None and message.sender_chat is not None:
            await self._anonymous(message, context)
            raise ApplicationHandlerStop
        user = update.effective_user
        if user is None or self.flood_guard is None:
            return
        if message is None and update.callback_query is None:
            return  # poll votes and membership changes are not typed by hand
        verdict = self.flood_guard.check(user.id)
        if verdict is Verdict.SERVE:
            return
        if verdict is Verdict.NOTICE:
            chat = update.effective_chat
            log.info(
                "user %s is flooding chat %s: updates dropped until it calms down",
                user.id,
                chat.id if chat else None,
            )
            text = self.services.coach.content.text("tg_flood")(language_of(user))
            if update.callback_query is not None:
                await update.callback_query.answer(text, show_alert=True)
            elif chat is not None:
                await context.bot.send_message(chat.id, text, parse_mode=None)
        raise ApplicationHandlerStop

    async def edited(self, update: Update, context: Context) -> None:
        """Say in a private chat that edits are not read; stay quiet in groups."""
        chat, user = update.effective_chat, update.effective_user
        if chat is None or chat.type != ChatType.PRIVATE:
            return
        text = self.services.coach.content.text("tg_edited")(language_of(user))
        await context.bot.send_message(chat.id, text, parse_mode=None)

    async def _anonymous(self, message: Message, context: Context) -> None:
        """Explain, in both languages, that a message sent as a chat has nobody to answer to."""
        replied = message.reply_to_message
        to_us = (message.text or "").startswith("/") or (
            replied is not None
            and replied.from_user is not None
            and replied.from_user.id == context.bot.id
        )
        log.info("message in chat %s sent as a chat: not answered", message.chat.id)
        if not to_us:
            return
        text = self.services.coach.content.text("tg_anonymous")
        await context.bot.send_message(
            message.chat.id,
            f"{text('it')}\n\n{text('en')}",
            reply_parameters=ReplyParameters(message.message_id, allow_sending_without_reply=True),
            parse_mode=None,
        )

"""/help, and a kind pointer to it for commands the coach does not know."""

from __future__ import annotations

from telegram import Update

from bot.coaching.interview import InterviewCases
from bot.telegram.updates import Context, visitor
from bot.telegram.views import Views
from flows.ui_keys import UiKey


class Help:
    """Explains how to answer and lists the commands."""

    def __init__(self, views: Views, cases: InterviewCases) -> None:
        self.views, self.cases = views, cases

    async def help(self, update: Update, context: Context) -> None:
        """Explain how to answer and list the commands."""
        await self._say(update, context, "tg_help")

    async def unknown_command(self, update: Update, context: Context) -> None:
        """Point to /help; in a group, only when the command was addressed to this bot."""
        message = update.effective_message
        command = (message.text or "").split(maxsplit=1)[0] if message else ""
        _, mention, addressee = command.partition("@")
        if mention and addressee.lower() != (context.bot.username or "").lower():
            return  # another bot's command
        visit = visitor(update, context)
        if visit is None or (visit.sender.in_group and not mention):
            return  # a bare command in a group may be for another bot
        await self._say(update, context, "unknown_command")

    async def _say(self, update: Update, context: Context, key: UiKey) -> None:
        if visit := visitor(update, context):
            lang = await self.cases.language(visit.sender)
            await visit.chat.send(self.views.ui(key, lang))

"""/privacy and /deletedata: what is stored and why, and erasing it after a confirmation."""

from __future__ import annotations

from telegram import Update

from bot.coaching.interview import InterviewCases
from bot.sessions import SessionStore
from bot.telegram.callbacks import EraseTap
from bot.telegram.keyboards import erase_keyboard
from bot.telegram.updates import Context, tapped, tapped_message_id, visitor
from bot.telegram.views import Views


class Privacy:
    """Says what the coach keeps, and forgets a user on request."""

    def __init__(self, views: Views, store: SessionStore, cases: InterviewCases) -> None:
        self.views, self.store, self.cases = views, store, cases

    async def privacy(self, update: Update, context: Context) -> None:
        """Say what is stored and why."""
        if visit := visitor(update, context):
            lang = await self.cases.language(visit.sender)
            await visit.chat.send(self.views.ui("tg_privacy", lang))

    async def deletedata(self, update: Update, context: Context) -> None:
        """Ask for confirmation before erasing everything stored about the user."""
        visit = visitor(update, context)
        if visit is None:
            return
        lang = await self.cases.language(visit.sender)
        text = self.views.content.text
        keyboard = erase_keyboard(text("tg_delete_yes")(lang), text("tg_delete_no")(lang))
        await visit.chat.send(self.views.ui("tg_delete_confirm", lang), keyboard)

    async def erase(self, update: Update, context: Context) -> None:
        """Erase the user's data, or keep it, as their tap on the confirmation says."""
        if (pressed := tapped(update, context, EraseTap)) is None:
            return
        query, visit, tap = pressed
        await query.answer()
        lang = await self.cases.language(visit.sender)
        message_id = tapped_message_id(query)
        if tap.confirmed != "yes":
            if message_id is not None:
                await visit.chat.edit(message_id, self.views.ui("tg_delete_kept", lang))
            return
        erased = await self.store.erase(visit.sender.user_id)
        html = self.views.ui("tg_deleted", lang, interviews=erased.interviews, cards=erased.cards)
        await visit.chat.replace(message_id, html)

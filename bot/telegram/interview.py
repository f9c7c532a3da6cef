"""The interview on Telegram: commands, typed answers and taps, each one use case and one Reply."""

from __future__ import annotations

import asyncio
import logging

from telegram import Update

from bot.coaching.interview import InterviewCases, Press
from bot.coaching.replies import Reply, Say
from bot.telegram.callbacks import AnswerTap, CheckinTap, LanguageTap
from bot.telegram.checkins import CheckIns
from bot.telegram.classes import ClassSessions
from bot.telegram.keyboards import language_keyboard
from bot.telegram.present import InterviewPresenter
from bot.telegram.updates import (
    Context,
    Visitor,
    carried_by_its_message,
    tapped,
    tapped_message_id,
    visitor,
)
from bot.telegram.workshop import Workshops
from flows.i18n import parse_lang
from flows.ui_keys import UiKey

log = logging.getLogger(__name__)


class InterviewChat:
    """Runs each interview update through its use case and shows the Reply."""

    def __init__(
        self,
        cases: InterviewCases,
        presenter: InterviewPresenter,
        classes: ClassSessions,
        workshops: Workshops,
        checkins: CheckIns,
    ) -> None:
        self.cases, self.presenter = cases, presenter
        self.classes, self.workshops, self.checkins = classes, workshops, checkins

    async def present(self, visit: Visitor, reply: Reply | None, context: Context) -> None:
        """Show a reply, remember the message now showing the question, count a class card."""
        if reply is None:
            return
        shown = await self.presenter.show(visit.chat, reply, visit.name_in_group)
        await self.cases.remember_question_message(reply, shown)
        if reply.card_finished and reply.session.class_id is not None:
            await self.classes.card_finished(visit, reply.session, context)

    # Commands

    async def start(self, update: Update, context: Context) -> None:
        """Greet, then resume the interview under way or start one; join a class by its link."""
        visit = visitor(update, context)
        if visit is None:
            return
        if context.args:
            if await self.classes.open_page_link(visit, context.args[0], context):
                return
            joined = await self.classes.join(visit, context.args[0], context)
            if joined is not None:
                await self.present(visit, joined, context)
                return
        await self.present(visit, await self.cases.start(visit.sender), context)

    async def plan(self, update: Update, context: Context) -> None:
        """Start a new interview."""
        if visit := visitor(update, context):
            await self.present(visit, await self.cases.plan(visit.sender), context)

    async def restart(self, update: Update, context: Context) -> None:
        """Start again from the first question."""
        if visit := visitor(update, context):
            reply = await self.cases.plan(visit.sender, [Say("restarted")])
            await self.present(visit, reply, context)

    async def back(self, update: Update, context: Context) -> None:
        """Go back to the previous question."""
        if visit := visitor(update, context):
            await self.present(visit, await self.cases.back(visit.sender), context)

    async def skip(self, update: Update, context: Context) -> None:
        """Skip the current question."""
        if visit := visitor(update, context):
            await self.present(visit, await self.cases.skip(visit.sender), context)

    async def cancel(self, update: Update, context: Context) -> None:
        """Drop the interview under way (the latest card stays)."""
        if visit := visitor(update, context):
            await self.present(visit, await self.cases.cancel(visit.sender), context)

    async def lang(self, update: Update, context: Context) -> None:
        """Switch language: /lang it, /lang en, or buttons to choose."""
        visit = visitor(update, context)
        if visit is None:
            return
        lang = parse_lang(context.args[0]) if context.args else None
        if lang is None:
            shown = await self.cases.language(visit.sender)
            html = self.presenter.views.ui("tg_choose_lang", shown)
            await visit.chat.send(html, language_keyboard())
            return
        await self.present(visit, await self.cases.switch_language(visit.sender, lang), context)

    # Answers

    async def text(self, update: Update, context: Context) -> None:
        """Take a typed answer: free text, or an option's number or name."""
        message = update.effective_message
        visit = visitor(update, context)
        if visit is None or message is None or message.text is None:
            return
        if visit.sender.in_group and await self.workshops.text(update, context):
            return
        if not visit.sender.in_group and await self.checkins.take_note(visit, message.text):
            return
        replied = message.reply_to_message
        replied_to = replied.message_id if replied is not None else None
        reply = await self.cases.text(visit.sender, message.text, replied_to)
        await self.present(visit, reply, context)

    async def media(self, update: Update, context: Context) -> None:
        """Re-ask kindly when a sticker, photo or voice note arrives instead of an answer."""
        if visit := visitor(update, context):
            await self.present(visit, await self.cases.media(visit.sender), context)

    async def tap(self, update: Update, context: Context) -> None:
        """Handle a question's button: answer, tick, Done, Back, Skip, Keep or a pick."""
        query, visit = update.callback_query, visitor(update, context)
        if query is None or visit is None:
            return
        tap = AnswerTap.unpack(query.data) if carried_by_its_message(query) else None
        if tap is None:
            await self.refuse_button(update, context)
            return
        press = Press(
            tap.action, tap.interview_id, tap.question_id, tap.option_id, tapped_message_id(query)
        )
        reply = await self.cases.tap(visit.sender, press)
        if reply.alert is not None:
            log.info(
                "refused a button from user %s: %s",
                visit.sender.user_id,
                reply.alert.removeprefix("tg_"),
            )
            await query.answer(self.plain(reply.alert, reply))
            return
        # The answer to the tap and the edit that shows its effect go out together: one round
        # trip of waiting instead of two. The answer is not a chat message, so the chat's own
        # messages keep their order.
        answered = asyncio.ensure_future(query.answer())
        try:
            await self.present(visit, reply, context)
        finally:
            await answered

    async def language_tap(self, update: Update, context: Context) -> None:
        """Handle one of the two language buttons."""
        if (pressed := tapped(update, context, LanguageTap)) is None:
            return
        query, visit, tap = pressed
        await query.answer()
        lang = parse_lang(tap.lang) or visit.sender.lang
        await self.present(visit, await self.cases.switch_language(visit.sender, lang), context)

    async def plan_tap(self, update: Update, context: Context) -> None:
        """Start the interview from the button under "no card yet"."""
        query, visit = update.callback_query, visitor(update, context)
        if query is None or visit is None or CheckinTap.unpack(query.data) is None:
            return
        await query.answer()
        await self.present(visit, await self.cases.plan(visit.sender, [Say("welcome")]), context)

    async def refuse_button(self, update: Update, context: Context) -> None:
        """Answer a button whose data is not ours, or not on its message, with an alert."""
        query, visit = update.callback_query, visitor(update, context)
        if query is None or visit is None:
            return
        log.warning(
            "refused button data %r from user %s", (query.data or "")[:64], visit.sender.user_id
        )
        lang = await self.cases.language(visit.sender)
        text = self.presenter.views.content.text("tg_unknown_button")(lang)
        await query.answer(text, show_alert=True)

    def plain(self, key: UiKey, reply: Reply) -> str:
        """Return a UI string as plain text, for button alerts (which show no HTML)."""
        return self.presenter.views.content.text(key)(reply.session.lang)

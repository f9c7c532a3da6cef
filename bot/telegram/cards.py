"""/card and /history: a user's cards shown again, the latest or one picked from a list."""

from __future__ import annotations

import datetime as dt

from telegram import Update

from bot.coaching.interview import InterviewCases
from bot.sessions import SessionStore
from bot.telegram.callbacks import CardTap, stored_id
from bot.telegram.delivery import CardDelivery
from bot.telegram.keyboards import history_keyboard
from bot.telegram.updates import Context, tapped, visitor
from flows.coach import Coach
from flows.conditions import AnswerValue
from flows.i18n import Lang

HISTORY_LENGTH = 20
LABEL_LENGTH = 60


class CardShelf:
    """Shows the cards a user made before."""

    def __init__(
        self, coach: Coach, store: SessionStore, cases: InterviewCases, delivery: CardDelivery
    ) -> None:
        self.coach, self.store, self.cases, self.delivery = coach, store, cases, delivery

    async def card(self, update: Update, context: Context) -> None:
        """Show the latest card again."""
        visit = visitor(update, context)
        if visit is None:
            return
        lang = await self.cases.language(visit.sender)
        cards = await self.store.cards(visit.sender.user_id)
        if not cards:
            await visit.chat.send(self.delivery.views.ui("tg_no_card", lang))
            return
        latest = cards[0]
        await self.delivery.send(visit.chat, self.coach.build_card(latest.answers, latest.lang))

    async def history(self, update: Update, context: Context) -> None:
        """List the user's earlier cards, each a button to open it again."""
        visit = visitor(update, context)
        if visit is None:
            return
        lang = await self.cases.language(visit.sender)
        records = await self.store.cards(visit.sender.user_id)
        if not records:
            await visit.chat.send(self.delivery.views.ui("tg_history_empty", lang))
            return
        items = [
            (r.id, self._label(r.created_at, r.answers, lang)) for r in records[:HISTORY_LENGTH]
        ]
        html = self.delivery.views.ui("tg_history_title", lang)
        await visit.chat.send(html, history_keyboard(items))

    async def open(self, update: Update, context: Context) -> None:
        """Show the card a /history button names."""
        if (pressed := tapped(update, context, CardTap)) is None:
            return
        query, visit, tap = pressed
        await query.answer()
        number = stored_id(tap.card_id)
        user_id = visit.sender.user_id
        record = await self.store.card(user_id, number) if number is not None else None
        if record is None:
            lang = await self.cases.language(visit.sender)
            await visit.chat.send(self.delivery.views.ui("tg_history_empty", lang))
            return
        await self.delivery.send(visit.chat, self.coach.build_card(record.answers, record.lang))

    def _label(self, created_at: dt.datetime, answers: dict[str, AnswerValue], lang: Lang) -> str:
        offer = answers.get("offer")
        what = offer if isinstance(offer, str) else ""
        if not what:
            business = self.coach.content.question("business_type")
            labels = {o.id: o.label(lang) for o in business.options}
            what = labels.get(str(answers.get("business_type")), "")
        return f"{created_at:%Y-%m-%d %H:%M} · {what}"[:LABEL_LENGTH]

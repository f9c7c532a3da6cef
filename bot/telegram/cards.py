"""/card and /history: a user's cards shown again, the latest or one picked from a list."""

from __future__ import annotations

import asyncio
import datetime as dt

from telegram import CallbackQuery, InlineKeyboardButton, Message, Update

from bot.coaching.interview import InterviewCases
from bot.sessions import SessionStore
from bot.telegram.callbacks import CardTabTap, CardTap, stored_id
from bot.telegram.card_tabs import CURRENT
from bot.telegram.consent import consent_question, is_consent_row
from bot.telegram.delivery import CardDelivery
from bot.telegram.keyboards import history_keyboard
from bot.telegram.updates import Context, carried_by_its_message, tapped, visitor
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
        card = self.coach.build_card(latest.answers, latest.lang)
        await self.delivery.send(visit.chat, card, card_id=latest.id)

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

    async def tab(self, update: Update, context: Context) -> None:
        """Show another tab of a card in place, keeping what the message showed above the card."""
        if (pressed := tapped(update, context, CardTabTap)) is None:
            return
        query, visit, tap = pressed
        message = query.message
        number, day = stored_id(tap.card_id), _day(tap.day)
        record = None
        if number is not None and day is not None and carried_by_its_message(query):
            record = await self.store.card(visit.sender.user_id, number)
        index = int(tap.tab) if tap.tab.isdigit() else -1
        kept = _other_rows(query)
        card = self.coach.build_card(record.answers, record.lang, day) if record else None
        footer = None
        if card is not None and any(is_consent_row(row) for row in kept):
            footer = consent_question(self.delivery.views, card.lang)
        tabs = self.delivery.tabs.tabs(card, footer) if card else []
        if card is None or record is None or not 0 <= index < len(tabs) or message is None:
            lang = await self.cases.language(visit.sender)
            await query.answer(self.delivery.views.content.text("tg_tab_gone")(lang), True)
            return
        answered = asyncio.ensure_future(query.answer())
        try:
            if not _shown(query):
                markup = self.delivery.tabs.keyboard(tabs, index, record.id, card, kept)
                html = self.delivery.tabs.with_lead(card, tabs[index], _text_html(query))
                await visit.chat.edit(message.message_id, html, markup)
        finally:
            await answered

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
        card = self.coach.build_card(record.answers, record.lang)
        await self.delivery.send(visit.chat, card, card_id=record.id)

    def _label(self, created_at: dt.datetime, answers: dict[str, AnswerValue], lang: Lang) -> str:
        offer = answers.get("offer")
        what = offer if isinstance(offer, str) else ""
        if not what:
            business = self.coach.content.question("business_type")
            labels = {o.id: o.label(lang) for o in business.options}
            what = labels.get(str(answers.get("business_type")), "")
        return f"{created_at:%Y-%m-%d %H:%M} · {what}"[:LABEL_LENGTH]


def _day(text: str) -> dt.date | None:
    """Read the day a tab's card was made for; None when the text is not a date."""
    try:
        return dt.datetime.strptime(text, "%Y%m%d").date()
    except ValueError:
        return None


def _buttons(query: CallbackQuery) -> list[list[InlineKeyboardButton]]:
    message = query.message
    markup = message.reply_markup if isinstance(message, Message) else None
    return [list(row) for row in markup.inline_keyboard] if markup else []


def _shown(query: CallbackQuery) -> bool:
    """Return True when the tapped tab is the one the message shows already."""
    return any(
        b.callback_data == query.data and b.text.startswith(CURRENT)
        for row in _buttons(query)
        for b in row
    )


def _other_rows(query: CallbackQuery) -> list[list[InlineKeyboardButton]]:
    """Return the message's rows that are not tabs (a class's consent buttons stay)."""
    return [
        row for row in _buttons(query) if not any(CardTabTap.matches(b.callback_data) for b in row)
    ]


def _text_html(query: CallbackQuery) -> str:
    message = query.message
    return message.text_html if isinstance(message, Message) and message.text else ""

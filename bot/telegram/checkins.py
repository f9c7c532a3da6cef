"""/checkin: three taps and an optional note, then a tip from the user's card and the trend."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from bot.coaching.interview import InterviewCases
from bot.telegram.callbacks import CheckinTap
from bot.telegram.checkin_views import LABELS, CheckinViews
from bot.telegram.keyboards import reminder_keyboard
from bot.telegram.services import Services
from bot.telegram.updates import Context, Visitor, tapped, tapped_message_id, visitor
from flows.checkin import CHOICES, TREND_LENGTH, CheckIn, choose_tip, trend_lines
from flows.i18n import Lang

START, PLAN, SKIP_NOTE = "start", "plan", "skip"


def starts_interview(data: object) -> bool:
    """Return True for the button that starts an interview for want of a card.

    The interview's own handler takes it.
    """
    return isinstance(data, str) and CheckinTap.unpack(data) == CheckinTap("", PLAN)


class CheckIns:
    """The weekly check-in, one message edited in place as the user taps."""

    def __init__(self, services: Services, cases: InterviewCases) -> None:
        self.services, self.cases = services, cases
        self.views = services.views
        self.pages = CheckinViews(services.views)

    async def command(self, update: Update, context: Context) -> None:
        """Start the weekly check-in against the latest card."""
        if visit := visitor(update, context):
            await self.begin(visit, await self.cases.language(visit.sender))

    async def begin(self, visit: Visitor, lang: Lang) -> None:
        """Start a check-in against the latest card, or explain that a card comes first."""
        store = self.services.checkins
        user_id = visit.sender.user_id
        card_id = await store.latest_card_id(user_id)
        if card_id is None:
            button = InlineKeyboardButton(
                self.views.ui("ci_start_interview", lang),
                callback_data=CheckinTap("", PLAN).pack(),
            )
            html = self.views.ui("ci_no_card", lang)
            await visit.chat.send(html, InlineKeyboardMarkup([[button]]))
            return
        public_id = await store.start(user_id, card_id)
        html, markup = self._step(lang, public_id, CheckIn())
        await visit.chat.send(html, markup)

    async def tap(self, update: Update, context: Context) -> None:
        """Handle a check-in button: start one, an answer, or the note's skip."""
        if (pressed := tapped(update, context, CheckinTap)) is None:
            return
        query, visit, tap = pressed
        lang = await self.cases.language(visit.sender)
        if tap.step == START:
            await query.answer()
            await self.begin(visit, lang)
            return
        plain = self.views.content.text
        user_id = visit.sender.user_id
        store = self.services.checkins
        stored = await store.get(tap.checkin_id)
        if stored is None or stored.user_id != user_id:
            await query.answer(plain("ci_gone")(lang), show_alert=True)
            return
        if stored.completed:
            await query.answer(plain("ci_done_already")(lang))
            return
        message_id = tapped_message_id(query)
        if tap.step == "note" and tap.value == SKIP_NOTE:
            await query.answer()
            await self._finish(visit, lang, tap.checkin_id, None, message_id)
            return
        if tap.step != stored.answers.next_step or not await store.answer(
            tap.checkin_id, user_id, tap.step, tap.value
        ):
            await query.answer(plain("tg_stale_button")(lang))
            return
        await query.answer()
        answers = CheckIn(**{**stored.answers.__dict__, tap.step: tap.value})
        html, markup = self._step(lang, tap.checkin_id, answers)
        await visit.chat.replace(message_id, html, markup)

    async def take_note(self, visit: Visitor, text: str) -> bool:
        """Take a typed line as the note of a check-in waiting for one; False if none waits."""
        public_id = await self.services.checkins.awaiting_note(visit.sender.user_id)
        if public_id is None:
            return False
        lang = await self.cases.language(visit.sender)
        await self._finish(visit, lang, public_id, " ".join(text.split()), None)
        return True

    def _step(
        self, lang: Lang, public_id: str, answers: CheckIn
    ) -> tuple[str, InlineKeyboardMarkup]:
        ui = self.views.ui
        step = answers.next_step or "note"
        if step == "note":
            buttons = [(ui("ci_skip_note", lang), CheckinTap(public_id, "note", SKIP_NOTE))]
        else:
            buttons = [
                (ui(LABELS[value], lang), CheckinTap(public_id, step, value))
                for value in CHOICES[step]
            ]
        markup = InlineKeyboardMarkup(
            [[InlineKeyboardButton(label, callback_data=tap.pack())] for label, tap in buttons]
        )
        return self.pages.step(lang, answers), markup

    async def _finish(
        self, visit: Visitor, lang: Lang, public_id: str, note: str | None, message_id: int | None
    ) -> None:
        services = self.services
        store = services.checkins
        user_id = visit.sender.user_id
        if not await store.complete(public_id, user_id, note):
            await visit.chat.send(self.views.ui("ci_done_already", lang))
            return
        history = await store.history(user_id, TREND_LENGTH)
        cards = await services.store.cards(user_id)
        content = services.coach.content
        card = services.coach.build_card(cards[0].answers, lang)
        tip = choose_tip(content, card, cards[0].answers, history[-1], len(history) - 1)
        trend = trend_lines(content, history, lang)
        offer = await store.reminder(user_id) is None
        html = self.pages.finished(lang, history, tip, trend, offer)
        markup = reminder_keyboard(self.views.ui("rem_button", lang)) if offer else None
        await visit.chat.replace(message_id, html, markup)

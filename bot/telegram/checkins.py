"""/checkin: three taps and an optional note, then a tip from the user's card and the trend."""

from __future__ import annotations

from html import escape

from telegram import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup

from bot.telegram.keyboards import CHECKIN, Tap, reminder_keyboard
from bot.telegram.turn import Turn
from flows.checkin import CHOICES, STEPS, TREND_LENGTH, CheckIn, choose_tip, trend_lines

START, PLAN, SKIP_NOTE = "start", "plan", "skip"
LABELS = {
    "yes": "ci_yes",
    "partly": "ci_partly",
    "no": "ci_no",
    "up": "ci_up",
    "flat": "ci_flat",
    "down": "ci_down",
}


class CheckIns:
    """The weekly check-in, one message edited in place as the user taps."""

    async def begin(self, turn: Turn) -> None:
        """Start a check-in against the latest card, or explain that a card comes first."""
        store = turn.services.checkins
        card_id = await store.latest_card_id(turn.user.id)
        if card_id is None:
            button = InlineKeyboardButton(
                turn.ui("ci_start_interview"), callback_data=Tap(CHECKIN, "", PLAN).pack()
            )
            await turn.send(turn.ui("ci_no_card"), InlineKeyboardMarkup([[button]]))
            return
        public_id = await store.start(turn.user.id, card_id)
        html, markup = self._step(turn, public_id, CheckIn())
        await turn.send(html, markup)

    async def tap(self, turn: Turn, query: CallbackQuery, tap: Tap) -> bool:
        """Handle a check-in button; return True to start the interview instead."""
        if tap.question_id == PLAN:
            await query.answer()
            return True
        if tap.question_id == START:
            await query.answer()
            await self.begin(turn)
            return False
        store = turn.services.checkins
        stored = await store.get(tap.interview_id)
        if stored is None or stored.user_id != turn.user.id:
            await query.answer(turn.plain("ci_gone"), show_alert=True)
            return False
        if stored.completed:
            await query.answer(turn.plain("ci_done_already"))
            return False
        message_id = query.message.message_id if query.message else None
        if tap.question_id == "note" and tap.option_id == SKIP_NOTE:
            await query.answer()
            await self._finish(turn, tap.interview_id, None, message_id)
            return False
        if tap.question_id != stored.answers.next_step or not await store.answer(
            tap.interview_id, turn.user.id, tap.question_id, tap.option_id
        ):
            await query.answer(turn.plain("tg_stale_button"))
            return False
        await query.answer()
        answers = CheckIn(**{**stored.answers.__dict__, tap.question_id: tap.option_id})
        html, markup = self._step(turn, tap.interview_id, answers)
        await turn.replace(message_id, html, markup)
        return False

    async def take_note(self, turn: Turn, text: str) -> bool:
        """Take a typed line as the note of a check-in waiting for one; False if none waits."""
        public_id = await turn.services.checkins.awaiting_note(turn.user.id)
        if public_id is None:
            return False
        await self._finish(turn, public_id, " ".join(text.split()), None)
        return True

    def _step(
        self, turn: Turn, public_id: str, answers: CheckIn
    ) -> tuple[str, InlineKeyboardMarkup]:
        step = answers.next_step or "note"
        number = STEPS.index(step) + 1
        lines = [f"<b>{turn.ui('ci_heading', k=number)}</b>", *self._answered(turn, answers)]
        lines.append(f"\n<b>{turn.ui(f'ci_q_{step}')}</b>")
        if step == "note":
            buttons = [[(turn.ui("ci_skip_note"), Tap(CHECKIN, public_id, "note", SKIP_NOTE))]]
        else:
            buttons = [
                [(turn.ui(LABELS[value]), Tap(CHECKIN, public_id, step, value))]
                for value in CHOICES[step]
            ]
        markup = InlineKeyboardMarkup(
            [
                [InlineKeyboardButton(label, callback_data=t.pack()) for label, t in row]
                for row in buttons
            ]
        )
        return "\n".join(lines), markup

    def _answered(self, turn: Turn, answers: CheckIn) -> list[str]:
        lines = []
        for step in CHOICES:
            value = getattr(answers, step)
            if value is not None:
                lines.append("✔️ " + turn.ui(f"ci_answer_{step}", answer=turn.ui(LABELS[value])))
        if answers.note:
            lines.append("✔️ " + turn.ui("ci_answer_note", note=answers.note))
        return lines

    async def _finish(
        self, turn: Turn, public_id: str, note: str | None, message_id: int | None
    ) -> None:
        services = turn.services
        store = services.checkins
        if not await store.complete(public_id, turn.user.id, note):
            await turn.send(turn.ui("ci_done_already"))
            return
        history = await store.history(turn.user.id, TREND_LENGTH)
        cards = await services.store.cards(turn.user.id)
        content = services.coach.content
        card = services.coach.build_card(cards[0].answers, turn.lang)
        tip = choose_tip(content, card, cards[0].answers, history[-1], len(history) - 1)
        parts = [
            "\n".join([turn.ui("ci_saved"), *self._answered(turn, history[-1])]),
            f"<b>{turn.ui('ci_tip_heading')}</b>\n{escape(tip)}",
        ]
        if len(history) > 1:
            sparkline = escape("\n".join(trend_lines(content, history, turn.lang)))
            parts.append(
                f"<b>{turn.ui('ci_trend_heading', n=len(history))}</b>\n"
                f"<code>{sparkline}</code>\n<i>{turn.ui('ci_trend_legend')}</i>"
            )
        else:
            parts.append(f"<i>{turn.ui('ci_first')}</i>")
        markup = None
        if await store.reminder(turn.user.id) is None:
            parts.append(turn.ui("ci_reminder_offer"))
            markup = reminder_keyboard(turn.ui("rem_button"))
        html = "\n\n".join(parts)
        await turn.replace(message_id, html, markup)

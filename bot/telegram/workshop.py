"""Workshop mode: one interview for the whole group, each choice question a native poll.

The workshop lives in the database: every update loads it, applies itself and saves it before
anything is sent, so a restart or a second instance carries on where the group left it. An open
poll is closed by the teacher's button or by a sweep once it falls due, by one instance only.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterator
from contextlib import contextmanager

from telegram import (
    Bot,
    ForceReply,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputPollOption,
    Message,
    Poll,
    Update,
)
from telegram.error import BadRequest

from bot.sessions import StaleSessionError
from bot.storage.workshops import WorkshopRecord
from bot.telegram.callbacks import WorkshopTap
from bot.telegram.chat import Chat
from bot.telegram.delivery import CardDelivery
from bot.telegram.reminders import Clock
from bot.telegram.roles import may_manage
from bot.telegram.services import Services
from bot.telegram.updates import GROUPS, Context, language_of, tapped
from flows.i18n import Lang
from flows.machine import Interview
from flows.outputs import CardView, MistakeView, Notice, Output, QuestionView
from flows.ui_keys import UiKey
from flows.votes import Tally, tally

log = logging.getLogger(__name__)

POLL_MINUTES = 3
"""A poll closes by itself after this long: enough to think, not a race."""
MAX_POLL_OPTIONS = 10


class Workshops:
    """Runs workshops, one at a time per group, stored between updates."""

    def __init__(self, services: Services, delivery: CardDelivery, clock: Clock) -> None:
        self.services, self.delivery, self.clock = services, delivery, clock
        self.coach, self.store = services.coach, services.workshops

    def ui(self, key: UiKey, lang: Lang, **values: object) -> str:
        """Return an escaped UI string."""
        return self.services.views.ui(key, lang, **values)

    async def start(self, update: Update, context: Context) -> None:
        """Start a workshop in the group (its class's teacher or a group admin)."""
        chat, user = update.effective_chat, update.effective_user
        if chat is None or user is None:
            return
        lang = language_of(user)
        if chat.type not in GROUPS:
            await context.bot.send_message(chat.id, self.ui("cls_group_only", lang))
            return
        if not await self._may_lead(context.bot, chat.id, user.id):
            await context.bot.send_message(chat.id, self.ui("cls_not_allowed", lang))
            return
        with self.coach.opened(Interview(lang)) as interview:
            outputs = self.coach.current(interview)
            record = WorkshopRecord(chat.id, user.id, lang, state=interview.state)
        self._expect(record, outputs)
        if not await self.store.start(record):
            await context.bot.send_message(chat.id, self.ui("ws_running", lang))
            return
        await context.bot.send_message(chat.id, self.ui("ws_intro", lang, minutes=POLL_MINUTES))
        await self._show(context.bot, record, outputs)

    async def tap(self, update: Update, context: Context) -> None:
        """Close a poll, or settle a tie (teacher or admin only)."""
        if (pressed := tapped(update, context, WorkshopTap)) is None:
            return
        query, visit, tap = pressed
        chat_id, user_id, lang = visit.sender.chat_id, visit.sender.user_id, visit.sender.lang
        record = await self.store.running(chat_id)
        closing = tap.option_id == "close"
        shown = query.message.message_id if query.message else None
        if (
            record is None
            or tap.workshop_id != record.public_id
            or tap.question_id != record.state
            or closing != bool(record.poll_options)
            or record.poll_message_id not in (None, shown)
        ):
            await query.answer(self.coach.content.text("tg_stale_button")(lang))
            return
        if not await self._may_lead(context.bot, chat_id, user_id, record):
            await query.answer(self.coach.content.text("cls_not_allowed")(lang))
            return
        if not closing:
            await query.answer()
            await self._decide(context.bot, record, Tally([tap.option_id], 0, 0))
            return
        record.poll_message_id = shown  # the close button sits on its poll
        if not await self.store.claim_poll(record):
            await query.answer(self.coach.content.text("tg_stale_button")(lang))
            return
        await query.answer()
        await self._close_poll(context.bot, record)

    async def text(self, update: Update, context: Context) -> bool:
        """Take the teacher's reply to a text question; False when it is not for a workshop."""
        chat, user, message = update.effective_chat, update.effective_user, update.effective_message
        if chat is None or user is None or message is None or message.text is None:
            return False
        replied = message.reply_to_message
        record = await self.store.running(chat.id) if replied is not None else None
        if record is None or replied is None or not self._answers_prompt(record, replied):
            return False
        if not await self._may_lead(context.bot, chat.id, user.id, record):
            return True
        with self._interview(record) as interview:
            outputs = self.coach.answer_typed(interview, message.text)
        self._expect(record, outputs)
        if await self._saved(record):
            await self._show(context.bot, record, outputs)
        return True

    async def close_due_polls(self, bot: Bot) -> None:
        """Close the polls whose time is up, in any group; another instance's claims are left."""
        for record in await self.store.due_polls(self.clock()):
            if await self.store.claim_poll(record):
                await self._close_poll(bot, record)

    async def _close_poll(self, bot: Bot, record: WorkshopRecord) -> None:
        """Stop the claimed poll and apply its result."""
        assert record.poll_message_id is not None, "only a claimed open poll is closed"
        options = record.poll_options
        try:
            poll: Poll | None = await bot.stop_poll(record.group_chat_id, record.poll_message_id)
        except BadRequest as error:
            # Closed already, by a run that stopped before it saved: its counts are gone.
            log.info("workshop poll in chat %s: %s", record.group_chat_id, error.message)
            poll = None
        self._expect(record, [])
        if poll is None:
            await self._decide(bot, record, Tally([], 0, 0, tied=options))
            return
        counts = {options[i]: option.voter_count for i, option in enumerate(poll.options)}
        question = self.coach.content.question(record.state)
        exclusive = {o.id for o in self.coach.content.all_options_of(question) if o.exclusive}
        result = tally(
            counts, poll.total_voter_count, multi=question.kind == "multi", exclusive=exclusive
        )
        await self._decide(bot, record, result)

    async def _decide(self, bot: Bot, record: WorkshopRecord, result: Tally) -> None:
        """Answer the question with the tally's choice, or ask the teacher to settle it."""
        question = self.coach.content.question(record.state)
        lang, prompt = record.lang, question.prompt(record.lang)
        labels = {o.id: o.label(lang) for o in self.coach.content.all_options_of(question)}
        if not result.chosen:
            if not await self._saved(record):
                return
            rows = [
                [
                    InlineKeyboardButton(
                        labels.get(option, option),
                        callback_data=WorkshopTap(record.public_id, question.id, option).pack(),
                    )
                ]
                for option in result.tied
            ]
            key: UiKey = "ws_tie" if result.votes else "ws_no_votes"
            await bot.send_message(
                record.group_chat_id,
                self.ui(key, lang, prompt=prompt),
                reply_markup=InlineKeyboardMarkup(rows),
            )
            return
        with self._interview(record) as interview:
            outputs = self.coach.answer_options(interview, result.chosen)
        self._expect(record, outputs)
        if not await self._saved(record):
            return
        answer = ", ".join(labels.get(option, option) for option in result.chosen)
        if result.voters:
            text = self.ui(
                "ws_result",
                lang,
                prompt=prompt,
                answer=answer,
                votes=result.votes,
                voters=result.voters,
            )
        else:
            text = self.ui("ws_decided", lang, prompt=prompt, answer=answer)
        await bot.send_message(record.group_chat_id, text)
        await self._show(bot, record, outputs)

    async def _show(self, bot: Bot, record: WorkshopRecord, outputs: list[Output]) -> None:
        """Send what the stored step produced, then remember the message that asks next."""
        views, lang, chat_id = self.services.views, record.lang, record.group_chat_id
        for output in outputs:
            if isinstance(output, MistakeView):
                await bot.send_message(chat_id, views.mistake(output, lang))
            elif isinstance(output, Notice):
                await bot.send_message(chat_id, views.notice(output))
        final = outputs[-1]
        if isinstance(final, CardView):
            if await self.store.finish(chat_id, record.public_id):
                await self.delivery.send(Chat(bot, chat_id), final.card)
            return
        if not isinstance(final, QuestionView):
            return
        progress = self.coach.content.text("progress")(lang).format(k=final.step, n=final.total)
        if final.kind == "text":
            message = await bot.send_message(
                chat_id,
                self.ui("ws_text_question", lang, progress=progress, prompt=final.prompt),
                reply_markup=ForceReply(selective=False),
            )
            record.prompt_message_id = message.message_id
            await self._saved(record)
            return
        choices = final.choices[: len(record.poll_options)]
        close = WorkshopTap(record.public_id, final.id, "close").pack()
        label = self.coach.content.text("ws_close_button")(lang)
        message = await bot.send_poll(
            chat_id,
            f"{progress} · {final.prompt}"[:300],
            # Plain text: the application's HTML default must not parse a label's "&".
            [InputPollOption(choice.label[:100], text_parse_mode=None) for choice in choices],
            question_parse_mode=None,
            is_anonymous=True,
            allows_multiple_answers=final.kind == "multi",
            reply_markup=InlineKeyboardMarkup([[InlineKeyboardButton(label, callback_data=close)]]),
        )
        record.poll_message_id = message.message_id
        await self._saved(record)

    def _expect(self, record: WorkshopRecord, outputs: list[Output]) -> None:
        """Note in the record, before it is saved, the poll the next question opens, if any.

        Saved before the poll is sent, so a bot stopped in between leaves an open poll that its
        close button (which carries the poll's message) can still close.
        """
        final = outputs[-1] if outputs else None
        record.poll_message_id = record.prompt_message_id = None
        record.poll_options, record.poll_closes_at = [], None
        if isinstance(final, QuestionView) and final.kind != "text":
            record.poll_options = [choice.id for choice in final.choices[:MAX_POLL_OPTIONS]]
            record.poll_closes_at = self.clock() + dt.timedelta(minutes=POLL_MINUTES)

    def _answers_prompt(self, record: WorkshopRecord, replied: Message) -> bool:
        """Return True for a reply to the workshop's text question."""
        if record.prompt_message_id is not None:
            return replied.message_id == record.prompt_message_id
        # Its id was never saved (the bot stopped right after asking): any reply to the bot's
        # message will do while a text question is open.
        asks_text = self.coach.content.question(record.state).kind == "text"
        sender = replied.from_user
        return asks_text and sender is not None and sender.id == replied.get_bot().id

    @contextmanager
    def _interview(self, record: WorkshopRecord) -> Iterator[Interview]:
        """Open the group's interview for one event and copy its new facts into the record."""
        stored = Interview(record.lang, record.answers, record.mistakes_shown, record.refusals)
        with self.coach.opened(stored, record.state) as interview:
            yield interview
            record.state, record.answers = interview.state, dict(interview.answers)
            record.mistakes_shown = list(interview.mistakes_shown)
            record.refusals = interview.refusals

    async def _saved(self, record: WorkshopRecord) -> bool:
        """Store the record; False when another update or instance changed the workshop first."""
        try:
            await self.store.save(record)
        except StaleSessionError:
            log.info("workshop in chat %s moved on elsewhere", record.group_chat_id)
            return False
        return True

    async def _may_lead(
        self, bot: Bot, chat_id: int, user_id: int, record: WorkshopRecord | None = None
    ) -> bool:
        info = await self.services.classes.latest_in_group(chat_id)
        teachers = [record.teacher_id if record else None, info.teacher_id if info else None]
        return await may_manage(bot, chat_id, user_id, teachers)

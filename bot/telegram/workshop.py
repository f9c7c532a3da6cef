"""Workshop mode: one interview for the whole group, each choice question a native poll."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any

from telegram import (
    ForceReply,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputPollOption,
    Poll,
    Update,
)

from bot.telegram.callbacks import WorkshopTap
from bot.telegram.chat import Chat
from bot.telegram.delivery import CardDelivery
from bot.telegram.roles import may_manage
from bot.telegram.services import Services
from bot.telegram.updates import GROUPS, Context, language_of
from flows.i18n import Lang
from flows.machine import Interview
from flows.outputs import CardView, MistakeView, Output, QuestionView

log = logging.getLogger(__name__)

POLL_MINUTES = 3
"""A poll closes by itself after this long: enough to think, not a race."""
MAX_POLL_OPTIONS = 10


@dataclass
class Workshop:
    """A workshop under way in one group."""

    id: str
    chat_id: int
    teacher_id: int
    lang: Lang
    interview: Interview
    poll_message_id: int | None = None
    options: list[str] = field(default_factory=list)
    prompt_message_id: int | None = None


class Workshops:
    """Runs workshops; one at a time per group, kept in memory while it lasts."""

    def __init__(self, services: Services, delivery: CardDelivery) -> None:
        self.services, self.delivery = services, delivery
        self.coach = services.coach
        self.running: dict[int, Workshop] = {}

    def ui(self, key: str, lang: Lang, **values: object) -> str:
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
        if not await self._may_lead(context, chat.id, user.id):
            await context.bot.send_message(chat.id, self.ui("cls_not_allowed", lang))
            return
        if chat.id in self.running:
            await context.bot.send_message(chat.id, self.ui("ws_running", lang))
            return
        workshop = Workshop(
            id=str(update.update_id),
            chat_id=chat.id,
            teacher_id=user.id,
            lang=lang,
            interview=self.coach.new_interview(lang),
        )
        self.running[chat.id] = workshop
        await context.bot.send_message(chat.id, self.ui("ws_intro", lang, minutes=POLL_MINUTES))
        await self._ask(context, workshop)

    async def tap(self, update: Update, context: Context) -> None:
        """Close a poll, or settle a tie (teacher or admin only)."""
        query, user, chat = update.callback_query, update.effective_user, update.effective_chat
        tap = WorkshopTap.unpack(query.data) if query else None
        if query is None or user is None or chat is None or tap is None:
            return
        workshop = self.running.get(chat.id)
        if (
            workshop is None
            or tap.workshop_id != workshop.id
            or tap.question_id != workshop.interview.state
        ):
            await query.answer(self.coach.content.text("tg_stale_button")(language_of(user)))
            return
        if not await self._may_lead(context, chat.id, user.id, workshop):
            await query.answer(self.coach.content.text("cls_not_allowed")(language_of(user)))
            return
        await query.answer()
        if tap.option_id == "close":
            await self._close_poll(context, workshop)
        else:
            await self._decide(context, workshop, [tap.option_id], votes=None)

    async def text(self, update: Update, context: Context) -> bool:
        """Take the teacher's reply to a text question; False when it is not for a workshop."""
        chat, user, message = update.effective_chat, update.effective_user, update.effective_message
        if chat is None or user is None or message is None or message.text is None:
            return False
        workshop = self.running.get(chat.id)
        replied = message.reply_to_message
        if workshop is None or replied is None or replied.message_id != workshop.prompt_message_id:
            return False
        if not await self._may_lead(context, chat.id, user.id, workshop):
            return True
        workshop.prompt_message_id = None
        await self._show(
            context, workshop, self.coach.answer_typed(workshop.interview, message.text)
        )
        return True

    async def _ask(self, context: Context, workshop: Workshop) -> None:
        outputs = self.coach.current(workshop.interview)
        await self._show(context, workshop, outputs)

    async def _show(self, context: Context, workshop: Workshop, outputs: list[Output]) -> None:
        bot, lang = context.bot, workshop.lang
        for output in outputs:
            if isinstance(output, MistakeView):
                await bot.send_message(workshop.chat_id, self.services.views.mistake(output, lang))
        final = outputs[-1]
        if isinstance(final, CardView):
            await self._finish(context, workshop, final)
            return
        if not isinstance(final, QuestionView):
            return
        progress = self.coach.content.text("progress")(lang).format(k=final.step, n=final.total)
        if final.kind == "text":
            message = await bot.send_message(
                workshop.chat_id,
                self.ui("ws_text_question", lang, progress=progress, prompt=final.prompt),
                reply_markup=ForceReply(selective=False),
            )
            workshop.prompt_message_id = message.message_id
            return
        choices = final.choices[:MAX_POLL_OPTIONS]
        workshop.options = [choice.id for choice in choices]
        close = WorkshopTap(workshop.id, final.id, "close").pack()
        label = self.coach.content.text("ws_close_button")(lang)
        message = await bot.send_poll(
            workshop.chat_id,
            f"{progress} · {final.prompt}"[:300],
            # Plain text: the application's HTML default must not parse a label's "&".
            [InputPollOption(choice.label[:100], text_parse_mode=None) for choice in choices],
            question_parse_mode=None,
            is_anonymous=True,
            allows_multiple_answers=final.kind == "multi",
            reply_markup=InlineKeyboardMarkup([[InlineKeyboardButton(label, callback_data=close)]]),
        )
        workshop.poll_message_id = message.message_id
        if context.job_queue is not None:
            context.job_queue.run_once(
                self._timer(workshop, final.id),
                dt.timedelta(minutes=POLL_MINUTES),
                name=f"workshop-{workshop.chat_id}",
            )

    def _timer(
        self, workshop: Workshop, question_id: str
    ) -> Callable[[Context], Coroutine[Any, Any, None]]:
        async def close(context: Context) -> None:
            if (
                self.running.get(workshop.chat_id) is workshop
                and workshop.interview.state == question_id
            ):
                await self._close_poll(context, workshop)

        return close

    async def _close_poll(self, context: Context, workshop: Workshop) -> None:
        if workshop.poll_message_id is None:
            return
        message_id, workshop.poll_message_id = workshop.poll_message_id, None
        if context.job_queue is not None:
            for job in context.job_queue.get_jobs_by_name(f"workshop-{workshop.chat_id}"):
                job.schedule_removal()
        poll: Poll = await context.bot.stop_poll(workshop.chat_id, message_id)
        counts = {workshop.options[i]: option.voter_count for i, option in enumerate(poll.options)}
        await self._tally(context, workshop, counts, poll.total_voter_count)

    async def _tally(
        self, context: Context, workshop: Workshop, counts: dict[str, int], voters: int
    ) -> None:
        question = self.coach.content.question(workshop.interview.state)
        lang = workshop.lang
        top = max(counts.values(), default=0)
        if question.kind == "multi":
            exclusive = {o.id for o in self.coach.content.all_options_of(question) if o.exclusive}
            majority = [o for o, n in counts.items() if n and n * 2 >= voters]
            chosen = majority or [o for o, n in counts.items() if n == top and n]
            if len(chosen) > 1:
                chosen = [o for o in chosen if o not in exclusive] or chosen[:1]
            if chosen:
                await self._decide(
                    context, workshop, chosen, votes=(sum(counts[o] for o in chosen), voters)
                )
                return
        else:
            leaders = [o for o, n in counts.items() if n == top and n]
            if len(leaders) == 1:
                await self._decide(context, workshop, leaders, votes=(top, voters))
                return
        tied = [o for o, n in counts.items() if n == top] if top else list(counts)
        key = "ws_tie" if top else "ws_no_votes"
        labels = {o.id: o.label(lang) for o in self.coach.content.all_options_of(question)}
        rows = [
            [
                InlineKeyboardButton(
                    labels.get(o, o),
                    callback_data=WorkshopTap(workshop.id, question.id, o).pack(),
                )
            ]
            for o in tied
        ]
        await context.bot.send_message(
            workshop.chat_id,
            self.ui(key, lang, prompt=question.prompt(lang)),
            reply_markup=InlineKeyboardMarkup(rows),
        )

    async def _decide(
        self,
        context: Context,
        workshop: Workshop,
        option_ids: list[str],
        votes: tuple[int, int] | None,
    ) -> None:
        question = self.coach.content.question(workshop.interview.state)
        lang = workshop.lang
        labels = {o.id: o.label(lang) for o in self.coach.content.all_options_of(question)}
        answer = ", ".join(labels.get(o, o) for o in option_ids)
        if votes is None:
            text = self.ui("ws_decided", lang, prompt=question.prompt(lang), answer=answer)
        else:
            text = self.ui(
                "ws_result",
                lang,
                prompt=question.prompt(lang),
                answer=answer,
                votes=votes[0],
                voters=votes[1],
            )
        await context.bot.send_message(workshop.chat_id, text)
        await self._show(
            context, workshop, self.coach.answer_options(workshop.interview, option_ids)
        )

    async def _finish(self, context: Context, workshop: Workshop, card: CardView) -> None:
        self.running.pop(workshop.chat_id, None)
        self.coach.release(workshop.interview)
        await self.delivery.send(Chat(context.bot, workshop.chat_id), card.card)

    async def _may_lead(
        self, context: Context, chat_id: int, user_id: int, workshop: Workshop | None = None
    ) -> bool:
        info = await self.services.classes.latest_in_group(chat_id)
        teachers = [workshop.teacher_id if workshop else None, info.teacher_id if info else None]
        return await may_manage(context.bot, chat_id, user_id, teachers)

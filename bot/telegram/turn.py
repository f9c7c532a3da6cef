"""One update's work on one user's interview: load it, change it, store it, show the result."""

from __future__ import annotations

import itertools
import logging
from dataclasses import dataclass

from telegram import (
    Bot,
    ForceReply,
    InlineKeyboardMarkup,
    InputFile,
    InputMediaPhoto,
    Message,
    ReplyParameters,
    User,
)
from telegram.constants import ChatAction, ChatType, ParseMode
from telegram.error import BadRequest

from bot.sessions import Session
from bot.telegram.keyboards import clarify_keyboard, question_keyboard, reminder_keyboard
from bot.telegram.services import Services
from bot.telegram.views import split_messages
from flows.card import StrategyCard
from flows.i18n import Lang, parse_lang
from flows.machine import Interview
from flows.outputs import CardView, ClarifyView, Echo, MistakeView, Notice, Output, QuestionView
from flows.render_calendar import render_calendar_ics
from flows.render_image import render_card_pngs
from flows.validation import shorten

log = logging.getLogger(__name__)

# Telegram's words for a message that can no longer be edited (deleted, or too old).
GONE = ("message to edit not found", "message can't be edited")
ALBUM_SIZE = 10
"""The most photos Telegram groups into one album."""


def message_gone(error: BadRequest) -> bool:
    """Return True if Telegram refused an edit because the message can no longer be edited."""
    return any(gone in error.message.lower() for gone in GONE)


def albums(count: int) -> list[range]:
    """Split pages 0..count-1 into as few albums as fit, of even sizes, none of a single page."""
    groups = -(-count // ALBUM_SIZE)
    size, extra = divmod(count, groups) if groups else (0, 0)
    bounds = [0]
    for index in range(groups):
        bounds.append(bounds[-1] + size + (1 if index < extra else 0))
    return [range(start, end) for start, end in itertools.pairwise(bounds)]


async def send_pages(bot: Bot, chat_id: int, pages: list[bytes], caption: str | None) -> None:
    """Send the card's pages: one as a photo, more as albums; the caption on the first page."""
    if len(pages) == 1:
        await bot.send_photo(
            chat_id,
            InputFile(pages[0], filename="card.png"),
            caption=caption,
            parse_mode=ParseMode.HTML,
        )
        return
    for group in albums(len(pages)):
        media = [
            InputMediaPhoto(
                pages[index],
                filename=f"card-{index + 1}.png",
                caption=caption if index == 0 else None,
                parse_mode=ParseMode.HTML if index == 0 and caption else None,
            )
            for index in group
        ]
        await bot.send_media_group(chat_id, media)


@dataclass
class Turn:
    """A user's session and live interview for the length of one update."""

    services: Services
    bot: Bot
    chat_id: int
    chat_type: str
    user: User
    session: Session
    interview: Interview | None = None
    reply_to: int | None = None
    update_id: int | None = None
    saved: tuple[object, ...] | None = None
    card_shown: bool = False

    @property
    def lang(self) -> Lang:
        """Return the user's language."""
        return self.session.lang

    @property
    def in_group(self) -> bool:
        """Return True in groups, where several users share the chat."""
        return self.chat_type in (ChatType.GROUP, ChatType.SUPERGROUP)

    def ui(self, key: str, **values: object) -> str:
        """Return an escaped UI string in the user's language."""
        return self.services.views.ui(key, self.lang, **values)

    def plain(self, key: str) -> str:
        """Return a UI string as plain text, for button alerts (which show no HTML)."""
        return self.services.coach.content.text(key)(self.lang)

    def begin_interview(self) -> Interview:
        """Start a new interview, forgetting any unfinished one."""
        self._release()
        self.session.start_over()
        self.interview = self.services.coach.new_interview(self.lang)
        return self.interview

    def resume_interview(self) -> Interview | None:
        """Return the interview under way, rebuilt from the session, if any."""
        if self.interview is None and self.session.state is not None:
            self.interview = self.services.coach.resume(
                self.lang,
                self.session.state,
                self.session.answers,
                self.session.mistakes_shown,
                self.session.refusals,
            )
        return self.interview

    async def save(self) -> None:
        """Store the interview's facts (with this update, the first time) if anything changed."""
        if self.interview is not None:
            self.session.state = self.interview.state
            self.session.answers = dict(self.interview.answers)
            self.session.mistakes_shown = list(self.interview.mistakes_shown)
            self.session.refusals = self.interview.refusals
            self.session.lang = self.interview.lang
            if self.session.pending_for != self.interview.state:
                # Ticks belong to the question on screen: once it is answered they are stale,
                # and coming back to it must start from its stored answer.
                self.session.pending, self.session.pending_for = [], None
        fingerprint = self.session.fingerprint()
        if fingerprint == self.saved and self.update_id is None:
            return
        await self.services.store.save(self.session, self.update_id)
        self.update_id = None  # recorded with the first save of this update
        self.saved = self.session.fingerprint()

    async def finish(self) -> None:
        """Store the session and detach the interview from the shared machine."""
        await self.save()
        self._release()

    def _release(self) -> None:
        if self.interview is not None:
            self.services.coach.release(self.interview)
            self.interview = None

    # Sending

    async def send(
        self, html: str, markup: InlineKeyboardMarkup | ForceReply | None = None
    ) -> Message:
        """Send one HTML message to the chat."""
        reply = (
            ReplyParameters(self.reply_to, allow_sending_without_reply=True)
            if self.reply_to
            else None
        )
        message = await self.bot.send_message(
            self.chat_id,
            html,
            parse_mode=ParseMode.HTML,
            reply_markup=markup,
            reply_parameters=reply,
            link_preview_options=None,
        )
        return message

    async def edit(
        self, message_id: int, html: str, markup: InlineKeyboardMarkup | None = None
    ) -> int:
        """Edit a message in place, or send it anew if that message is gone; return its id."""
        try:
            await self.bot.edit_message_text(
                html, self.chat_id, message_id, parse_mode=ParseMode.HTML, reply_markup=markup
            )
        except BadRequest as error:
            if not message_gone(error):
                raise
            log.info("message %s in chat %s can't be edited; sent anew", message_id, self.chat_id)
            return (await self.send(html, markup)).message_id
        return message_id

    async def replace(
        self, message_id: int | None, html: str, markup: InlineKeyboardMarkup | None = None
    ) -> None:
        """Edit the message into this one when there is a message, else send it anew."""
        if message_id is not None:
            await self.edit(message_id, html, markup)
        else:
            await self.send(html, markup)

    def question_markup(self, question: QuestionView) -> InlineKeyboardMarkup | ForceReply | None:
        """Buttons for a choice question; a forced reply for text in groups."""
        if question.kind == "text" and self.in_group:
            return ForceReply(selective=True, input_field_placeholder=question.prompt[:64])
        if question.kind == "multi" and self.session.pending_for != question.id:
            self.session.pending = list(question.current)
            self.session.pending_for = question.id
        labels = {
            "done": self.plain("tg_button_done"),
            "back": self.plain("tg_button_back"),
            "skip": self.plain("tg_button_skip"),
        }
        if question.given:
            keep = self.plain("tg_button_keep")
            labels["keep"] = keep.format(answer=shorten(question.given, 40))
        return question_keyboard(question, self.session.interview_id, self.session.pending, labels)

    def question_html(self, question: QuestionView, prefix: list[str] | None = None) -> str:
        """Render the question after any notices, addressed to the user in a group."""
        name = self.user.first_name if self.in_group else None
        body = self.services.views.question(question, self.lang, name)
        return "\n\n".join([*(prefix or []), body])

    async def show(
        self, outputs: list[Output], edit_message_id: int | None = None, answered: str | None = None
    ) -> None:
        """Show the outputs: in place of the tapped question when possible, else as new messages."""
        views = self.services.views
        notices = [views.notice(o) for o in outputs if isinstance(o, Notice)]
        echoes = [views.answered(o.prompt, o.answer) for o in outputs if isinstance(o, Echo)]
        mistakes = [o for o in outputs if isinstance(o, MistakeView)]
        final = outputs[-1] if outputs else None
        if isinstance(final, CardView) and self.interview is not None:
            self.session.finish_card(self.interview.answers, self.lang)
        await self.save()  # the answer is stored before anything acknowledges it
        # A forced reply (text in groups) cannot be added by an edit: it needs a new message.
        editable = isinstance(final, QuestionView) and not (final.kind == "text" and self.in_group)
        if (
            edit_message_id is not None
            and editable
            and isinstance(final, QuestionView)
            and not mistakes
        ):
            prefix = [answered] if answered else []
            self.session.question_message_id = await self.edit(
                edit_message_id,
                self.question_html(final, prefix + notices),
                self.inline_markup(final),
            )
        else:
            # The tapped message closes with the answer and any mistake it revealed, so the
            # explanation stays in the chat right under its answer at no extra message.
            closing = [answered] if edit_message_id is not None and answered else []
            # What a typed answer was taken to mean comes first: above its mistake, if any,
            # else at the top of the next question.
            lead = [] if mistakes else echoes
            head = [*closing, *([] if lead else echoes)]
            head += [views.mistake(m, self.lang) for m in mistakes]
            target = edit_message_id if closing else None
            if isinstance(final, QuestionView):
                await self.post(head, target)
                message = await self.send(
                    self.question_html(final, [*lead, *notices]), self.question_markup(final)
                )
                self.session.question_message_id = message.message_id
            elif isinstance(final, ClarifyView):
                await self.post(head, target)
                await self.ask_back(final)
            elif isinstance(final, CardView):
                await self.post([*head, *lead, *notices, *views.card(final.card)], target)
                self.services.background.start(self.send_files(final.card))
                self.card_shown = True
            else:
                await self.post([*head, *lead, *(["\n".join(notices)] if notices else [])], target)
        await self.save()

    async def ask_back(self, clarify: ClarifyView) -> None:
        """Ask which reading of a typed answer was meant; the understood rest waits as pending."""
        self.session.pending = list(clarify.sure)
        self.session.pending_for = clarify.question_id
        message = await self.send(
            self.services.views.clarify(
                clarify, self.lang, self.user.first_name if self.in_group else None
            ),
            clarify_keyboard(clarify, self.session.interview_id),
        )
        self.session.question_message_id = message.message_id

    async def post(self, blocks: list[str], edit_message_id: int | None = None) -> None:
        """Send the blocks in as few messages as fit, the first in place of a message if given."""
        messages = split_messages(blocks)
        if edit_message_id is not None and messages:
            await self.edit(edit_message_id, messages.pop(0))
        for html in messages:
            await self.send(html)

    async def ask(self, prefix: list[str]) -> None:
        """Show the current question as a new message, after the given lines."""
        interview = self.interview
        assert interview is not None
        question = self.services.coach.current(interview)[-1]
        assert isinstance(question, QuestionView)
        await self.save()
        message = await self.send(
            self.question_html(question, prefix), self.question_markup(question)
        )
        self.session.question_message_id = message.message_id
        await self.finish()

    def inline_markup(self, question: QuestionView) -> InlineKeyboardMarkup | None:
        """Return the question's inline buttons (none for a text question)."""
        markup = self.question_markup(question)
        return markup if isinstance(markup, InlineKeyboardMarkup) else None

    async def send_card(self, card: StrategyCard) -> None:
        """Send the card as HTML text, a PNG image and an .ics editorial calendar."""
        await self.post(self.services.views.card(card))
        self.services.background.start(self.send_files(card))

    async def send_files(self, card: StrategyCard) -> None:
        """Send the card's PNG pages (an album when there are several) and its .ics calendar."""
        await self.bot.send_chat_action(self.chat_id, ChatAction.UPLOAD_PHOTO)
        pages = await self.services.drawing.run(render_card_pngs, card)
        await send_pages(self.bot, self.chat_id, pages, self.ui("tg_card_caption"))
        ics = await self.services.drawing.run(render_calendar_ics, card)
        await self.bot.send_document(
            self.chat_id,
            InputFile(
                ics, filename=self.services.coach.content.text("tg_calendar_filename")(self.lang)
            ),
            caption=self.ui("tg_calendar_caption"),
            reply_markup=reminder_keyboard(self.ui("rem_button")),
        )


def language_of(user: User | None) -> Lang:
    """Italian when Telegram says the user speaks Italian, English otherwise."""
    return parse_lang(user.language_code if user else None) or "en"

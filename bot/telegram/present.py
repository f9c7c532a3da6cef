"""Shows an interview Reply in a chat: edits in place where it can, new messages where it must."""

from __future__ import annotations

from telegram import ForceReply, InlineKeyboardMarkup

from bot.coaching.replies import Lead, Quote, Reply, Say
from bot.telegram.chat import Chat, Markup
from bot.telegram.delivery import CardDelivery
from bot.telegram.keyboards import clarify_keyboard, question_keyboard
from bot.telegram.views import Views
from flows.i18n import Lang
from flows.outputs import CardView, ClarifyView, Echo, MistakeView, Notice, QuestionView
from flows.validation import shorten


class InterviewPresenter:
    """Turns a Reply into messages; returns the id of the message showing the question."""

    def __init__(self, views: Views, delivery: CardDelivery) -> None:
        self.views, self.delivery = views, delivery

    async def show(self, chat: Chat, reply: Reply, name: str | None = None) -> int | None:
        """Show the reply; `name` addresses the question to one person in a group."""
        lang = reply.session.lang
        views = self.views
        lead = [self.lead(item, lang) for item in reply.lead]
        notices = [views.notice(o) for o in reply.outputs if isinstance(o, Notice)]
        echoes = [views.answered(o.prompt, o.answer) for o in reply.outputs if isinstance(o, Echo)]
        mistakes = [o for o in reply.outputs if isinstance(o, MistakeView)]
        answered = (
            [views.answered(reply.answered.prompt, reply.answered.answer)] if reply.answered else []
        )
        final = reply.outputs[-1] if reply.outputs else None
        edit = reply.edit_message_id
        in_group = name is not None
        if reply.keyboard_only and isinstance(final, QuestionView):
            if edit is not None:
                markup = self.inline_markup(final, reply, in_group)
                await chat.bot.edit_message_reply_markup(chat.chat_id, edit, reply_markup=markup)
            return None
        # A forced reply (text in groups) cannot be added by an edit: it needs a new message.
        editable = isinstance(final, QuestionView) and not (final.kind == "text" and in_group)
        if edit is not None and editable and isinstance(final, QuestionView) and not mistakes:
            html = self.question_html(final, lang, name, [*lead, *answered, *notices])
            return await chat.edit(edit, html, self.inline_markup(final, reply, in_group))
        # The tapped message closes with the answer and any mistake it revealed, so the
        # explanation stays in the chat right under its answer at no extra message.
        closing = answered if edit is not None else []
        # What a typed answer was taken to mean comes first: above its mistake, if any,
        # else at the top of the next question.
        above = [] if mistakes else echoes
        head = [*closing, *([] if above else echoes)]
        head += [views.mistake(m, lang) for m in mistakes]
        target = edit if closing else None
        if isinstance(final, QuestionView):
            await chat.post(head, target)
            html = self.question_html(final, lang, name, [*lead, *above, *notices])
            return (await chat.send(html, self.markup(final, reply, in_group))).message_id
        if isinstance(final, ClarifyView):
            await chat.post([*lead, *head], target)
            html = views.clarify(final, lang, name)
            keyboard = clarify_keyboard(final, reply.session.interview_id)
            return (await chat.send(html, keyboard)).message_id
        if isinstance(final, CardView):
            blocks = [*lead, *head, *above, *notices]
            session = reply.session
            await self.delivery.send(
                chat,
                final.card,
                blocks,
                target,
                card_id=session.card_id,
                consent_for=session.class_id,
            )
            return None
        notes = ["\n".join(notices)] if notices else []
        await chat.post([*lead, *head, *above, *notes], target)
        return None

    def lead(self, item: Lead, lang: Lang) -> str:
        """Render a line before the outputs."""
        if isinstance(item, Say):
            return self.views.ui(item.key, lang, **item.values)
        assert isinstance(item, Quote)
        return self.views.quote(item.heading, lang, item.text)

    def question_html(
        self, question: QuestionView, lang: Lang, name: str | None, prefix: list[str]
    ) -> str:
        """Render the question after the given blocks, addressed to `name` in a group."""
        return "\n\n".join([*prefix, self.views.question(question, lang, name)])

    def markup(self, question: QuestionView, reply: Reply, in_group: bool) -> Markup:
        """Buttons for a choice question; a forced reply for text in groups."""
        if question.kind == "text" and in_group:
            return ForceReply(selective=True, input_field_placeholder=question.prompt[:64])
        lang = reply.session.lang
        plain = self.views.content.text
        labels = {
            "done": plain("tg_button_done")(lang),
            "back": plain("tg_button_back")(lang),
            "skip": plain("tg_button_skip")(lang),
        }
        if question.given:
            keep = plain("tg_button_keep")(lang)
            labels["keep"] = keep.format(answer=shorten(question.given, 40))
        session = reply.session
        return question_keyboard(question, session.interview_id, session.pending, labels)

    def inline_markup(
        self, question: QuestionView, reply: Reply, in_group: bool
    ) -> InlineKeyboardMarkup | None:
        """Return the question's inline buttons (none for a text question)."""
        markup = self.markup(question, reply, in_group)
        return markup if isinstance(markup, InlineKeyboardMarkup) else None

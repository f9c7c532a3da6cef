"""Thin handlers: turn each update into a coach event and show what comes back."""

from __future__ import annotations

import datetime as dt
import functools
import logging
from collections.abc import Callable, Coroutine
from typing import Any

from telegram import CallbackQuery, Message, Update
from telegram.constants import ChatType
from telegram.error import BadRequest, Forbidden, NetworkError, TelegramError
from telegram.ext import ApplicationHandlerStop, ContextTypes

from bot.sessions import DuplicateUpdateError, Session, StaleSessionError
from bot.storage import DATABASE_ERRORS
from bot.telegram.checkins import CheckIns
from bot.telegram.classes import ClassSessions
from bot.telegram.keyboards import (
    ANSWER,
    BACK,
    CASE,
    CHECKIN,
    DONE,
    ERASE,
    HISTORY,
    KEEP,
    LANG,
    PICK,
    REMIND,
    SHARE,
    SKIP,
    TOGGLE,
    WORKSHOP,
    Tap,
    erase_keyboard,
    history_keyboard,
    language_keyboard,
    row_id,
)
from bot.telegram.reminders import Clock, Reminders, utc_now
from bot.telegram.services import Services
from bot.telegram.turn import Turn, language_of
from bot.telegram.workshop import Workshops
from flows.conditions import AnswerValue
from flows.i18n import parse_lang
from flows.machine import Interview
from flows.outputs import Echo, Output, QuestionView

log = logging.getLogger(__name__)

Context = ContextTypes.DEFAULT_TYPE
HandlerCallback = Callable[[Update, Context], Coroutine[Any, Any, None]]


def carried_by_its_message(query: CallbackQuery) -> bool:
    """Return False if the tapped message has no button with this data: it was forged.

    A message older than 48 hours arrives without its buttons; its taps are checked by what
    they ask for instead.
    """
    message = query.message
    if not isinstance(message, Message):
        return True
    markup = message.reply_markup
    buttons = markup.inline_keyboard if markup else ()
    return any(button.callback_data == query.data for row in buttons for button in row)


class Handlers:
    """Every handler of the coach, sharing the services they need."""

    def __init__(self, services: Services, clock: Clock = utc_now) -> None:
        self.services = services
        self.class_sessions = ClassSessions(services)
        self.workshops = Workshops(services)
        self.checkins = CheckIns()
        self.reminders = Reminders(services, clock)

    async def open_turn(self, update: Update, context: Context) -> Turn | None:
        """Load (or create) the session of the user who sent this update."""
        chat, user = update.effective_chat, update.effective_user
        if chat is None or user is None or user.is_bot:
            return None
        session = await self.services.store.load(chat.id, user.id)
        saved = session.fingerprint() if session is not None else None
        if session is None:
            session = Session(chat.id, user.id, language_of(user))
        message = update.effective_message
        in_group = chat.type in (ChatType.GROUP, ChatType.SUPERGROUP)
        reply_to = (
            message.message_id if in_group and message and not update.callback_query else None
        )
        return Turn(
            self.services,
            context.bot,
            chat.id,
            chat.type,
            user,
            session,
            reply_to=reply_to,
            update_id=update.update_id,
            saved=saved,
        )

    def guarded(self, handler: HandlerCallback) -> HandlerCallback:
        """Wrap a handler: a redelivered update is dropped, a racing one is refused kindly."""

        @functools.wraps(handler)
        async def run(update: Update, context: Context) -> None:
            try:
                await handler(update, context)
            except DuplicateUpdateError:
                log.info("update %s was already applied", update.update_id)
            except StaleSessionError:
                log.info("update %s lost a race and was not applied", update.update_id)
                text = self.services.coach.content.text("tg_conflict")(
                    language_of(update.effective_user)
                )
                if update.callback_query is not None:
                    await update.callback_query.answer(text)
                elif update.effective_chat is not None:
                    await context.bot.send_message(update.effective_chat.id, text)

        return run

    async def skip_seen_updates(self, update: Update, context: Context) -> None:
        """Stop here if this update was already applied (Telegram may deliver it twice)."""
        if await self.services.store.seen(update.update_id):
            log.info("update %s was already applied", update.update_id)
            raise ApplicationHandlerStop

    # Commands

    async def start(self, update: Update, context: Context) -> None:
        """Greet, then resume the interview under way or start one."""
        turn = await self.open_turn(update, context)
        if turn is None:
            return
        if context.args and await self.class_sessions.join(turn, context.args[0], context):
            return
        interview = turn.resume_interview()
        if interview is not None and turn.session.active:
            greeting = turn.ui("tg_welcome_back")
        else:
            interview = turn.begin_interview()
            greeting = f"{turn.ui('welcome')}"
        await turn.ask([greeting])

    async def plan(self, update: Update, context: Context) -> None:
        """Start a new interview."""
        turn = await self.open_turn(update, context)
        if turn is not None:
            turn.begin_interview()
            await turn.ask([])

    async def restart(self, update: Update, context: Context) -> None:
        """Start again from the first question."""
        turn = await self.open_turn(update, context)
        if turn is not None:
            turn.begin_interview()
            await turn.ask([turn.ui("restarted")])

    async def back(self, update: Update, context: Context) -> None:
        """Go back to the previous question."""
        await self._with_interview(update, context, self.services.coach.back)

    async def skip(self, update: Update, context: Context) -> None:
        """Skip the current question."""
        await self._with_interview(update, context, self.services.coach.skip)

    async def cancel(self, update: Update, context: Context) -> None:
        """Drop the interview under way (the latest card stays)."""
        turn = await self.open_turn(update, context)
        if turn is None:
            return
        if not turn.session.active:
            await turn.send(turn.ui("tg_nothing_to_cancel"))
            return
        turn.session.state = None  # the stored interview is closed; its answers are not used again
        await turn.finish()
        await turn.send(turn.ui("tg_cancelled"))

    async def card(self, update: Update, context: Context) -> None:
        """Show the latest card again."""
        turn = await self.open_turn(update, context)
        if turn is None:
            return
        cards = await self.services.store.cards(turn.session.user_id)
        if not cards:
            await turn.send(turn.ui("tg_no_card"))
            return
        latest = cards[0]
        await turn.send_card(self.services.coach.build_card(latest.answers, latest.lang))

    async def history(self, update: Update, context: Context) -> None:
        """List the user's earlier cards, each a button to open it again."""
        turn = await self.open_turn(update, context)
        if turn is None:
            return
        records = await self.services.store.cards(turn.user.id)
        if not records:
            await turn.send(turn.ui("tg_history_empty"))
            return
        items = [(r.id, self._card_label(r.created_at, r.answers, turn)) for r in records[:20]]
        await turn.send(turn.ui("tg_history_title"), history_keyboard(items))

    async def deletedata(self, update: Update, context: Context) -> None:
        """Ask for confirmation before erasing everything stored about the user."""
        turn = await self.open_turn(update, context)
        if turn is None:
            return
        text = self.services.coach.content.text
        await turn.send(
            turn.ui("tg_delete_confirm"),
            erase_keyboard(text("tg_delete_yes")(turn.lang), text("tg_delete_no")(turn.lang)),
        )

    async def lang(self, update: Update, context: Context) -> None:
        """Switch language: /lang it, /lang en, or buttons to choose."""
        turn = await self.open_turn(update, context)
        if turn is None:
            return
        lang = parse_lang(context.args[0]) if context.args else None
        if lang is None:
            await turn.send(turn.ui("tg_choose_lang"), language_keyboard())
            return
        await self._switch_language(turn, lang)

    async def checkin(self, update: Update, context: Context) -> None:
        """Start the weekly check-in against the latest card."""
        turn = await self.open_turn(update, context)
        if turn is not None:
            await self.checkins.begin(turn)

    async def reminders_menu(self, update: Update, context: Context) -> None:
        """Show the reminder setting and let the user change it."""
        turn = await self.open_turn(update, context)
        if turn is not None:
            await self.reminders.menu(turn)

    async def help(self, update: Update, context: Context) -> None:
        """Explain how to answer and list the commands."""
        turn = await self.open_turn(update, context)
        if turn is not None:
            await turn.send(turn.ui("tg_help"))

    async def privacy(self, update: Update, context: Context) -> None:
        """Say what is stored and why."""
        turn = await self.open_turn(update, context)
        if turn is not None:
            await turn.send(turn.ui("tg_privacy"))

    async def unknown_command(self, update: Update, context: Context) -> None:
        """Point to /help; in a group, only when the command was addressed to this bot."""
        message = update.effective_message
        command = (message.text or "").split(maxsplit=1)[0] if message else ""
        _, mention, addressee = command.partition("@")
        if mention and addressee.lower() != (context.bot.username or "").lower():
            return  # another bot's command
        in_group = update.effective_chat is not None and update.effective_chat.type in (
            ChatType.GROUP,
            ChatType.SUPERGROUP,
        )
        if in_group and not mention:
            return  # a bare command in a group may be for another bot
        turn = await self.open_turn(update, context)
        if turn is not None:
            await turn.send(turn.ui("unknown_command"))

    # Answers

    async def text(self, update: Update, context: Context) -> None:
        """Take a typed answer: free text, or an option's number or name."""
        message = update.effective_message
        turn = await self.open_turn(update, context)
        if turn is None or message is None or message.text is None:
            return
        if turn.in_group and await self.workshops.text(update, context):
            return
        if turn.in_group and not self._replies_to_own_question(turn, message.reply_to_message):
            return  # in a group, only a reply to one's own question is an answer
        if not turn.in_group and await self.checkins.take_note(turn, message.text):
            return
        if turn.resume_interview() is None or not turn.session.active:
            await turn.send(turn.ui("tg_no_interview"))
            return
        interview = turn.interview
        assert interview is not None
        await turn.show(self.services.coach.answer_typed(interview, message.text))
        await turn.finish()
        if turn.card_shown:
            await self.class_sessions.card_finished(turn, context)

    async def media(self, update: Update, context: Context) -> None:
        """Re-ask kindly when a sticker, photo or voice note arrives instead of an answer."""
        turn = await self.open_turn(update, context)
        if turn is None:
            return
        interview = turn.resume_interview()
        if interview is None or not turn.session.active:
            await turn.send(turn.ui("tg_no_interview"))
            return
        question = self.services.coach.current(interview)[-1]
        assert isinstance(question, QuestionView)
        message = await turn.send(
            turn.question_html(question, [turn.ui("tg_media")]), turn.question_markup(question)
        )
        turn.session.question_message_id = message.message_id
        await turn.finish()

    async def tap(self, update: Update, context: Context) -> None:
        """Handle a button: answer, toggle, done, back, skip or language."""
        query = update.callback_query
        turn = await self.open_turn(update, context)
        if query is None or turn is None:
            return
        tap = Tap.unpack(query.data) if carried_by_its_message(query) else None
        if tap is None:
            log.warning(
                "refused button data %r from user %s", (query.data or "")[:64], turn.user.id
            )
            await query.answer(turn.plain("tg_unknown_button"), show_alert=True)
            return
        if await self._side_tap(turn, query, tap, update, context):
            return
        interview = turn.resume_interview()
        problem = self._stale(turn, tap)
        if problem is None and interview is not None and not self._offered(interview, tap):
            problem = "tg_unknown_button"
        if problem is not None or interview is None:
            problem = problem or "tg_foreign_button"
            log.info("refused a button from user %s: %s", turn.user.id, problem.removeprefix("tg_"))
            await query.answer(turn.plain(problem))
            return
        coach = self.services.coach
        question = coach.content.question(interview.state)
        message_id = query.message.message_id if query.message else None
        if tap.action == TOGGLE:
            await query.answer()
            await self._toggle(turn, tap.option_id, message_id)
            return
        await query.answer()
        if tap.action == ANSWER:
            outputs = coach.answer_options(interview, [tap.option_id])
        elif tap.action == DONE:
            outputs = coach.answer_options(interview, list(turn.session.pending))
        elif tap.action == PICK:
            outputs = coach.answer_options(interview, self._picked(turn, question.id, tap))
        elif tap.action == KEEP:
            outputs = coach.keep(interview)
        elif tap.action == SKIP:
            outputs = coach.skip(interview)
        elif tap.action == BACK:
            outputs = coach.back(interview)
        else:
            return
        outputs = [o for o in outputs if not isinstance(o, Echo)]  # the edit below says it
        answered = None
        if tap.action in (ANSWER, DONE, PICK, KEEP, SKIP) and interview.state != question.id:
            answered = turn.services.views.answered(
                question.prompt(turn.lang), self._answer_label(turn, question.id)
            )
        await turn.show(outputs, edit_message_id=message_id, answered=answered)
        await turn.finish()
        if turn.card_shown:
            await self.class_sessions.card_finished(turn, context)

    async def on_error(self, update: object, context: Context) -> None:
        """Log the failure in one line (a traceback only for a bug) and tell the user if we can."""
        error = context.error
        if not isinstance(update, Update):  # getUpdates failed; the updater tries again
            log.warning("getting updates failed (%s: %s); retrying", type(error).__name__, error)
            return
        chat, user = update.effective_chat, update.effective_user
        where = f"update {update.update_id} in chat {chat.id if chat else None}"
        if isinstance(error, Forbidden):
            log.info("%s not answered: the bot may not write there (%s)", where, error)
            return
        # A refused request (BadRequest) is a bug of ours, unlike a network or database outage.
        database = isinstance(error, DATABASE_ERRORS)
        network = isinstance(error, NetworkError) and not isinstance(error, BadRequest)
        if database or network:
            log.warning("%s failed: %s: %s", where, type(error).__name__, error)
        else:
            log.error("%s failed: %s", where, type(error).__name__, exc_info=error)
        if chat is None:
            return
        key = "tg_db_retry" if database else "tg_error"
        text = self.services.coach.content.text(key)(language_of(user))  # plain text, no HTML
        try:
            await context.bot.send_message(chat.id, text)
        except TelegramError:  # the chat may be unreachable; the log line above is what matters
            log.warning("could not tell chat %s about the failure", chat.id)

    # Helpers

    async def _side_tap(
        self, turn: Turn, query: CallbackQuery, tap: Tap, update: Update, context: Context
    ) -> bool:
        """Handle a button that is not an interview answer; False if it is one."""
        if tap.action == LANG:
            await query.answer()
            await self._switch_language(turn, parse_lang(tap.option_id) or turn.lang)
            return True
        if tap.action == HISTORY:
            await query.answer()
            await self._open_card(turn, tap.option_id)
            return True
        if tap.action == ERASE:
            await query.answer()
            await self._erase(turn, confirmed=tap.option_id == "yes", message=query.message)
            return True
        if tap.action == CASE:
            await self.class_sessions.choose_case(update, context, tap)
            return True
        if tap.action == SHARE:
            await self.class_sessions.share(update, context, tap)
            return True
        if tap.action == WORKSHOP:
            await self.workshops.tap(update, context, tap)
            return True
        if tap.action == REMIND:
            await self.reminders.tap(turn, query, tap)
            return True
        if tap.action == CHECKIN:
            if await self.checkins.tap(turn, query, tap):
                turn.begin_interview()
                await turn.ask([turn.ui("welcome")])
            return True
        return False

    def _card_label(
        self, created_at: dt.datetime, answers: dict[str, AnswerValue], turn: Turn
    ) -> str:
        offer = answers.get("offer")
        what = offer if isinstance(offer, str) else ""
        if not what:
            business = self.services.coach.content.question("business_type")
            labels = {o.id: o.label(turn.lang) for o in business.options}
            what = labels.get(str(answers.get("business_type")), "")
        return f"{created_at:%Y-%m-%d %H:%M} · {what}"[:60]

    async def _open_card(self, turn: Turn, card_id: str) -> None:
        number = row_id(card_id)
        record = await self.services.store.card(turn.user.id, number) if number else None
        if record is None:
            await turn.send(turn.ui("tg_history_empty"))
            return
        await turn.send_card(self.services.coach.build_card(record.answers, record.lang))

    async def _erase(self, turn: Turn, *, confirmed: bool, message: object) -> None:
        message_id = getattr(message, "message_id", None)
        if not confirmed:
            if message_id is not None:
                await turn.edit(message_id, turn.ui("tg_delete_kept"))
            return
        erased = await self.services.store.erase(turn.user.id)
        text = turn.ui("tg_deleted", interviews=erased.interviews, cards=erased.cards)
        await turn.replace(message_id, text)

    def _picked(self, turn: Turn, question_id: str, tap: Tap) -> list[str]:
        """Return the answer a question back's button gives: the understood rest, then its own."""
        question = self.services.coach.content.question(question_id)
        if question.kind != "multi" or turn.session.pending_for != question_id:
            return [tap.option_id]
        return [*turn.session.pending, tap.option_id]

    def _offered(self, interview: Interview, tap: Tap) -> bool:
        """Return True if the button could be on the current question's keyboard."""
        if tap.action not in (ANSWER, TOGGLE, PICK):
            return not tap.option_id
        question = self.services.coach.current(interview)[-1]
        return isinstance(question, QuestionView) and any(
            choice.id == tap.option_id for choice in question.choices
        )

    def _stale(self, turn: Turn, tap: Tap) -> str | None:
        # Any message showing the current question of the current interview may be tapped
        # (e.g. one sent before a restart): acting on it is the same as acting on the newest.
        session = turn.session
        if tap.interview_id != session.interview_id or not session.active:
            return "tg_foreign_button"
        if tap.question_id != session.state:
            return "tg_stale_button"
        return None

    async def _toggle(self, turn: Turn, option_id: str, message_id: int | None) -> None:
        interview = turn.interview
        assert interview is not None
        question = self.services.coach.current(interview)[-1]
        assert isinstance(question, QuestionView)
        turn.question_markup(question)  # makes sure pending belongs to this question
        pending = turn.session.pending
        if option_id in pending:
            pending.remove(option_id)
        elif option_id in question.exclusive:
            pending[:] = [option_id]
        else:
            pending[:] = [o for o in pending if o not in question.exclusive] + [option_id]
        pending.sort(key=[c.id for c in question.choices].index)
        await turn.save()
        if message_id is not None:
            await turn.bot.edit_message_reply_markup(
                turn.chat_id, message_id, reply_markup=turn.inline_markup(question)
            )
        await turn.finish()

    def _answer_label(self, turn: Turn, question_id: str) -> str:
        interview = turn.interview
        assert interview is not None
        value = interview.answers.get(question_id)
        if value is None:
            return self.services.coach.content.text("tg_skipped")(turn.lang)
        coach = self.services.coach
        return coach.replies.echo(coach.content.question(question_id), value, turn.lang).answer

    def _replies_to_own_question(self, turn: Turn, replied: object) -> bool:
        message_id = getattr(replied, "message_id", None)
        return message_id is not None and message_id == turn.session.question_message_id

    async def _with_interview(
        self, update: Update, context: Context, event: Callable[[Interview], list[Output]]
    ) -> None:
        turn = await self.open_turn(update, context)
        if turn is None:
            return
        interview = turn.resume_interview()
        if interview is None or (not turn.session.active and interview.state != "card"):
            await turn.send(turn.ui("tg_no_interview"))
            return
        await turn.show(event(interview))
        await turn.finish()

    async def _switch_language(self, turn: Turn, lang: str) -> None:
        turn.session.lang = parse_lang(lang) or turn.lang
        interview = turn.resume_interview()
        note = turn.ui("lang_switched")
        if interview is not None and turn.session.active:
            interview.lang = turn.session.lang
            await turn.ask([note])
        else:
            await turn.save()
            await turn.send(note)

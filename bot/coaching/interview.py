"""The interview's use cases: one load, the coach, one save, then a Reply to show."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from bot.coaching.replies import Lead, Reply, Say
from bot.sessions import Session, SessionStore
from flows.coach import Coach
from flows.i18n import Lang
from flows.machine import Interview
from flows.outputs import CardView, ClarifyView, Echo, Output, QuestionView
from flows.ui_keys import UiKey

Event = Callable[[Interview], list[Output]]
MOVES_ON = frozenset({"answer", "done", "pick", "keep", "skip"})
"""Taps that answer the question on screen (Back goes elsewhere without answering)."""


@dataclass(frozen=True)
class Sender:
    """Who sent an update, and where: enough to find their stored state."""

    chat_id: int
    user_id: int
    lang: Lang
    """The language their app says they speak, for someone never seen before."""
    in_group: bool = False
    update_id: int | None = None


@dataclass(frozen=True)
class Press:
    """A question's button, pressed: what it does, to which question, on which message."""

    action: str
    interview_id: str
    question_id: str
    option_id: str
    message_id: int | None


class InterviewCases:
    """Applies commands, typed answers and taps to a user's interview."""

    def __init__(self, coach: Coach, store: SessionStore) -> None:
        self.coach = coach
        self.store = store

    async def load(self, sender: Sender) -> Session:
        """Return the sender's session (a new one for a stranger); a redelivered update raises."""
        session = await self.store.load(sender.chat_id, sender.user_id, sender.update_id)
        return session or Session(sender.chat_id, sender.user_id, sender.lang)

    async def language(self, sender: Sender) -> Lang:
        """Return the language the sender is spoken to in."""
        return (await self.load(sender)).lang

    # Commands

    async def start(self, sender: Sender) -> Reply:
        """Resume the interview under way, or start one."""
        session = await self.load(sender)
        if session.active:
            return await self._run(sender, session, self.coach.current, [Say("tg_welcome_back")])
        return await self.begin(sender, session, [Say("welcome")])

    async def begin(
        self, sender: Sender, session: Session, lead: list[Lead], class_id: int | None = None
    ) -> Reply:
        """Start a new interview (for a class, with its id), forgetting any unfinished one."""
        session.start_over()
        session.class_id = class_id
        return await self._run(sender, session, self.coach.current, lead)

    async def plan(self, sender: Sender, lead: list[Lead] | None = None) -> Reply:
        """Start a new interview after the given lines."""
        return await self.begin(sender, await self.load(sender), lead or [])

    async def back(self, sender: Sender) -> Reply:
        """Go back to the previous question."""
        return await self._with_interview(sender, self.coach.back)

    async def skip(self, sender: Sender) -> Reply:
        """Skip the current question."""
        return await self._with_interview(sender, self.coach.skip)

    async def cancel(self, sender: Sender) -> Reply:
        """Drop the interview under way; the latest card stays."""
        session = await self.load(sender)
        if not session.active:
            return Reply(session, lead=[Say("tg_nothing_to_cancel")])
        session.state = None  # the stored interview is closed; its answers are not used again
        await self._save(sender, session)
        return Reply(session, lead=[Say("tg_cancelled")])

    async def switch_language(self, sender: Sender, lang: Lang) -> Reply:
        """Speak another language from now on, asking the current question again in it."""
        session = await self.load(sender)
        session.lang = lang
        if session.active:
            return await self._run(sender, session, self.coach.current, [Say("lang_switched")])
        await self._save(sender, session)
        return Reply(session, lead=[Say("lang_switched")])

    # Answers

    async def text(self, sender: Sender, text: str, replied_to: int | None = None) -> Reply | None:
        """Take a typed answer; in a group only a reply to one's own question is one, else None."""
        session = await self.load(sender)
        if sender.in_group and (replied_to is None or replied_to != session.question_message_id):
            return None
        if not session.active:
            return Reply(session, lead=[Say("tg_no_interview")])
        return await self._run(sender, session, lambda i: self.coach.answer_typed(i, text))

    async def media(self, sender: Sender) -> Reply:
        """Ask the question again, kindly, after a sticker, photo or voice note."""
        session = await self.load(sender)
        if not session.active:
            return Reply(session, lead=[Say("tg_no_interview")])
        return await self._run(sender, session, self.coach.current, [Say("tg_media")])

    async def tap(self, sender: Sender, press: Press) -> Reply:
        """Apply a button of a question: an answer, a tick, Done, Back, Skip, Keep or a pick."""
        session = await self.load(sender)
        action, question_id, option_id = press.action, press.question_id, press.option_id
        message_id = press.message_id
        problem = self._refusal(session, action, press.interview_id, question_id, option_id)
        if problem is not None:
            return Reply(session, alert=problem)
        if action == "toggle":
            return await self._toggle(sender, session, option_id, message_id)
        coach = self.coach
        events: dict[str, Event] = {
            "answer": lambda i: coach.answer_options(i, [option_id]),
            "done": lambda i: coach.answer_options(i, list(session.pending)),
            "pick": lambda i: coach.answer_options(i, self._picked(session, option_id)),
            "keep": coach.keep,
            "skip": coach.skip,
            "back": coach.back,
        }
        reply = await self._run(sender, session, events[action], edit_message_id=message_id)
        reply.outputs = [o for o in reply.outputs if not isinstance(o, Echo)]  # the edit says it
        if action in MOVES_ON and session.state != question_id:
            reply.answered = self._answered(session, question_id)
        return reply

    async def remember_question_message(self, reply: Reply, message_id: int | None) -> None:
        """Record the message that now shows the user's question, when it is a new one."""
        session = reply.session
        if message_id is None or message_id == session.question_message_id:
            return
        session.question_message_id = message_id
        await self.store.save(session)

    # Helpers

    async def _with_interview(self, sender: Sender, event: Event) -> Reply:
        session = await self.load(sender)
        if session.state is None:
            return Reply(session, lead=[Say("tg_no_interview")])
        return await self._run(sender, session, event)

    async def _run(
        self,
        sender: Sender,
        session: Session,
        event: Event,
        lead: list[Lead] | None = None,
        *,
        edit_message_id: int | None = None,
    ) -> Reply:
        """Apply the event to the session's interview, store the result, say what to show."""
        with self._interview(session) as interview:
            outputs = event(interview)
            self._keep_facts(session, interview)
        final = outputs[-1] if outputs else None
        if isinstance(final, CardView):
            session.finish_card(session.answers, session.lang)
        self._tick_state(session, final)
        await self._save(sender, session)
        return Reply(
            session,
            outputs,
            lead or [],
            edit_message_id=edit_message_id,
            card_finished=isinstance(final, CardView),
        )

    @contextmanager
    def _interview(self, session: Session) -> Iterator[Interview]:
        """Open the session's interview (a new one if none) on the shared machine, then release."""
        interview = Interview(
            session.lang, session.answers, session.mistakes_shown, session.refusals
        )
        with self.coach.opened(interview, session.state) as opened:
            yield opened

    def _keep_facts(self, session: Session, interview: Interview) -> None:
        session.state = interview.state
        session.answers = dict(interview.answers)
        session.mistakes_shown = list(interview.mistakes_shown)
        session.refusals = interview.refusals
        if session.pending_for != interview.state:
            # Ticks belong to the question on screen: once it is answered they are stale,
            # and coming back to it must start from its stored answer.
            session.pending, session.pending_for = [], None

    def _tick_state(self, session: Session, final: Output | None) -> None:
        """Set the ticks the next keyboard shows: a question's answer, or a question back's rest."""
        if isinstance(final, QuestionView) and final.kind == "multi":
            if session.pending_for != final.id:
                session.pending, session.pending_for = list(final.current), final.id
        elif isinstance(final, ClarifyView):
            session.pending, session.pending_for = list(final.sure), final.question_id

    async def _save(self, sender: Sender, session: Session) -> None:
        await self.store.save(session, sender.update_id)

    async def _toggle(
        self, sender: Sender, session: Session, option_id: str, message_id: int | None
    ) -> Reply:
        with self._interview(session) as interview:
            question = self.coach.current(interview)[-1]
        assert isinstance(question, QuestionView)
        self._tick_state(session, question)
        pending = session.pending
        if option_id in pending:
            pending.remove(option_id)
        elif option_id in question.exclusive:
            pending[:] = [option_id]
        else:
            pending[:] = [o for o in pending if o not in question.exclusive] + [option_id]
        pending.sort(key=[c.id for c in question.choices].index)
        await self._save(sender, session)
        return Reply(session, [question], edit_message_id=message_id, keyboard_only=True)

    def _refusal(
        self, session: Session, action: str, interview_id: str, question_id: str, option_id: str
    ) -> UiKey | None:
        """Return why a button is refused, or None when it applies to the question on screen."""
        # Any message showing the current question of the current interview may be tapped
        # (e.g. one sent before a restart): acting on it is the same as acting on the newest.
        if interview_id != session.interview_id or not session.active:
            return "tg_foreign_button"
        if question_id != session.state:
            return "tg_stale_button"
        if action not in ("answer", "toggle", "pick"):
            return None if not option_id else "tg_unknown_button"
        question = self.coach.content.question(question_id)
        offered = {o.id for o in self.coach.content.options_of(question, session.answers)}
        return None if option_id in offered else "tg_unknown_button"

    def _picked(self, session: Session, option_id: str) -> list[str]:
        """Return the answer a question back's button gives: the understood rest, then its own."""
        question = self.coach.content.question(str(session.state))
        if question.kind != "multi" or session.pending_for != question.id:
            return [option_id]
        return [*session.pending, option_id]

    def _answered(self, session: Session, question_id: str) -> Echo:
        question = self.coach.content.question(question_id)
        prompt = question.prompt(session.lang)
        value = session.answers.get(question_id)
        if value is None:
            return Echo(question_id, prompt, self.coach.content.text("tg_skipped")(session.lang))
        answer = self.coach.replies.echo(question, value, session.lang).answer
        return Echo(question_id, prompt, answer)

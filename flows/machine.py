"""The interview as one shared `transitions` machine with one small model per conversation."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from transitions import EventData, Machine

from flows.conditions import Answers, AnswerValue, chosen, holds
from flows.content import Content, Question
from flows.i18n import Lang

CARD = "card"
"""The state after the last question: the strategy card is ready."""

ANSWER, SKIP, BACK, RESTART = "answer", "skip", "back", "restart"


class Interview:
    """One conversation: the plain facts that are stored, plus the machine's current state."""

    state: str

    def __init__(
        self,
        lang: Lang,
        answers: dict[str, AnswerValue] | None = None,
        mistakes_shown: list[str] | None = None,
        refusals: int = 0,
    ) -> None:
        self.lang: Lang = lang
        self.answers: dict[str, AnswerValue] = dict(answers or {})
        self.mistakes_shown: list[str] = list(mistakes_shown or [])
        self.refusals = refusals
        """Typed answers to the current question not understood in a row."""

    @property
    def finished(self) -> bool:
        """Return True once every applicable question has been answered or skipped."""
        return self.state == CARD


@dataclass(frozen=True)
class QuestionApplies:
    """Named guard: the question is asked, given the answers so far."""

    question: Question

    def __call__(self, event: EventData) -> bool:
        """Evaluate the guard for the event's model."""
        model = event.model
        assert isinstance(model, Interview)
        return holds(self.question.ask_if, model.answers)

    @property
    def __name__(self) -> str:  # transitions and its diagrams name guards by this
        return f"asks_{self.question.id}"


def _forget_everything(event: EventData) -> None:
    model = event.model
    assert isinstance(model, Interview)
    model.answers.clear()
    model.mistakes_shown.clear()


def _new_question(event: EventData) -> None:
    """Start the count of misunderstood answers afresh on every move."""
    model = event.model
    assert isinstance(model, Interview)
    model.refusals = 0


def _candidates(guards: list[QuestionApplies]) -> list[QuestionApplies]:
    """Guards to try in order, up to the first question that is always asked."""
    kept = []
    for guard in guards:
        kept.append(guard)
        if guard.question.ask_if is None:
            break
    return kept


def interview_transitions(questions: list[Question]) -> list[dict[str, Any]]:
    """Derive the answer, skip and back transitions from the questions' conditions."""
    guards = [QuestionApplies(question) for question in questions]
    ids = [question.id for question in questions]
    transitions: list[dict[str, Any]] = []
    # Transitions of one trigger are tried in the order they were added: the first later
    # question whose guard holds is the next one; the card catches the rest.
    for index, source in enumerate(ids):
        later = _candidates(guards[index + 1 :])
        for trigger in (ANSWER, SKIP):
            for guard in later:
                transitions.append(
                    {
                        "trigger": trigger,
                        "source": source,
                        "dest": guard.question.id,
                        "conditions": [guard],
                    }
                )
            if not later or later[-1].question.ask_if is not None:
                transitions.append({"trigger": trigger, "source": source, "dest": CARD})
    for index, source in enumerate([*ids, CARD]):
        for guard in _candidates(list(reversed(guards[:index]))):
            transitions.append(
                {
                    "trigger": BACK,
                    "source": source,
                    "dest": guard.question.id,
                    "conditions": [guard],
                }
            )
    return transitions


class InterviewMachine:
    """The one machine of the interview, built once from content and shared by every model."""

    def __init__(self, content: Content) -> None:
        self.content = content
        self.questions = content.questions
        self.first = self.questions[0].id
        ids = [question.id for question in self.questions]
        self._machine = Machine(
            model=None,
            states=[*ids, CARD],
            initial=self.first,
            send_event=True,
            auto_transitions=False,
            prepare_event=self._record_answer,
            after_state_change=_new_question,
        )
        self.transitions = interview_transitions(self.questions)
        for transition in self.transitions:
            self._machine.add_transition(**transition)
        self._machine.add_transition(RESTART, "*", self.first, before=_forget_everything)

    def _record_answer(self, event: EventData) -> None:
        """Store the answer (None for a skip) before guards choose the next question."""
        model = event.model
        assert isinstance(model, Interview)
        if event.event.name in (ANSWER, SKIP):
            model.answers[model.state] = event.kwargs.get("value")
            # A changed answer can close a branch: drop what was answered inside it, so no
            # condition, mistake or card ever reads a stale answer.
            model.answers = self.applicable_answers(model.answers)

    def attach(self, interview: Interview, state: str | None = None) -> Interview:
        """Bind a conversation to the machine, at its saved state or at the first question."""
        # Not `add_model`: it gives the model a method per event and per state (`is_<id>`), on
        # every update, and nothing here calls them; `fire` runs the machine's events directly.
        if any(model is interview for model in self._machine.models):
            return interview  # already bound: as `add_model` does, leave it where it is
        self._machine.set_state(state or self.first, model=interview)
        self._machine.models.append(interview)
        return interview

    def detach(self, interview: Interview) -> None:
        """Release a conversation from the machine once it is stored."""
        self._machine.remove_model(interview)

    @property
    def attached(self) -> int:
        """Return how many conversations are bound to the machine right now."""
        return len(self._machine.models)

    def fire(self, interview: Interview, trigger: str, **kwargs: Any) -> bool:
        """Run a trigger; return False when it cannot apply here (e.g. back at the start)."""
        if not self._machine.get_transitions(trigger, source=interview.state):
            return False
        return self._machine.events[trigger].trigger(interview, **kwargs)

    def answer(self, interview: Interview, value: AnswerValue) -> None:
        """Record a valid answer to the current question and move to the next one."""
        self.fire(interview, ANSWER, value=value)

    def skip(self, interview: Interview) -> None:
        """Leave the current question unanswered and move on."""
        self.fire(interview, SKIP, value=None)

    def back(self, interview: Interview) -> bool:
        """Return to the previously asked question; False when there is none."""
        return self.fire(interview, BACK)

    def restart(self, interview: Interview) -> None:
        """Forget every answer and start again from the first question."""
        self.fire(interview, RESTART)

    def applicable_answers(self, answers: Answers) -> dict[str, AnswerValue]:
        """Keep only the answers of questions that apply given the answers before them.

        An answer picked among an earlier answer's options (options_from) goes too once that
        earlier answer no longer offers it.
        """
        kept: dict[str, AnswerValue] = {}
        for question in self.questions:
            if question.id not in answers or not holds(question.ask_if, kept):
                continue
            value = answers[question.id]
            if question.options_from is not None:
                offered = {option.id for option in self.content.options_of(question, kept)}
                if not set(chosen(value)) <= offered:
                    continue
            kept[question.id] = value
        return kept

    def progress(self, interview: Interview) -> tuple[int, int]:
        """Return (k, n): the current question's place and the expected number of questions."""
        position = next(i for i, q in enumerate(self.questions) if q.id == interview.state)
        before = [q for q in self.questions[:position] if holds(q.ask_if, interview.answers)]
        # Questions whose condition is still unknown are counted, so n only ever shrinks.
        after = [
            q
            for q in self.questions[position + 1 :]
            if q.ask_if is None or q.ask_if.evaluate(interview.answers) is not False
        ]
        return len(before) + 1, len(before) + 1 + len(after)

"""The coach: turns a person's input into what to show next, for any front end."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Literal

from flows import requirements
from flows.card import StrategyCard, build_card
from flows.clock import rome_today
from flows.conditions import Answers, AnswerValue, chosen, holds
from flows.content import Content, Mistake, Option, Question
from flows.content_loader import load_content
from flows.i18n import Lang
from flows.interpret import ChoiceReader, Unsure
from flows.machine import CARD, Interview, InterviewMachine
from flows.outputs import (
    CardView,
    Choice,
    MistakeView,
    Notice,
    Output,
    QuestionView,
)
from flows.typed_replies import TypedReplies
from flows.ui_keys import UI_KEYS, UiKey
from flows.validation import Accepted, Problem, validate_choice, validate_text
from flows.wording import fill

EXAMPLED = frozenset({"error_not_understood", "error_empty_choice", "error_choice_too_long"})
"""Refusals of a typed choice that end with example answers in words."""
FULL_AFTER_REFUSALS = 2
"""From this refusal on one question, the question is shown again in full."""


def load_checked_content(directory: Path | None = None) -> Content:
    """Load content and check it holds every key the coach and front ends read."""
    return load_content(
        directory,
        required_questions=requirements.QUESTIONS,
        required_ui=UI_KEYS,
        card_placeholders=requirements.CARD_PLACEHOLDERS,
        required_card_titles=requirements.CARD_TITLES,
        required_card_phrases=requirements.CARD_PHRASES,
        required_plan_phrases=requirements.PLAN_PHRASES,
        required_report=requirements.REPORT_TEXTS,
    )


class Coach:
    """One coach per process: the content and the shared interview machine."""

    def __init__(self, content: Content, today: Callable[[], dt.date] = rome_today) -> None:
        self.content = content
        self.machine = InterviewMachine(content)
        self.today = today
        """The clock every plan is dated from: Rome's date, or a fixed day in tests."""
        self._readers: dict[tuple[str, tuple[str, ...]], ChoiceReader] = {}
        self.replies = TypedReplies(content)

    def build_card(
        self, answers: Answers, lang: Lang, made_on: dt.date | None = None
    ) -> StrategyCard:
        """Build a card for these answers, dated from today (or the day it was first made)."""
        return build_card(self.content, answers, lang, made_on or self.today())

    def new_interview(self, lang: Lang) -> Interview:
        """Start a new interview at the first question."""
        return self.machine.attach(Interview(lang))

    def resume(
        self,
        lang: Lang,
        state: str,
        answers: dict[str, AnswerValue],
        mistakes_shown: list[str],
        refusals: int = 0,
    ) -> Interview:
        """Rebuild a stored interview from its plain facts."""
        return self.machine.attach(Interview(lang, answers, mistakes_shown, refusals), state)

    def release(self, interview: Interview) -> None:
        """Detach an interview from the shared machine once it is stored."""
        self.machine.detach(interview)

    @contextmanager
    def opened(self, interview: Interview, state: str | None = None) -> Iterator[Interview]:
        """Attach the interview to the machine for one event; it is released however that ends."""
        self.machine.attach(interview, state)
        try:
            yield interview
        finally:
            self.machine.detach(interview)

    def current(self, interview: Interview) -> list[Output]:
        """Return what to show now: the current question, or the card."""
        if interview.state == CARD:
            return [self.card(interview)]
        return [self._question_view(interview)]

    def card(self, interview: Interview) -> CardView:
        """Build the card from the interview's answers."""
        return CardView(self.build_card(interview.answers, interview.lang))

    def answer_typed(self, interview: Interview, raw: str) -> list[Output]:
        """Take a typed answer: free text, or option numbers, names and amounts for a choice.

        An empty answer keeps the current one, if there is one.
        """
        if interview.state == CARD:
            return [self._notice(interview, "already_finished", is_error=False)]
        question = self.content.question(interview.state)
        if not raw.strip() and interview.answers.get(question.id) is not None:
            return self.keep(interview)
        if question.kind == "text":
            before = interview.answers.get(question.id)
            outcome = validate_text(question, raw)
            # A typed text is its own echo, unless it replaces an earlier answer.
            changes = isinstance(outcome, Accepted) and before not in (None, outcome.value)
            return self._apply(interview, question, outcome, echo=changes)
        options = self.content.options_of(question, interview.answers)
        reading = self._reader(question, options).read(raw)
        if isinstance(reading, Problem):
            return self._refuse(interview, question, reading, typed=True)
        if isinstance(reading, Unsure):
            return [self.replies.clarify(question, options, reading, interview.lang)]
        outcome = validate_choice(question, options, reading.option_ids)
        if isinstance(outcome, Problem):
            return self._refuse(interview, question, outcome, typed=True)
        return self._apply(interview, question, outcome, echo=True)

    def answer_options(
        self, interview: Interview, option_ids: list[str], *, echo: bool = False
    ) -> list[Output]:
        """Take an answer given as option ids (buttons, or a pick from a question back)."""
        if interview.state == CARD:
            return [self._notice(interview, "already_finished", is_error=False)]
        question = self.content.question(interview.state)
        if question.kind == "text":
            return [self._notice(interview, "error_stale_option"), *self.current(interview)]
        options = self.content.options_of(question, interview.answers)
        outcome = validate_choice(question, options, option_ids)
        return self._apply(interview, question, outcome, echo=echo)

    def keep(self, interview: Interview) -> list[Output]:
        """Keep the current question's answer and move on."""
        if interview.state == CARD:
            return [self._notice(interview, "already_finished", is_error=False)]
        question = self.content.question(interview.state)
        value = interview.answers.get(question.id)
        if value is None:
            return [self._notice(interview, "nothing_to_keep"), *self.current(interview)]
        return self._apply(interview, question, Accepted(value), echo=True)

    def skip(self, interview: Interview) -> list[Output]:
        """Skip the current question, unless the card needs it; an answer given stays."""
        if interview.state == CARD:
            return [self._notice(interview, "already_finished", is_error=False)]
        if interview.answers.get(interview.state) is not None:
            return self.keep(interview)
        if self.content.question(interview.state).required:
            return [self._notice(interview, "skip_refused"), *self.current(interview)]
        self.machine.skip(interview)
        return self.current(interview)

    def back(self, interview: Interview) -> list[Output]:
        """Go back to the previously asked question."""
        if not self.machine.back(interview):
            return [self._notice(interview, "back_at_start"), *self.current(interview)]
        return self.current(interview)

    def restart(self, interview: Interview) -> list[Output]:
        """Forget the answers and start again."""
        self.machine.restart(interview)
        return [self._notice(interview, "restarted", is_error=False), *self.current(interview)]

    def _apply(
        self,
        interview: Interview,
        question: Question,
        outcome: Accepted | Problem,
        *,
        echo: bool = False,
    ) -> list[Output]:
        if isinstance(outcome, Problem):
            return self._refuse(interview, question, outcome)
        notices: list[Output] = [
            self._problem(interview, question, n, False) for n in outcome.notices
        ]
        if echo:
            notices.insert(0, self.replies.echo(question, outcome.value, interview.lang))
        self.machine.answer(interview, outcome.value)
        return [
            *notices,
            *self._revealed_mistakes(interview, question.id),
            *self.current(interview),
        ]

    def _reader(self, question: Question, options: list[Option]) -> ChoiceReader:
        """Return the question's reader for these options, built once."""
        key = (question.id, tuple(option.id for option in options))
        if key not in self._readers:
            self._readers[key] = ChoiceReader(question, options, self.content.typing)
        return self._readers[key]

    def _refuse(
        self, interview: Interview, question: Question, problem: Problem, *, typed: bool = False
    ) -> list[Output]:
        """Say what was wrong, then ask again: a typed choice briefly, in full from its second."""
        notice = self._problem(interview, question, problem)
        view = self._question_view(interview)
        if not typed or question.kind == "text":
            return [notice, view]
        interview.refusals += 1
        if problem.key in EXAMPLED:
            options = self.content.options_of(question, interview.answers)
            hint = self.replies.examples(question, options, interview.lang)
            notice = Notice(notice.key, f"{notice.text} {hint}")
        if interview.refusals < FULL_AFTER_REFUSALS:
            view = replace(view, brief=True)
        return [notice, view]

    def _revealed_mistakes(self, interview: Interview, question_id: str) -> list[Output]:
        """Explain each mistake this very answer reveals, once per interview."""
        revealed: list[Output] = []
        for mistake in sorted(self.content.mistakes, key=lambda m: m.number):
            if mistake.id in interview.mistakes_shown:
                continue
            if question_id not in {q for q, _ in mistake.when.references()}:
                continue
            if holds(mistake.when, interview.answers):
                interview.mistakes_shown.append(mistake.id)
                revealed.append(
                    MistakeView(
                        id=mistake.id,
                        number=mistake.number,
                        title=mistake.title(interview.lang),
                        why=self._worded(interview, mistake, "why"),
                        fix=self._worded(interview, mistake, "fix"),
                    )
                )
        return revealed

    def _worded(self, interview: Interview, mistake: Mistake, field: Literal["why", "fix"]) -> str:
        text = mistake.worded(field, interview.answers)
        assert text is not None, "every mistake has its own why and fix"
        return self._fill(interview, text(interview.lang))

    def _question_view(self, interview: Interview) -> QuestionView:
        question = self.content.question(interview.state)
        step, total = self.machine.progress(interview)
        lang = interview.lang
        options = self.content.options_of(question, interview.answers)
        value = interview.answers.get(question.id)
        return QuestionView(
            id=question.id,
            kind=question.kind,
            prompt=question.prompt(lang),
            help=question.help(lang),
            choices=[Choice(option.id, option.label(lang)) for option in options],
            current=[] if question.kind == "text" else chosen(value),
            current_text=value if question.kind == "text" and isinstance(value, str) else None,
            step=step,
            total=total,
            required=question.required,
            exclusive=frozenset(option.id for option in options if option.exclusive),
        )

    def _problem(
        self, interview: Interview, question: Question, problem: Problem, is_error: bool = True
    ) -> Notice:
        values = dict(problem.values)
        if "option" in values:
            options = {o.id: o.label(interview.lang) for o in self.content.all_options_of(question)}
            options.update({o.id: o.label(interview.lang) for o in question.options})
            values["option"] = options.get(str(values["option"]), str(values["option"]))
        text = self.content.text(problem.key)(interview.lang).format(**values)
        return Notice(problem.key, text, is_error)

    def _notice(self, interview: Interview, key: UiKey, is_error: bool = True) -> Notice:
        return Notice(key, self.content.text(key)(interview.lang), is_error)

    def _fill(self, interview: Interview, template: str) -> str:
        return fill(template, self.content, interview.answers, interview.lang)

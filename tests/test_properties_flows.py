"""Random people typing random things: the interview never breaks, sticks or misstates progress.

A hypothesis state machine drives one interview through the framework-free coach with valid
answers, odd typed text (emoji, right-to-left, zero-width, huge), taps (stale ones too), skip,
back, restart and input after the card, and checks after every step what the coach promises:
nothing raises; the interview is never stuck (a known question that applies, with something to
choose, or the card); the card stays reachable from a copy; every stored answer belongs to a
question this path asks, among the options it offers, and has something visible in it; each
mistake is explained once; refused input changes nothing; and progress holds what it promises.

Progress, as `InterviewMachine.progress` computes it, promises:
- k = 1 + the number of questions before this one that apply to the answers given;
- n = k + the later questions not yet ruled out (a condition still undecided counts), so
  1 <= k <= n <= the number of questions;
- an accepted answer or a skip moves k up by exactly one, /back moves it down by exactly one,
  and /restart puts it back to 1;
- keeping the answers already given, the path from here to the card asks exactly n - k + 1
  questions once no later condition is undecided, and never more than that before;
- the last question before the card reads "n of n" (every condition in the content names a
  question that is always asked, so all are decided by then).
"""

from __future__ import annotations

import copy
import string
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import cache

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from flows.coach import Coach, load_checked_content
from flows.conditions import AnswerValue, chosen, holds
from flows.content import Question
from flows.i18n import LANGS, Lang
from flows.machine import CARD, Interview
from flows.outputs import (
    CardView,
    Choice,
    ClarifyView,
    Echo,
    MistakeView,
    Notice,
    Output,
    QuestionView,
)
from flows.render_text import render_markdown


@cache
def _coach() -> Coach:
    return Coach(load_checked_content())


QUESTIONS = _coach().content.questions
POSITION = {question.id: index for index, question in enumerate(QUESTIONS)}
FIRST = QUESTIONS[0].id
ALL_OPTION_IDS = sorted(
    {option.id for q in QUESTIONS for option in _coach().content.all_options_of(q)}
)

# Questions a later question's condition or options depend on.
BRANCHING = frozenset(
    {question_id for q in QUESTIONS if q.ask_if for question_id, _ in q.ask_if.references()}
    | {q.options_from for q in QUESTIONS if q.options_from}
)

TEXT_ERRORS = frozenset({"error_empty", "error_too_short"})
CHOICE_ERRORS = frozenset(
    {
        "error_empty_choice",
        "error_not_understood",
        "error_choice_too_long",
        "error_out_of_range",
        "error_only_one",
        "error_exclusive",
        "error_stale_option",
        "error_pick_one",
        "error_pick_some",
    }
)

# Characters that draw nothing although Unicode files some of them as letters or symbols:
# Hangul fillers and the blank Braille pattern are the usual way to send an "empty" message.
INVISIBLE = (
    "\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e\u034f\ufe0f\ufe00\u3164\u115f\u1160\uffa0"
    "\u2800\U000e0020\U000e0041"
)
BLANK_LETTERS = frozenset("\u115f\u1160\u3164\uffa0\u2800")


def draws_something(ch: str) -> bool:
    """Return True if the character shows on its own (not space, control, mark or filler)."""
    category = unicodedata.category(ch)
    return not (
        ch.isspace() or category[0] == "C" or category in ("Mn", "Me") or ch in BLANK_LETTERS
    )


# --- what a person sends --------------------------------------------------------------------


@dataclass(frozen=True)
class Move:
    """One input: option ids tapped, or text typed; `expected` is the answer it must store."""

    taps: list[str] | None = None
    typed: str | None = None
    expected: AnswerValue = None
    trims: bool = False


WORD = st.one_of(
    st.text(
        alphabet=st.sampled_from(
            [*string.ascii_letters, *string.digits, *"àèéìòùçñßøæœ日本語ピザ&'-☕🍕🥐"]
        ),
        min_size=1,
        max_size=15,
    ),
    st.sampled_from(["-", "--", "...", ",", ";:", "—"]),  # what trimming strips
)
PAD = st.sampled_from(["", " ", "  ", "\t", "\n", "\u200b", " \ufeff"])
SEPARATORS = st.sampled_from([",", ", ", ";", " ", " ,, ", "; ", "\n"])

_ODD_PIECES = st.one_of(
    st.text(max_size=20),
    st.text(
        alphabet=INVISIBLE
        + "\u202e\u202d\u200e\u200f\u0301\u2028\u2029\u00a0\u3000\t\n\r \x00\x1b",
        max_size=8,
    ),
    st.sampled_from(
        [
            "مرحبا بالعالم",
            "שלום עולם",
            "\u202eevil",
            "👨‍👩‍👧‍👦",
            "🏳️‍🌈",
            "🇮🇹",
            "☕️",
            "1",
            "2, 3",
            "0",
            "-1",
            "99",
            "1,,9",
            "1.5",
            "\uff11",  # fullwidth digit one
            "٣",
            "Instagram",
            "tiktok",
            "I don't know",
            "Non lo so",
            "<b>x</b>",
            "{offer}",
            "{0}",
            "%s",
            "- ",
            ". ",
        ]
    ),
    st.from_regex(r"[0-9 ,;]{1,10}", fullmatch=True),
)
ODD_TEXT = st.one_of(
    st.lists(_ODD_PIECES, max_size=5).map("".join),
    st.tuples(_ODD_PIECES, st.integers(50, 3000)).map(lambda pair: pair[0] * pair[1]),
)


def _cased(label: str, how: str) -> str:
    typed = {"upper": label.upper(), "lower": label.lower()}.get(how, label)
    return typed if typed.casefold() == label.casefold() else label


def valid_moves(question: Question, view: QuestionView) -> st.SearchStrategy[Move]:
    """Every kind of valid answer to the question shown: taps, numbers, labels, free text."""
    return _valid_moves(question.id, tuple(view.choices), view.exclusive)


def moves_or_skips(question: Question, view: QuestionView) -> st.SearchStrategy[Move | None]:
    """A valid answer, or a skip (None) where the question allows one."""
    return _moves_or_skips(question.id, tuple(view.choices), view.exclusive)


@cache  # building strategies is slow next to the coach; there are only a few distinct ones
def _moves_or_skips(
    question_id: str, choices: tuple[Choice, ...], exclusive: frozenset[str]
) -> st.SearchStrategy[Move | None]:
    moves: st.SearchStrategy[Move | None] = _valid_moves(question_id, choices, exclusive)
    return moves if _coach().content.question(question_id).required else st.one_of(moves, st.none())


@cache
def _valid_moves(
    question_id: str, choices: tuple[Choice, ...], exclusive: frozenset[str]
) -> st.SearchStrategy[Move]:
    question = _coach().content.question(question_id)
    if question.kind == "text":
        short = st.lists(WORD, min_size=1, max_size=12).map(" ".join)
        huge = st.tuples(short, st.integers(1, 400)).map(lambda p: " ".join([p[0]] * p[1]))

        def text_move(text: str) -> Move:
            text = text.ljust(question.min_length, "x")
            if len(text) > question.max_length:
                return Move(typed=text, trims=True)
            return Move(typed=text, expected=text)

        return st.one_of(short, huge).map(text_move)

    ids = [choice.id for choice in choices]
    labels = [choice.label for choice in choices]
    index = st.integers(0, len(ids) - 1)

    def as_answer(picked: Sequence[int]) -> AnswerValue:
        if question.kind == "single":
            return ids[picked[0]]
        return [ids[i] for i in sorted(set(picked))]

    by_label = st.tuples(index, st.sampled_from(["same", "upper", "lower"]), PAD, PAD).map(
        lambda t: Move(typed=t[2] + _cased(labels[t[0]], t[1]) + t[3], expected=as_answer([t[0]]))
    )
    if question.kind == "single":
        picks: st.SearchStrategy[list[int]] = index.map(lambda i: [i])
    else:
        alone = [i for i, choice_id in enumerate(ids) if choice_id in exclusive]
        plain = [i for i in range(len(ids)) if i not in alone]
        # Often several picks: they open the branches that follow a multi-choice answer.
        picks = st.lists(st.sampled_from(plain), min_size=1, max_size=len(plain), unique=True)
        picks = st.one_of(picks.filter(lambda p: len(p) > 1), picks, picks.map(lambda p: p + p))
        if alone:
            picks = st.one_of(picks, st.sampled_from(alone).map(lambda i: [i]))
    tapped = picks.map(lambda p: Move(taps=[ids[i] for i in p], expected=as_answer(p)))
    numbers = st.tuples(picks, SEPARATORS, PAD, PAD).map(
        lambda t: Move(
            typed=t[2] + t[1].join(str(i + 1) for i in t[0]) + t[3], expected=as_answer(t[0])
        )
    )
    return st.one_of(tapped, numbers, by_label)


def send(coach: Coach, interview: Interview, move: Move | None) -> list[Output]:
    """Apply one move (None is /skip) and return what the coach shows."""
    if move is None:
        return list(coach.skip(interview))
    if move.taps is not None:
        return list(coach.answer_options(interview, move.taps))
    assert move.typed is not None
    outputs = list(coach.answer_typed(interview, move.typed))
    asked = outputs[-1]
    if isinstance(asked, ClarifyView):
        # A number that is also an amount ("1" on hours) is asked back: the person meant the
        # option's number, and settles it with one more tap, as on Telegram.
        assert any(ch.isdecimal() for ch in move.typed) and len(outputs) == 1, outputs
        meant = next(c.id for c in asked.choices if c.id == move.expected)
        return list(coach.answer_options(interview, [*asked.sure, meant], echo=True))
    return outputs


# --- checks shared by the machine and the replays --------------------------------------------


def question_view(outputs: Sequence[Output]) -> QuestionView:
    last = outputs[-1]
    assert isinstance(last, QuestionView), f"expected a question, got {last!r}"
    return last


def check_moved_on(interview: Interview, before: QuestionView, outputs: Sequence[Output]) -> None:
    """An accepted answer or skip: one question on (the next that applies), or the card."""
    *extra, last = outputs
    for output in extra:
        assert (
            isinstance(output, MistakeView)
            or (isinstance(output, Notice) and not output.is_error)
            or (isinstance(output, Echo) and output.question_id == before.id)
        ), output
    if isinstance(last, CardView):
        assert interview.state == CARD
        assert before.step == before.total, "the last question reads 'n of n'"
        skipped_over = QUESTIONS[POSITION[before.id] + 1 :]
    else:
        assert isinstance(last, QuestionView) and last.id == interview.state
        assert POSITION[last.id] > POSITION[before.id]
        assert last.step == before.step + 1, (before.step, last.step)
        skipped_over = QUESTIONS[POSITION[before.id] + 1 : POSITION[last.id]]
    for question in skipped_over:
        assert not holds(question.ask_if, interview.answers), f"{question.id} was passed over"


def check_stored(interview: Interview, before: QuestionView, move: Move | None) -> None:
    """The answer just taken is stored as given (trimmed when too long)."""
    value = interview.answers[before.id]
    if move is None:  # a skip keeps an answer given before, if any
        given: AnswerValue = before.current_text or (
            before.current[:1] if before.kind == "single" else before.current
        )
        if isinstance(given, list) and before.kind == "single":
            given = given[0] if given else None
        assert value == (given or None), (value, given)
    elif move.trims:
        assert move.typed is not None and isinstance(value, str)
        question = _coach().content.question(before.id)
        assert len(value) <= question.max_length and value.endswith("…")
        assert move.typed.startswith(value[:-1])
    else:
        assert value == move.expected, (value, move)


def check_answers(coach: Coach, interview: Interview) -> None:
    """Every stored answer belongs to a question this path asks, and is well formed."""
    answers = interview.answers
    assert coach.machine.applicable_answers(answers) == answers
    for question_id, value in answers.items():
        question = coach.content.question(question_id)
        if value is None:
            assert not question.required
        elif question.kind == "text":
            assert isinstance(value, str)
            assert question.min_length <= len(value) <= question.max_length
            assert value == value.strip() and "  " not in value
            assert all(unicodedata.category(ch)[0] != "C" for ch in value)
            assert any(draws_something(ch) for ch in value)
        else:
            offered = {o.id for o in coach.content.options_of(question, answers)}
            picked = chosen(value)
            assert picked and set(picked) <= offered, (question_id, value, offered)
            assert isinstance(value, str) == (question.kind == "single")
            assert len(set(picked)) == len(picked)
            exclusive = {o.id for o in coach.content.all_options_of(question) if o.exclusive}
            assert len(picked) == 1 or not set(picked) & exclusive


def finish(
    coach: Coach, interview: Interview, pick: Callable[[Question, QuestionView], Move | None]
) -> list[QuestionView]:
    """Answer a copy of the interview with `pick` up to the card; return the questions asked."""
    replica = coach.resume(
        interview.lang,
        interview.state,
        copy.deepcopy(interview.answers),
        list(interview.mistakes_shown),
    )
    try:
        asked: list[QuestionView] = []
        limit = len(QUESTIONS) - POSITION.get(interview.state, len(QUESTIONS))
        outputs = list(coach.current(replica))
        while not replica.finished:
            assert len(asked) < limit, "the card is out of reach"
            view = question_view(outputs)
            move = pick(coach.content.question(view.id), view)
            outputs = send(coach, replica, move)
            assert not any(isinstance(o, Notice) and o.is_error for o in outputs), outputs
            check_moved_on(replica, view, outputs)
            check_stored(replica, view, move)
            check_answers(coach, replica)
            asked.append(view)
        assert isinstance(outputs[-1], CardView)
        return asked
    finally:
        coach.release(replica)


def path_length(coach: Coach, interview: Interview) -> int:
    """Count the questions left to the card, keeping the answers given, on a copy.

    The machine alone is enough here (and much faster than the coach, which builds the card).
    """
    replica = coach.resume(interview.lang, interview.state, copy.deepcopy(interview.answers), [])
    try:
        count, limit = 0, len(QUESTIONS) - POSITION[interview.state]
        while not replica.finished:
            assert count < limit, "the card is out of reach"
            question = coach.content.question(replica.state)
            if question.id in replica.answers:
                value = replica.answers[question.id]
            elif question.kind == "text":
                value = "ok".ljust(question.min_length, "k")
            else:
                options = coach.content.options_of(question, replica.answers)
                first = next(option.id for option in options if not option.exclusive)
                value = first if question.kind == "single" else [first]
            coach.machine.answer(replica, value)
            count += 1
        return count
    finally:
        coach.release(replica)


# --- the machine ----------------------------------------------------------------------------

Facts = tuple[str, dict[str, AnswerValue], list[str]]


class InterviewProperties(RuleBasedStateMachine):
    """One interview, driven by a random person; the model is the facts before each step."""

    def __init__(self) -> None:
        super().__init__()
        self.coach = _coach()
        self.interview = self.coach.new_interview("en")
        self.explained: list[str] = []  # mistakes explained since the start or the last restart

    @initialize(lang=st.sampled_from(LANGS), data=st.data())
    def start(self, lang: Lang, data: st.DataObject) -> None:
        """Start in either language, some way into the interview so late questions get tried."""
        self.coach.release(self.interview)
        self.interview = self.coach.new_interview(lang)
        self.fast_forward(data)

    def fast_forward(self, data: st.DataObject) -> None:
        """Answer a random number of questions validly, as a person in a hurry would."""
        ahead = data.draw(st.sampled_from(range(len(QUESTIONS) + 1)), label="ahead")
        for _ in range(ahead):
            if self.interview.finished:
                break
            view = self.view()
            move = data.draw(moves_or_skips(self.question(), view), label=view.id)
            self.moved_on(view, send(self.coach, self.interview, move), move)

    def teardown(self) -> None:
        self.coach.release(self.interview)

    # helpers

    def facts(self) -> Facts:
        interview = self.interview
        return interview.state, copy.deepcopy(interview.answers), list(interview.mistakes_shown)

    def view(self) -> QuestionView:
        return question_view(self.coach.current(self.interview))

    def question(self) -> Question:
        return self.coach.content.question(self.interview.state)

    def refused(
        self, facts: Facts, view: QuestionView, outputs: Sequence[Output], keys: frozenset[str]
    ) -> Notice:
        """Nothing changed: an error notice, then the same question again."""
        assert len(outputs) == 2, outputs
        notice, again = outputs
        assert isinstance(notice, Notice) and notice.is_error and notice.key in keys, notice
        assert notice.text.strip()
        # Right after a typed answer was not understood the question comes back brief.
        assert isinstance(again, QuestionView) and replace(again, brief=False) == view
        assert self.facts() == facts
        return notice

    def moved_on(
        self, view: QuestionView, outputs: Sequence[Output], move: Move | None, known: bool = True
    ) -> None:
        """One question on; `known`: the move says what must be stored."""
        check_moved_on(self.interview, view, outputs)
        if known:
            check_stored(self.interview, view, move)
        for output in outputs:
            if isinstance(output, MistakeView):
                assert output.id not in self.explained, f"{output.id} explained twice"
                self.explained.append(output.id)

    # rules

    @precondition(lambda self: not self.interview.finished)
    @rule(data=st.data())
    def answer(self, data: st.DataObject) -> None:
        view = self.view()
        move = data.draw(valid_moves(self.question(), view), label="move")
        outputs = send(self.coach, self.interview, move)
        self.moved_on(view, outputs, move)
        assert any(isinstance(o, Notice) and o.key == "notice_trimmed" for o in outputs) == (
            move.trims
        )

    @precondition(lambda self: not self.interview.finished)
    @rule(typed=ODD_TEXT)
    def type_anything(self, typed: str) -> None:
        question, view, facts = self.question(), self.view(), self.facts()
        outputs = list(self.coach.answer_typed(self.interview, typed))
        visible = sum(draws_something(ch) for ch in typed)
        first = outputs[0]
        if isinstance(outputs[-1], ClarifyView):  # read two ways: asked back, nothing stored
            assert len(outputs) == 1 and self.facts() == facts
            assert {c.id for c in outputs[-1].choices} <= {c.id for c in view.choices}
            return
        if not typed.strip() and (view.current or view.current_text):  # an empty line keeps it
            assert isinstance(first, Echo) and first.question_id == view.id
            self.moved_on(view, outputs, None)
            return
        if isinstance(first, Notice) and first.is_error:
            keys = TEXT_ERRORS if question.kind == "text" else CHOICE_ERRORS
            notice = self.refused(facts, view, outputs, keys)
            if question.kind == "text":
                assert visible < question.min_length, f"{typed[:80]!r} was refused"
            if not visible:
                empty = "error_empty" if question.kind == "text" else "error_empty_choice"
                assert notice.key == empty
        else:
            assert visible, f"{typed[:80]!r}… draws nothing, yet it was taken as an answer"
            self.moved_on(view, outputs, Move(typed=typed), known=False)

    @precondition(lambda self: not self.interview.finished)
    @rule(data=st.data())
    def tap(self, data: st.DataObject) -> None:
        question, view, facts = self.question(), self.view(), self.facts()
        shown = [choice.id for choice in view.choices]
        pool = st.sampled_from(ALL_OPTION_IDS)
        if shown:
            pool = st.one_of(st.sampled_from(shown), pool)
        taps = data.draw(st.lists(pool, max_size=4), label="taps")
        unique = set(taps)
        if question.kind == "text" or not unique <= set(shown):
            key = "error_stale_option"
        elif not unique:
            key = "error_pick_one" if question.kind == "single" else "error_pick_some"
        elif question.kind == "single" and len(unique) > 1:
            key = "error_only_one"
        elif question.kind == "multi" and len(unique) > 1 and unique & view.exclusive:
            key = "error_exclusive"
        else:
            expected = taps[0] if question.kind == "single" else [i for i in shown if i in unique]
            move = Move(taps=taps, expected=expected)
            self.moved_on(view, send(self.coach, self.interview, move), move)
            return
        outputs = list(self.coach.answer_options(self.interview, taps))
        self.refused(facts, view, outputs, frozenset({key}))

    @precondition(lambda self: not self.interview.finished)
    @rule()
    def skip(self) -> None:
        question, view, facts = self.question(), self.view(), self.facts()
        outputs = list(self.coach.skip(self.interview))
        if question.required and not (view.current or view.current_text):
            self.refused(facts, view, outputs, frozenset({"skip_refused"}))
        else:
            self.moved_on(view, outputs, None)

    @rule()
    def back(self) -> None:
        facts = self.facts()
        if self.interview.state == FIRST:
            self.refused(
                facts, self.view(), self.coach.back(self.interview), frozenset({"back_at_start"})
            )
            return
        came_from = self.interview.state
        before = None if self.interview.finished else self.view()
        outputs = list(self.coach.back(self.interview))
        assert len(outputs) == 1
        view = question_view(outputs)
        assert self.facts()[1:] == facts[1:], "/back changes no answer"
        assert view.id == self.interview.state and POSITION[view.id] < POSITION.get(
            came_from, len(QUESTIONS)
        )
        for question in QUESTIONS[POSITION[view.id] + 1 : POSITION.get(came_from)]:
            assert not holds(question.ask_if, self.interview.answers), f"{question.id} applies"
        if before is None:
            assert view.step == view.total
        else:
            assert view.step == before.step - 1

    @precondition(lambda self: self.interview.state != FIRST)
    @rule(data=st.data())
    def revise(self, data: st.DataObject) -> None:
        """Go back to an earlier question and answer anew: where stale answers would hide."""
        asked = [
            q.id
            for q in QUESTIONS[: POSITION.get(self.interview.state, len(QUESTIONS))]
            if holds(q.ask_if, self.interview.answers)
        ]
        # Mostly a question others depend on: changing it opens or closes a branch.
        branching = [question_id for question_id in asked if question_id in BRANCHING]
        targets = st.sampled_from(asked)
        if branching:
            targets = st.one_of(st.sampled_from(branching), targets)
        target = data.draw(targets, label="back to")
        while self.interview.state != target:
            self.back()
        self.answer(data)

    @rule(data=st.data())
    def restart(self, data: st.DataObject) -> None:
        outputs = list(self.coach.restart(self.interview))
        assert len(outputs) == 2
        notice, view = outputs[0], question_view(outputs)
        assert isinstance(notice, Notice) and notice.key == "restarted" and not notice.is_error
        assert (view.id, view.step) == (FIRST, 1)
        assert self.interview.answers == {} and self.interview.mistakes_shown == []
        self.explained = []
        self.fast_forward(data)  # else most steps would be spent on the first questions

    @precondition(lambda self: self.interview.finished)
    @rule(data=st.data())
    def after_the_card(self, data: st.DataObject) -> None:
        facts = self.facts()
        action = data.draw(st.sampled_from(["typed", "tap", "skip"]), label="action")
        if action == "typed":
            outputs = list(self.coach.answer_typed(self.interview, data.draw(ODD_TEXT)))
        elif action == "tap":
            taps = data.draw(st.lists(st.sampled_from(ALL_OPTION_IDS), max_size=3))
            outputs = list(self.coach.answer_options(self.interview, taps))
        else:
            outputs = list(self.coach.skip(self.interview))
        assert len(outputs) == 1
        notice = outputs[0]
        assert isinstance(notice, Notice) and notice.key == "already_finished"
        assert not notice.is_error
        assert self.facts() == facts

    @precondition(lambda self: not self.interview.finished)
    @rule(data=st.data())
    def card_is_reachable(self, data: st.DataObject) -> None:
        facts = self.facts()
        finish(
            self.coach,
            self.interview,
            lambda question, view: data.draw(moves_or_skips(question, view), label=view.id),
        )
        assert self.facts() == facts, "the replay worked on a copy"

    # invariants

    @invariant()
    def never_stuck(self) -> None:
        interview = self.interview
        assert interview.state in POSITION or interview.state == CARD
        outputs = list(self.coach.current(interview))
        assert len(outputs) == 1
        if interview.finished:
            assert isinstance(outputs[0], CardView)
            assert render_markdown(outputs[0].card).strip()
            return
        view = question_view(outputs)
        assert view.id == interview.state
        question = self.question()
        assert holds(question.ask_if, interview.answers), "the question shown applies"
        if question.kind != "text":
            assert view.choices, "a choice question offers something to choose"

    @invariant()
    def progress_is_consistent(self) -> None:
        if self.interview.finished:
            return
        view = self.view()
        assert 1 <= view.step <= view.total <= len(QUESTIONS)
        remaining = path_length(self.coach, self.interview)
        undecided = any(
            q.ask_if is not None and q.ask_if.evaluate(self.interview.answers) is None
            for q in QUESTIONS[POSITION[view.id] + 1 :]
        )
        if undecided:
            assert view.step - 1 + remaining <= view.total
        else:
            assert view.step - 1 + remaining == view.total

    @invariant()
    def view_shows_the_stored_answer(self) -> None:
        if self.interview.finished:
            return
        view = self.view()
        value = self.interview.answers.get(view.id)
        if view.kind == "text":
            assert view.current == [] and view.current_text == value
        else:
            assert view.current == chosen(value)
            assert set(view.current) <= {choice.id for choice in view.choices}, (
                "the answer shown is one of the options offered"
            )

    @invariant()
    def answers_belong_to_this_path(self) -> None:
        check_answers(self.coach, self.interview)

    @invariant()
    def each_mistake_is_explained_once(self) -> None:
        assert self.interview.mistakes_shown == self.explained


InterviewProperties.TestCase.settings = settings(
    max_examples=150, stateful_step_count=40, deadline=None, database=None
)
TestInterviewProperties = InterviewProperties.TestCase


# --- regression examples ----------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize(
    "typed", ["\u200b\u200b", "\u2060", "\ufeff", "\u3164\u3164", "\u2800 \u2800", "\ufe0f\u034f"]
)
def test_an_answer_that_draws_nothing_is_asked_again(lang: Lang, typed: str) -> None:
    coach = _coach()
    interview = coach.new_interview(lang)
    try:
        notice, question = coach.answer_typed(interview, typed)
        assert isinstance(notice, Notice) and notice.key == "error_empty_choice"
        coach.answer_typed(interview, "2")
        notice, question = coach.answer_typed(interview, typed)
        assert isinstance(notice, Notice) and notice.key == "error_empty"
        assert isinstance(question, QuestionView) and question.id == "offer"
        assert interview.answers == {"business_type": "food"}
        coach.answer_typed(interview, "\u3164Caffè ☕️\u200b")
        assert interview.answers["offer"] == "\u3164Caffè ☕️"
    finally:
        coach.release(interview)


@pytest.mark.parametrize(
    ("typed", "key", "shown"),
    [
        ("²", "error_not_understood", None),  # a digit to isdigit(), not to int()
        ("1, ³", "error_not_understood", None),
        ("0" * 4400, "error_out_of_range", "00000…"),  # more digits than int() reads
        ("9" * 5000 + ",1", "error_out_of_range", "99999…"),
        ("9" * 4000, "error_out_of_range", "99999…"),  # would not fit a Telegram message
    ],
)
def test_odd_numbers_are_refused_not_crashed_on(typed: str, key: str, shown: str | None) -> None:
    coach = _coach()
    interview = coach.new_interview("en")
    try:
        notice, question = coach.answer_typed(interview, typed)
        assert isinstance(notice, Notice) and notice.key == key and len(notice.text) < 400
        assert shown is None or shown in notice.text
        assert isinstance(question, QuestionView) and interview.answers == {}
    finally:
        coach.release(interview)


def test_a_favourite_network_no_longer_picked_is_forgotten() -> None:
    coach = _coach()
    interview = coach.new_interview("en")
    try:
        for typed in ("2", "Pizza", "2", "2", "3", "1"):
            coach.answer_typed(interview, typed)
        coach.answer_options(interview, ["instagram", "facebook"])
        coach.answer_options(interview, ["instagram"])
        coach.back(interview)
        coach.back(interview)
        view = question_view(coach.answer_options(interview, ["facebook", "tiktok"]))
        assert view.id == "preferred_network" and view.current == []
        assert "preferred_network" not in interview.answers
        coach.answer_options(interview, ["facebook"])
        coach.back(interview)
        coach.back(interview)
        view = question_view(coach.answer_options(interview, ["facebook", "youtube"]))
        assert view.current == ["facebook"], "a favourite still offered is kept"
    finally:
        coach.release(interview)


@pytest.mark.parametrize("typed", ["- " * 100, "." * 300, "-,;:" * 60])
def test_a_long_answer_of_punctuation_is_trimmed_not_emptied(typed: str) -> None:
    coach = _coach()
    interview = coach.new_interview("it")
    try:
        coach.answer_typed(interview, "2")
        notice, _ = coach.answer_typed(interview, typed)
        assert isinstance(notice, Notice) and notice.key == "notice_trimmed"
        kept = interview.answers["offer"]
        assert isinstance(kept, str) and kept.endswith("…") and kept != "…"
        assert typed.startswith(kept[:-1]) and len(kept) <= 120
    finally:
        coach.release(interview)

"""Content models: the questions, the mistakes, the cases and the whole validated content."""

from __future__ import annotations

from typing import Literal, cast

from pydantic import BaseModel, Field, field_validator, model_validator

from flows.conditions import Answers, AnswerValue, Condition, holds
from flows.content_ids import Id
from flows.content_plan import CardContent, Occasion, PlanContent, Platform, Playbook, Trade
from flows.i18n import LANGS, StrictModel, Text
from flows.typed_words import Range, TypingWords, Words
from flows.ui_keys import UiKey


class Option(StrictModel):
    """One choice of a question."""

    id: Id
    label: Text
    short: Text | None = None
    exclusive: bool = False
    value: float | None = None
    words: Words = Words()
    """What people type for this option besides its label, in either language."""
    range: Range | None = None
    """The amounts it stands for, in its question's unit ("2 ore" is 1–3 hours)."""


class Question(StrictModel):
    """One planning question."""

    id: Id
    kind: Literal["single", "multi", "text"]
    prompt: Text
    help: Text
    options: list[Option] = []
    options_from: Id | None = None
    ask_if: Condition | None = None
    required: bool = False
    min_length: int = Field(default=2, ge=1)
    max_length: int = Field(default=120, ge=1)
    place: bool = False
    """A typed place name: title-cased in sentences when typed all in lower case."""
    unit: Id | None = None
    """The unit of its options' ranges (see typing.yaml), for answers typed as amounts."""

    @model_validator(mode="after")
    def _options_fit_kind(self) -> Question:
        if self.kind == "text" and (self.options or self.options_from):
            raise ValueError("a text question has no options")
        if self.kind != "text" and not self.options and not self.options_from:
            raise ValueError(f"a {self.kind} question needs options or options_from")
        if self.options and self.options_from:
            raise ValueError("give either options or options_from, not both")
        return self


class MistakeVariant(StrictModel):
    """A mistake worded for the answers in `when` (for example, someone who has not started)."""

    when: Condition
    why: Text | None = None
    fix: Text | None = None
    card_fix: Text | None = None

    @model_validator(mode="after")
    def _words_something(self) -> MistakeVariant:
        if self.why is None and self.fix is None and self.card_fix is None:
            raise ValueError("a variant words at least one of why, fix, card_fix")
        return self


class Mistake(StrictModel):
    """One of the six common mistakes, and the answers that reveal it."""

    id: Id
    number: int = Field(ge=1, le=6)
    title: Text
    why: Text
    fix: Text
    card_fix: Text | None = None
    """What the card says instead of `fix`, once the plan it refers to exists."""
    variants: list[MistakeVariant] = []
    """Wordings for where the person stands; each field comes from the first that holds."""
    when: Condition

    def worded(self, field: Literal["why", "fix", "card_fix"], answers: Answers) -> Text | None:
        """Return the first holding variant's wording of `field`, or the mistake's own."""
        for variant in self.variants:
            text = getattr(variant, field)
            if text is not None and holds(variant.when, answers):
                return cast(Text, text)
        return cast(Text | None, getattr(self, field))


MAX_BRIEF_LENGTH = 600
"""A case brief fits one phone screen: at most this many characters per language."""


class Case(StrictModel):
    """A ready case study a teacher can give a class instead of the students' own businesses."""

    id: Id
    title: Text
    brief: Text

    @field_validator("brief")
    @classmethod
    def _fits_a_screen(cls, brief: Text) -> Text:
        for lang in LANGS:
            if len(brief(lang)) > MAX_BRIEF_LENGTH:
                raise ValueError(f"the {lang} brief is longer than {MAX_BRIEF_LENGTH} characters")
        return brief


class Content(BaseModel):
    """Everything the coach says and knows, validated."""

    questions: list[Question]
    mistakes: list[Mistake]
    platforms: list[Platform]
    card: CardContent
    ui: dict[str, Text]
    cases: list[Case] = []
    report: dict[str, Text] = {}
    trades: dict[Id, Trade] = {}
    occasions: list[Occasion] = []
    plan: PlanContent | None = None
    playbooks: list[Playbook] = []
    typing: TypingWords = TypingWords()

    def question(self, question_id: str) -> Question:
        """Return the question with this id."""
        return self._questions_by_id()[question_id]

    def options_of(self, question: Question, answers: dict[str, AnswerValue]) -> list[Option]:
        """Return the options offered for `question` given the answers so far."""
        if question.options_from is None:
            return question.options
        source = self.question(question.options_from)
        picked = answers.get(source.id)
        picked_ids = [picked] if isinstance(picked, str) else list(picked or [])
        return [option for option in source.options if option.id in picked_ids]

    def all_options_of(self, question: Question) -> list[Option]:
        """Return every option a question may ever offer."""
        if question.options_from is None:
            return question.options
        return [o for o in self.question(question.options_from).options if not o.exclusive]

    def platform(self, platform_id: str) -> Platform | None:
        """Return the platform profile with this id, if any."""
        return next((p for p in self.platforms if p.id == platform_id), None)

    def text(self, key: UiKey) -> Text:
        """Return a UI string (mypy checks the key against content/ui.yaml)."""
        return self.ui[key]

    def case(self, case_id: str) -> Case | None:
        """Return the case study with this id, if any."""
        return next((case for case in self.cases if case.id == case_id), None)

    def trade_id(self, business_type: str | None) -> str:
        """Return the trade to plan for: the business's own, the first one when unknown."""
        return business_type if business_type in self.trades else next(iter(self.trades))

    def trade(self, business_type: str | None) -> Trade:
        """Return the trade's pillars and ideas; the first trade when the type is unknown."""
        return self.trades[self.trade_id(business_type)]

    @property
    def editorial(self) -> PlanContent:
        """Return the calendar's texts (always loaded; typed apart for older test content)."""
        if self.plan is None:
            raise ContentError("plan.yaml", "(file)", "missing")
        return self.plan

    def _questions_by_id(self) -> dict[str, Question]:
        return {question.id: question for question in self.questions}


class ContentError(Exception):
    """Content that cannot be used; the message names the file and the key."""

    def __init__(self, file: str, key: str, problem: str) -> None:
        super().__init__(f"{file}: {key}: {problem}")
        self.file = file
        self.key = key
        self.problem = problem


FILES = {
    "questions": "questions.yaml",
    "mistakes": "mistakes.yaml",
    "platforms": "platforms.yaml",
    "card": "card.yaml",
    "ui": "ui.yaml",
    "cases": "cases.yaml",
    "report": "report.yaml",
    "plan": "plan.yaml",
    "dates": "dates.yaml",
    "playbooks": "playbooks.yaml",
    "typing": "typing.yaml",
}
TRADES_DIR = "trades"
"""One file per option of the question `business_type`: trades/<option id>.yaml."""

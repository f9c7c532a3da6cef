"""What the coach shows, for any front end to render: questions, notices, mistakes, the card."""

from __future__ import annotations

from dataclasses import dataclass, field

from flows.card import StrategyCard
from flows.ui_keys import UiKey


@dataclass(frozen=True)
class Choice:
    """An option as shown: its stable id and its label in the user's language."""

    id: str
    label: str


@dataclass(frozen=True)
class QuestionView:
    """A question to ask now, with its progress and any answer already given."""

    id: str
    kind: str
    prompt: str
    help: str
    choices: list[Choice]
    current: list[str]
    current_text: str | None
    step: int
    total: int
    required: bool
    exclusive: frozenset[str] = field(default_factory=frozenset)
    brief: bool = False
    """Asked again right after an answer was not understood: the prompt alone, no option list."""

    @property
    def given(self) -> str:
        """Return the answer already given, in words ("" when there is none)."""
        labels = {choice.id: choice.label for choice in self.choices}
        picked = ", ".join(labels.get(option_id, option_id) for option_id in self.current)
        return self.current_text or picked


@dataclass(frozen=True)
class MistakeView:
    """A common mistake just revealed by an answer, explained for this business."""

    id: str
    number: int
    title: str
    why: str
    fix: str


@dataclass(frozen=True)
class Notice:
    """A short message: an error to fix, or information."""

    key: UiKey
    text: str
    is_error: bool = True


@dataclass(frozen=True)
class Echo:
    """The answer a typed text was taken to mean, shown so a misreading is seen at once."""

    question_id: str
    prompt: str
    answer: str


@dataclass(frozen=True)
class ClarifyView:
    """A question back when a typed answer reads two ways; one tap or number settles it.

    Each choice's id is the option it means; `sure` is the rest of a list, already understood.
    """

    question_id: str
    kind: str
    text: str
    choices: list[Choice]
    sure: list[str]


@dataclass(frozen=True)
class CardView:
    """The finished strategy card."""

    card: StrategyCard


Output = Notice | Echo | ClarifyView | MistakeView | QuestionView | CardView

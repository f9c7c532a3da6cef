"""Conditions on answers, declared in content and evaluated as named guards."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Annotated, TypeAlias

from pydantic import Field

from flows.i18n import StrictModel

AnswerValue: TypeAlias = str | list[str] | None
"""An option id (single), option ids (multi), free text (text), or None when skipped."""

Answers: TypeAlias = Mapping[str, AnswerValue]


def chosen(value: AnswerValue) -> list[str]:
    """Return the option ids held by an answer (none for a skipped answer)."""
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


class AnswerIn(StrictModel):
    """True when the answer to `answer` holds at least one of the listed options."""

    answer: str
    in_: list[str] = Field(alias="in", min_length=1)

    def evaluate(self, answers: Answers) -> bool | None:
        """Evaluate; None while the question is unanswered."""
        if self.answer not in answers:
            return None
        return any(option in self.in_ for option in chosen(answers[self.answer]))

    def references(self) -> Iterator[tuple[str, list[str]]]:
        """Yield (question id, option ids) this condition refers to."""
        yield self.answer, self.in_


class AnswerNotIn(StrictModel):
    """True when the answer to `answer` holds none of the listed options."""

    answer: str
    not_in: list[str] = Field(min_length=1)

    def evaluate(self, answers: Answers) -> bool | None:
        """Evaluate; None while the question is unanswered."""
        if self.answer not in answers:
            return None
        return not any(option in self.not_in for option in chosen(answers[self.answer]))

    def references(self) -> Iterator[tuple[str, list[str]]]:
        """Yield (question id, option ids) this condition refers to."""
        yield self.answer, self.not_in


class CountAtLeast(StrictModel):
    """True when the answer to `answer` holds at least `count_at_least` options."""

    answer: str
    count_at_least: int = Field(ge=1)

    def evaluate(self, answers: Answers) -> bool | None:
        """Evaluate; None while the question is unanswered."""
        if self.answer not in answers:
            return None
        return len(chosen(answers[self.answer])) >= self.count_at_least

    def references(self) -> Iterator[tuple[str, list[str]]]:
        """Yield (question id, option ids) this condition refers to."""
        yield self.answer, []


class AllOf(StrictModel):
    """True when every inner condition holds."""

    all: list[Condition] = Field(min_length=1)

    def evaluate(self, answers: Answers) -> bool | None:
        """Evaluate; None when no inner condition is false but some are still unknown."""
        results = [condition.evaluate(answers) for condition in self.all]
        if False in results:
            return False
        return None if None in results else True

    def references(self) -> Iterator[tuple[str, list[str]]]:
        """Yield (question id, option ids) this condition refers to."""
        for condition in self.all:
            yield from condition.references()


class AnyOf(StrictModel):
    """True when at least one inner condition holds."""

    any: list[Condition] = Field(min_length=1)

    def evaluate(self, answers: Answers) -> bool | None:
        """Evaluate; None when no inner condition is true but some are still unknown."""
        results = [condition.evaluate(answers) for condition in self.any]
        if True in results:
            return True
        return None if None in results else False

    def references(self) -> Iterator[tuple[str, list[str]]]:
        """Yield (question id, option ids) this condition refers to."""
        for condition in self.any:
            yield from condition.references()


Condition: TypeAlias = Annotated[
    AnswerIn | AnswerNotIn | CountAtLeast | AllOf | AnyOf, Field(union_mode="left_to_right")
]

AllOf.model_rebuild()
AnyOf.model_rebuild()


def holds(condition: Condition | None, answers: Answers) -> bool:
    """Return True only when the condition is known to hold (no condition always holds)."""
    return condition is None or condition.evaluate(answers) is True

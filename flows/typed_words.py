"""Content models for reading typed answers: synonyms, value ranges, units and list words."""

from __future__ import annotations

from typing import Annotated

from pydantic import ConfigDict, Field, model_validator

from flows.i18n import StrictModel, Text

Word = Annotated[str, Field(min_length=1, max_length=60)]


class Words(StrictModel):
    """Words in each language; typed in either language, they mean the same."""

    it: list[Word] = []
    en: list[Word] = []

    def every(self) -> list[str]:
        """Return the words of every language."""
        return [*self.it, *self.en]


class Range(StrictModel):
    """The values an option stands for in its question's unit: from/to hold, above/below do not."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    from_: float | None = Field(default=None, alias="from")
    to: float | None = None
    above: float | None = None
    below: float | None = None

    @model_validator(mode="after")
    def _one_bound_a_side(self) -> Range:
        if self.from_ is not None and self.above is not None:
            raise ValueError("give either from or above, not both")
        if self.to is not None and self.below is not None:
            raise ValueError("give either to or below, not both")
        if all(bound is None for bound in (self.from_, self.to, self.above, self.below)):
            raise ValueError("a range needs at least one bound")
        return self

    def overlap(self, low: float, high: float) -> float:
        """Return how much of [low, high] lies in the range."""
        floor = self.from_ if self.from_ is not None else self.above
        ceiling = self.to if self.to is not None else self.below
        start = low if floor is None else max(low, floor)
        end = high if ceiling is None else min(high, ceiling)
        return max(0.0, end - start)

    def holds(self, value: float) -> bool:
        """Return True if the value lies in the range."""
        return (
            (self.from_ is None or value >= self.from_)
            and (self.above is None or value > self.above)
            and (self.to is None or value <= self.to)
            and (self.below is None or value < self.below)
        )


class Unit(StrictModel):
    """A unit typed after a number ("2 ore", "50 €"), and how a bare number is read."""

    id: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]
    words: Words
    shown: Text
    """How an amount is said back, around "{amount}" ("{amount} ore a settimana")."""
    shown_one: Text | None = None
    """The same for exactly one ("1 ora a settimana"), where the language says it otherwise."""
    bare: bool = False
    """A bare number may mean this unit even where it is also an option's number ("5" hours)."""


class TypingWords(StrictModel):
    """The words that shape a typed answer, in both languages."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    units: list[Unit] = []
    below: Words = Words()
    """Before a number: under it ("meno di 100", "under 25")."""
    above: Words = Words()
    """Before a number: over it ("più di 10", "over 55")."""
    or_more: Words = Words()
    """After a number: it or more ("10 o più", "10 or more")."""
    between: Words = Words()
    """Between two numbers of a range ("da 2 a 3", "2 to 3"), besides a dash."""
    all: Words = Words()
    """Every option of a multiple choice ("tutti")."""
    except_: Words = Field(default=Words(), alias="except")
    """After "all": the options to leave out ("tutti tranne TikTok")."""
    joiners: Words = Words()
    """Words between the items of a list, besides commas ("foto e video")."""
    elsewhere: Words = Words()
    """Units and periods no question counts in ("minuti", "al giorno"): such an amount is not
    read as the question's."""
    negation: Words = Words()
    """Words that turn a name around ("non subito"): a name counts only if it holds them too."""
    filler: Words = Words()
    """Words that carry no choice ("il", "the", "di"), ignored when matching."""
    numbers: Words = Words()
    """Number words from zero up, in order ("zero", "uno", "due"…)."""

    def unit(self, unit_id: str | None) -> Unit | None:
        """Return the unit with this id, if any."""
        return next((unit for unit in self.units if unit.id == unit_id), None)

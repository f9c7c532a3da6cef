"""Read what someone typed for a choice question: numbers, words, typos, amounts and lists.

The same reader serves the terminal and Telegram. It never guesses between two readings:
when two are plausible it says so, and the front end asks back.
Matching words to the options' names, typos included, is `flows.choice_names`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from flows.amounts import fold, read_amount
from flows.choice_names import EXACT, LIKELY, alternatives, names_of, respell, score_names, tokens
from flows.content import Option, Question
from flows.typed_words import TypingWords, Unit
from flows.validation import Problem, clean_text, shorten

SURE = 88.0
"""A reading this good, with no rival close to it, is taken (and echoed)."""
CLOSE = 6.0
"""Two options scored within this of each other are asked back, never picked between."""
MAX_TYPED = 200
"""Longer than any option: a choice typed at this length is a paste or a message, not an answer."""
MOST_OF_A_RANGE = 0.75
"""A typed range mostly inside one option's range is that option; else it is asked back."""
MAX_ASKED = 3
"""At most this many readings are offered back; more means the answer was not understood."""
_MAX_DIGITS = 6
"""No option number is longer; int() refuses over 4300 digits, so longer ones are not read."""
_NUMBERS = re.compile(r"[,;\s]+")
_LIST = re.compile(r"[,;]+")
_DECIMAL = re.compile(r"\d+[.,]\d+")


@dataclass(frozen=True)
class Reading:
    """One way to read an unclear answer: the option, and an amount or number it came from."""

    option_id: str
    amount: float | None = None
    number: int | None = None


@dataclass(frozen=True)
class Understood:
    """The typed text names these options (still to be validated against the question)."""

    option_ids: list[str]


@dataclass(frozen=True)
class Unsure:
    """Several readings fit: ask which one. `sure` holds the rest of a list, understood."""

    typed: str
    readings: list[Reading]
    sure: list[str]


Interpretation = Understood | Unsure | Problem


def read_choice(
    question: Question, options: list[Option], raw: str, words: TypingWords
) -> Interpretation:
    """Read a typed answer to a single or multiple choice question."""
    return ChoiceReader(question, options, words).read(raw)


class ChoiceReader:
    """Everything known about one question's options, to read typed answers to it."""

    def __init__(self, question: Question, options: list[Option], words: TypingWords) -> None:
        self.question = question
        self.options = options
        self.words = words
        self.unit: Unit | None = words.unit(question.unit)
        self.filler = {fold(word) for word in words.filler.every()}
        self.negation = {
            t for word in words.negation.every() for t in re.findall(r"\w+", fold(word))
        }
        self.names = [name for option in options for name in names_of(option, self.filler)]
        shaping = [*words.below.every(), *words.above.every(), *words.or_more.every()]
        if self.unit is not None:
            shaping += self.unit.words.every()
        known = {t for name in self.names for t in name.tokens}
        known |= {t for word in shaping for t in re.findall(r"\w+", fold(word))}
        self.vocabulary = sorted(t for t in known if len(t) >= 4 and not t.isdecimal())

    def read(self, raw: str) -> Interpretation:
        """Read one typed answer."""
        text = clean_text(raw)
        if not text:
            return Problem("error_empty_choice", {"max": len(self.options)})
        numbers = [part for part in _NUMBERS.split(text) if part]
        if self.unit is not None and _DECIMAL.fullmatch(text):  # "1,5" hours, "1.000" euros
            return self._item(text)
        if all(part.isdecimal() for part in numbers):  # isdecimal: int() cannot read "²"
            return self._numbers(text, numbers)
        if len(text) > MAX_TYPED:
            return Problem("error_choice_too_long", {"typed": shorten(text, 40)})
        if self.question.kind == "multi":
            return self._multi(text)
        return self._single(text)

    # Numbers

    def _numbers(self, text: str, parts: list[str]) -> Interpretation:
        if len(parts) == 1 and self.question.kind == "single":
            return self._bare_number(parts[0])
        wrong = next((p for p in parts if len(p) > _MAX_DIGITS or not self._is_option(p)), None)
        if wrong is not None:
            number = int(wrong) if len(wrong) <= _MAX_DIGITS else shorten(wrong, _MAX_DIGITS)
            return Problem("error_out_of_range", {"number": number, "max": len(self.options)})
        ids = list(dict.fromkeys(self.options[int(p) - 1].id for p in parts))
        if self.question.kind == "single" and len(ids) > 1:
            return Problem("error_only_one")
        return Understood(ids)

    def _is_option(self, part: str) -> bool:
        return 1 <= int(part) <= len(self.options)

    def _bare_number(self, part: str) -> Interpretation:
        """Read a lone number: an option's number, an amount in the question's unit, or both."""
        by_number = self.options[int(part) - 1] if self._fits(part) else None
        value = float(part) if len(part) <= _MAX_DIGITS else None
        by_value: list[str] = []
        if self.unit is not None and value is not None and (self.unit.bare or by_number is None):
            by_value = self._holding(value)
        # "3" on hours is option 3 (3–6 hours) and 3 hours alike: no need to ask.
        if by_number is not None and by_value and by_number.id not in by_value:
            readings = [Reading(option_id, amount=value) for option_id in by_value]
            readings.append(Reading(by_number.id, number=int(part)))
            return Unsure(part, readings, [])
        if by_number is not None:
            return Understood([by_number.id])
        if by_value:
            return self._by_amount(part, by_value, value)
        number = int(part) if len(part) <= _MAX_DIGITS else shorten(part, _MAX_DIGITS)
        return Problem("error_out_of_range", {"number": number, "max": len(self.options)})

    def _fits(self, part: str) -> bool:
        return len(part) <= _MAX_DIGITS and self._is_option(part)

    def _holding(self, value: float) -> list[str]:
        return [o.id for o in self.options if o.range is not None and o.range.holds(value)]

    def _spanned(self, span: tuple[float, float]) -> list[str]:
        """Return the option holding most of a typed range ("30-50 anni"), or all it overlaps."""
        low, high = span
        if high - low <= 0:
            return self._holding(low)
        shares = {
            o.id: o.range.overlap(low, high) / (high - low)
            for o in self.options
            if o.range is not None and o.range.overlap(low, high) > 0
        }
        best = max(shares, key=lambda option_id: shares[option_id], default=None)
        if best is not None and shares[best] >= MOST_OF_A_RANGE:
            return [best]
        return self._in_order(list(shares))

    def _by_amount(self, typed: str, option_ids: list[str], shown: float | None) -> Interpretation:
        if len(option_ids) == 1:
            return Understood(option_ids)
        if len(option_ids) > MAX_ASKED:
            return self._lost(typed)
        return Unsure(typed, [Reading(option_id, amount=shown) for option_id in option_ids], [])

    # One answer, or a list

    def _single(self, text: str) -> Interpretation:
        whole = self._item(text, covering=True)  # a label holding every typed word
        if isinstance(whole, Understood) and len(whole.option_ids) == 1:
            return whole
        found = self._item(text)
        items = self._items(text)
        if len(items) > 1:
            each = [self._item(item) for item in items]
            if all(isinstance(hit, Understood) for hit in each):
                ids = self._in_order(
                    [i for h in each if isinstance(h, Understood) for i in h.option_ids]
                )
                if len(ids) == 1:
                    return Understood(ids)
                if len(ids) <= MAX_ASKED:  # "instagram e facebook" where one is wanted: which?
                    return Unsure(text, [Reading(option_id) for option_id in ids], [])
                return Problem("error_only_one")
        if isinstance(found, Understood) and len(found.option_ids) == 1:
            return found
        if isinstance(found, Understood):
            return Problem("error_only_one")
        return found

    def _multi(self, text: str) -> Interpretation:
        everything = self._all_but(text)
        if everything is not None:
            return everything
        items = self._items(text)
        each = [(item, self._item(item)) for item in items]
        unsure = [(item, hit) for item, hit in each if isinstance(hit, Unsure)]
        refused = [hit for _, hit in each if isinstance(hit, Problem)]
        sure = [i for _, hit in each if isinstance(hit, Understood) for i in hit.option_ids]
        if not refused and not unsure:
            return Understood(self._in_order(sure))
        if len(items) == 1 and len(text.split()) > 1:  # "instagram facebook", with no comma
            named = [self._item(word) for word in text.split()]
            if all(isinstance(hit, Understood) for hit in named):
                ids = [i for hit in named if isinstance(hit, Understood) for i in hit.option_ids]
                return Understood(self._in_order(ids))
        if len(items) > 1:
            # The whole text as one option ("video lunghi o tutorial"), but only a name that
            # holds every typed word: "foto e video" is two items, not the photos alone.
            whole = self._item(text, covering=True)
            if isinstance(whole, Understood):
                return whole
        if refused:
            return refused[0]
        if len(unsure) == 1:
            item, unclear = unsure[0]
            return Unsure(item, unclear.readings, self._in_order(sure))
        return self._lost(unsure[0][0])

    def _all_but(self, text: str) -> Interpretation | None:
        """Read "all" and "all except TikTok"; None when the text does not start with "all"."""
        folded = fold(text)
        every = alternatives(self.words.all.every())
        start = re.match(rf"(?:{every})\b", folded)
        if start is None:
            return None
        rest = folded[start.end() :]
        cut = re.search(rf"\b(?:{alternatives(self.words.except_.every())})\b", rest)
        kept = [o.id for o in self.options if not o.exclusive]
        if cut is None:
            return Understood(kept)
        left_out = self._multi(rest[cut.end() :])
        if not isinstance(left_out, Understood):
            return left_out
        return Understood([i for i in kept if i not in left_out.option_ids])

    def _items(self, text: str) -> list[str]:
        """Split a list on commas, semicolons and joining words ("foto e video")."""
        joiners = {fold(word) for word in self.words.joiners.every()}
        items: list[str] = []
        for piece in _LIST.split(text):
            current: list[str] = []
            for word in piece.split():
                if fold(word) in joiners:
                    items.append(" ".join(current))
                    current = []
                else:
                    current.append(word)
            items.append(" ".join(current))
        return [item for item in (i.strip() for i in items) if item]

    def _in_order(self, ids: list[str]) -> list[str]:
        return [option.id for option in self.options if option.id in set(ids)]

    def _lost(self, typed: str) -> Problem:
        return Problem("error_not_understood", {"typed": shorten(typed, 40)})

    # One item

    def _item(self, text: str, covering: bool = False) -> Interpretation:
        """Read one item: an option's number, name, amount, or a word close to one."""
        plain = text.strip()
        if plain.isdecimal():
            return (
                self._bare_number(plain)
                if self.question.kind == "single"
                else self._numbers(plain, [plain])
            )
        numbered = re.fullmatch(r"(\d{1,2})\s*-\s*(\d{1,2})", plain)
        if numbered and self.unit is None:
            low, high = sorted(int(n) for n in numbered.groups())
            if not 1 <= low <= high <= len(self.options):
                wrong = high if high > len(self.options) else low
                return Problem("error_out_of_range", {"number": wrong, "max": len(self.options)})
            return self._numbers(plain, [str(n) for n in range(low, high + 1)])
        scores = self._scores(plain, covering)
        if scores and max(scores.values()) == EXACT:
            return self._decide(plain, scores)
        respelled = respell(fold(plain), self.vocabulary)
        if self.unit is not None:
            amount = read_amount(respelled, self.unit, self.words)
            if amount is not None and (amount.marked or self.unit.bare or not scores):
                held = self._spanned(amount.span) if amount.span else self._holding(amount.point)
                if held:
                    # A range asked back names the options alone, not its middle.
                    shown = None if amount.span else amount.shown
                    return self._by_amount(plain, held, shown)
        if respelled != fold(plain):
            for option_id, score in self._scores(respelled, covering).items():
                scores[option_id] = max(score, scores.get(option_id, 0.0))
        return self._decide(plain, scores)

    def _decide(self, typed: str, scores: dict[str, float]) -> Interpretation:
        ranked = sorted(scores.items(), key=lambda item: -item[1])
        if not ranked or ranked[0][1] < LIKELY:
            return self._lost(typed)
        best_id, best = ranked[0]
        close = (
            EXACT if best == EXACT else best - CLOSE
        )  # only a name typed whole ties a whole name
        rivals = [option_id for option_id, score in ranked[1:] if score >= close]
        if best >= SURE and not rivals:
            return Understood([best_id])
        asked = [best_id, *rivals]
        if len(asked) > MAX_ASKED:
            return self._lost(typed)
        return Unsure(typed, [Reading(option_id) for option_id in self._in_order(asked)], [])

    def _scores(self, text: str, covering: bool) -> dict[str, float]:
        """Score each option by its best name against the typed text's words."""
        return score_names(tokens(text, self.filler), self.names, self.negation, covering)

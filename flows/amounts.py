"""Read an amount typed in words and digits: "2 ore", "€50", "30-50 anni", "più di 10"."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from flows.typed_words import TypingWords, Unit

_NUMBER = re.compile(r"(?<![\w.,])\d+(?:[.,]\d+)*(?:k\b)?")
_THOUSANDS = re.compile(r"\d{1,3}(?:[.,]\d{3})+")
_DASHES = re.compile("[\u2010-\u2015\u2212]")
"""Hyphens, en and em dashes, the minus sign: all typed as ranges ("1–3")."""
_NUDGE = 1e-6
"""How far past a bound "under 25" or "over 10" points: inside the next option's range."""


def fold(text: str) -> str:
    """Return the text in lower case without accents, dashes made plain, apostrophes as spaces."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _DASHES.sub("-", plain).replace("'", " ").replace("\u2019", " ")


def number_value(text: str) -> float | None:
    """Read '5', '1,5', '2.5', '1.000', '1,000' or '1k'; None when it is no number."""
    scale = 1000.0 if text.endswith("k") else 1.0
    digits = text.removesuffix("k")
    if _THOUSANDS.fullmatch(digits):
        return float(re.sub(r"[.,]", "", digits)) * scale
    if digits.count(".") + digits.count(",") > 1:
        return None
    return float(digits.replace(",", ".")) * scale


@dataclass(frozen=True)
class Amount:
    """A typed amount reduced to one point: a value, a range's middle, or just past a bound."""

    point: float
    shown: float
    """The number to echo back ("5" for "5 ore", "40" for "30-50 anni")."""
    marked: bool
    """True when a unit, a comparison or a range says it is an amount, not an option number."""
    span: tuple[float, float] | None = None
    """The range typed ("30-50 anni"), when one was."""


def read_amount(folded: str, unit: Unit, words: TypingWords) -> Amount | None:
    """Read one amount from folded text; None when it holds none, several, or another unit's."""
    text = _digits_for_number_words(folded, words)
    others = [w for other in words.units if other.id != unit.id for w in other.words.every()]
    if _has_any(text, [*others, *words.elsewhere.every()]):
        return None  # "30 minuti", "200 euro all'anno": not in this question's unit
    found = list(_NUMBER.finditer(text))
    if not found or len(found) > 2 or text[: found[0].start()].rstrip().endswith("-"):
        return None
    values = [number_value(match.group()) for match in found]
    if any(value is None for value in values):
        return None
    numbers = [value for value in values if value is not None]
    before = text[: found[0].start()].rstrip(" €$£")  # "over €1,000": the sign sits between
    after = text[found[-1].end() :].strip()
    has_unit = _has_any(text, unit.words.every())
    if len(numbers) == 2:
        between = text[found[0].end() : found[1].start()].strip()
        if between not in words.between.every():
            return None
        low, high = sorted(numbers)
        middle = (low + high) / 2
        return Amount(middle, middle, marked=True, span=(low, high))
    (value,) = numbers
    if _ends_with_any(before, words.below.every()):
        return Amount(value - _NUDGE, value, marked=True)
    if _ends_with_any(before, words.above.every()) or _starts_with_any(
        after, words.or_more.every()
    ):
        return Amount(value + _NUDGE, value, marked=True)
    return Amount(value, value, marked=has_unit)


def _digits_for_number_words(folded: str, words: TypingWords) -> str:
    """Write number words as digits ("due ore" → "2 ore"), in either language."""
    values = {word: index for index, word in enumerate(words.numbers.it)}
    values.update({word: index for index, word in enumerate(words.numbers.en)})
    if not values:
        return folded
    pattern = re.compile(r"\b(" + "|".join(map(re.escape, values)) + r")\b")
    return pattern.sub(lambda match: str(values[match.group()]), folded)


def _has_any(text: str, words: list[str]) -> bool:
    return any(_word_in(fold(word), text) for word in words)


def _word_in(word: str, text: str) -> bool:
    """Return True if the word stands on its own in the text (symbols may touch digits)."""
    if not word[0].isalnum():
        return word in text
    return re.search(rf"(?<![^\W\d]){re.escape(word)}(?![^\W\d])", text) is not None


def _ends_with_any(text: str, words: list[str]) -> bool:
    return any(text == fold(w) or text.endswith(" " + fold(w)) or _symbol(w, text) for w in words)


def _starts_with_any(text: str, words: list[str]) -> bool:
    return any(text == fold(w) or text.startswith(fold(w) + " ") or text[:1] == w for w in words)


def _symbol(word: str, text: str) -> bool:
    return not word[0].isalnum() and text.endswith(word)

"""Turn what a person typed or tapped into a valid answer, or say kindly what is wrong."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from flows.conditions import AnswerValue
from flows.content import Option, Question
from flows.ui_keys import UiKey


@dataclass(frozen=True)
class Problem:
    """Why an answer was not taken: a UI string key and the values it mentions."""

    key: UiKey
    values: dict[str, str | int] = field(default_factory=dict)


@dataclass(frozen=True)
class Accepted:
    """A valid answer, with notices to show (e.g. that a long text was shortened)."""

    value: AnswerValue
    notices: tuple[Problem, ...] = ()


Outcome = Accepted | Problem

_SPACES = re.compile(r"\s+")
# Letters and symbols to Unicode that draw nothing: Hangul fillers, the blank Braille pattern.
_BLANKS = frozenset("\u115f\u1160\u3164\uffa0\u2800")


def clean_text(raw: str) -> str:
    """Drop control characters and collapse whitespace, keeping accents and emoji.

    A text that draws nothing (only spaces, marks and fillers) comes back empty.
    """
    kept = "".join(ch for ch in raw if unicodedata.category(ch)[0] != "C" or ch in "\n\t ")
    text = _SPACES.sub(" ", kept).strip()
    return text if any(_draws(ch) for ch in text) else ""


def _draws(ch: str) -> bool:
    """Return True if the character shows on its own: not a space, a lone mark or a filler."""
    return not ch.isspace() and unicodedata.category(ch) not in ("Mn", "Me") and ch not in _BLANKS


def shorten(text: str, limit: int) -> str:
    """Cut a text to `limit` characters at a word boundary when one is near."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space >= limit // 2:
        cut = cut[:space]
    # A text of nothing but punctuation keeps it: never shorten an answer to a bare "…".
    return (cut.rstrip(" ,;.:-") or cut) + "…"


def validate_text(question: Question, raw: str) -> Outcome:
    """Validate a free-text answer: not empty, not too short; too long is shortened."""
    text = clean_text(raw)
    if not text:
        return Problem("error_empty")
    if len(text) < question.min_length:
        return Problem("error_too_short", {"min": question.min_length})
    if len(text) > question.max_length:
        return Accepted(
            shorten(text, question.max_length),
            (Problem("notice_trimmed", {"max": question.max_length}),),
        )
    return Accepted(text)


def validate_choice(question: Question, options: list[Option], picked: list[str]) -> Outcome:
    """Validate option ids (from buttons, or from typed numbers) for a choice question."""
    known = {option.id: option for option in options}
    unique = list(dict.fromkeys(picked))
    if not unique:
        return Problem("error_pick_one" if question.kind == "single" else "error_pick_some")
    if any(option_id not in known for option_id in unique):
        return Problem("error_stale_option")
    if question.kind == "single":
        if len(unique) > 1:
            return Problem("error_only_one")
        return Accepted(unique[0])
    exclusive = [known[option_id] for option_id in unique if known[option_id].exclusive]
    if exclusive and len(unique) > 1:
        return Problem("error_exclusive", {"option": exclusive[0].id})
    return Accepted([option.id for option in options if option.id in unique])

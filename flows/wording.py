"""Fill {question_id} placeholders in content templates with the user's answers."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from flows.conditions import Answers, chosen
from flows.content import Content, Option, Question
from flows.i18n import Lang, Text


def option_phrase(option: Option, lang: Lang) -> str:
    """Return how an option reads inside a sentence."""
    return (option.short or option.label)(lang)


CONJUNCTIONS = {"and": {"it": " e ", "en": " and "}, "or": {"it": " o ", "en": " or "}}


def join_phrases(items: Iterable[str], lang: Lang, conjunction: str = "and") -> str:
    """Join phrases as a person would: 'a, b and c' / 'a, b e c' (or 'o' / 'or')."""
    parts = list(items)
    if len(parts) <= 1:
        return "".join(parts)
    last = CONJUNCTIONS[conjunction][lang]
    return ", ".join(parts[:-1]) + last + parts[-1]


QUOTES = {"it": ("«", "»"), "en": ("“", "”")}


def quoted(text: str, lang: Lang) -> str:
    """Put a text between the language's typographic quotes."""
    opening, closing = QUOTES[lang]
    return f"{opening}{text}{closing}"


PLACE_SMALL_WORDS = frozenset(
    {
        *("a", "ad", "al", "alla", "alle", "ai", "agli", "da", "dal", "dalla", "e", "in"),
        *("dei", "degli", "del", "della", "delle", "dello", "dell", "di"),
        *("nel", "nella", "nell", "sul", "sulla", "sull"),
    }
)
"""Italian articles and prepositions that stay lower case inside a place name."""
_WORD = re.compile(r"[^\W\d_]+")


def place_name(text: str) -> str:
    """Title-case a place typed all in lower case ("reggio nell'emilia" -> "Reggio nell'Emilia").

    Hand-written: the titlecase package knows English small words, not Italian elisions.
    """
    if text != text.lower():
        return text

    def word(match: re.Match[str]) -> str:
        small = match.start() > 0 and match.group().lower() in PLACE_SMALL_WORDS
        return match.group() if small else match.group().capitalize()

    return _WORD.sub(word, text)


def typed(question: Question, text: str) -> str:
    """Return a typed answer as it reads in a sentence: trimmed, a place name in title case."""
    tidy = " ".join(text.split())
    return place_name(tidy) if question.place else tidy


def sentence(text: str) -> str:
    """Return a text starting with a capital letter, as a sentence does."""
    return text[:1].upper() + text[1:]


def answer_phrase(content: Content, question: Question, answers: Answers, lang: Lang) -> str:
    """Return how the user's answer to `question` reads inside a sentence."""
    value = answers.get(question.id)
    if value is None:
        return content.text("not_given")(lang)
    if question.kind == "text":
        return typed(question, str(value))
    options = {o.id: o for o in content.all_options_of(question)}
    return join_phrases(
        (option_phrase(options[i], lang) for i in chosen(value) if i in options), lang
    )


class _Placeholders(dict[str, object]):
    """A template's values: the extra ones given, and each answer's phrase when first asked for.

    A card fills a few hundred templates, each naming one or two answers; wording every answer
    for every template was most of the time it took to build a card.
    """

    def __init__(
        self, content: Content, answers: Answers, lang: Lang, extra: dict[str, object]
    ) -> None:
        super().__init__(extra)
        self._content, self._answers, self._lang = content, answers, lang

    def __missing__(self, key: str) -> object:
        question = self._content.question(key)  # an unknown placeholder raises KeyError
        phrase = answer_phrase(self._content, question, self._answers, self._lang)
        self[key] = phrase
        return phrase


def fill(template: str, content: Content, answers: Answers, lang: Lang, **extra: object) -> str:
    """Fill a template's {question_id} placeholders from the answers, plus any extra values."""
    filled = template.format_map(_Placeholders(content, answers, lang, extra))
    # A sentence that opens with the user's own words still opens with a capital letter.
    return sentence(filled) if template.startswith("{") else filled


@dataclass(frozen=True)
class Writer:
    """Words texts for one user: their language, their answers."""

    content: Content
    answers: Answers
    lang: Lang

    def __call__(self, text: Text, **extra: object) -> str:
        """Fill a bilingual template with the answers and any extra values."""
        return fill(text(self.lang), self.content, self.answers, self.lang, **extra)

    def phrase(self, key: str, **extra: object) -> str:
        """Word one of the card's phrases."""
        return self(self.content.card.phrases[key], **extra)

    def plan_phrase(self, key: str, **extra: object) -> str:
        """Word one of the calendar's phrases."""
        return self(self.content.editorial.phrases[key], **extra)

    def single(self, question_id: str) -> str | None:
        """Return a single-choice answer, if given."""
        value = self.answers.get(question_id)
        return value if isinstance(value, str) else None

    def number(self, question_id: str, default: float) -> float:
        """Return the value of the option picked, or `default`."""
        picked = self.single(question_id)
        for option in self.content.question(question_id).options:
            if option.id == picked and option.value is not None:
                return option.value
        return default

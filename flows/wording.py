"""Fill {question_id} placeholders in content templates with the user's answers."""

from __future__ import annotations

from collections.abc import Iterable

from flows.conditions import Answers, chosen
from flows.content import Content, Option, Question
from flows.i18n import Lang


def option_phrase(option: Option, lang: Lang) -> str:
    """Return how an option reads inside a sentence."""
    return (option.short or option.label)(lang)


def join_phrases(items: Iterable[str], lang: Lang) -> str:
    """Join phrases as a person would: 'a, b and c' / 'a, b e c'."""
    parts = list(items)
    if len(parts) <= 1:
        return "".join(parts)
    last = " e " if lang == "it" else " and "
    return ", ".join(parts[:-1]) + last + parts[-1]


def answer_phrase(content: Content, question: Question, answers: Answers, lang: Lang) -> str:
    """Return how the user's answer to `question` reads inside a sentence."""
    value = answers.get(question.id)
    if value is None:
        return content.text("not_given")(lang)
    if question.kind == "text":
        return str(value)
    options = {o.id: o for o in content.all_options_of(question)}
    return join_phrases(
        (option_phrase(options[i], lang) for i in chosen(value) if i in options), lang
    )


def fill(template: str, content: Content, answers: Answers, lang: Lang, **extra: object) -> str:
    """Fill a template's {question_id} placeholders from the answers, plus any extra values."""
    values: dict[str, object] = {
        question.id: answer_phrase(content, question, answers, lang)
        for question in content.questions
    }
    values.update(extra)
    return template.format_map(values)

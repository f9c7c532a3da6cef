"""What the coach says around a typed choice: the answer it understood, examples, questions back."""

from __future__ import annotations

from babel.numbers import format_decimal

from flows.conditions import AnswerValue, chosen
from flows.content import Content, Option, Question
from flows.i18n import Lang
from flows.interpret import Reading, Unsure
from flows.outputs import Choice, ClarifyView, Echo
from flows.ui_keys import UiKey


def spoken(label: str) -> str:
    """Return a label as one would type it: without its bracketed examples."""
    return label.partition(" (")[0].rstrip(" …")


def _reads_as_two(option: Option, lang: Lang) -> bool:
    """Return True if a label has "or" or "and" in it: as an example it would read as two."""
    words = spoken(option.label(lang)).casefold().split()
    return any(word in ("o", "e", "or", "and") for word in words)


class TypedReplies:
    """Words for typed answers, in the interview's language."""

    def __init__(self, content: Content) -> None:
        self.content = content

    def _text(self, key: UiKey, lang: Lang, **values: object) -> str:
        return self.content.text(key)(lang).format(**values)

    def echo(self, question: Question, value: AnswerValue, lang: Lang) -> Echo:
        """Say back the answer just taken, in the options' words."""
        if question.kind == "text":
            answer = str(value)
        else:
            labels = {o.id: o.label(lang) for o in self.content.all_options_of(question)}
            answer = ", ".join(labels.get(option_id, option_id) for option_id in chosen(value))
        return Echo(question.id, question.prompt(lang), answer)

    def examples(self, question: Question, options: list[Option], lang: Lang) -> str:
        """Give two or three answers in words, taken from the options, as a hint."""
        plain = [option for option in options if not option.exclusive] or options
        if question.kind == "multi":  # in a list, "Video lunghi o tutorial" reads as two answers
            plain = [option for option in plain if not _reads_as_two(option, lang)] or plain
        spread = sorted({0, len(plain) // 2, len(plain) - 1})
        said = [spoken(plain[index].label(lang)) for index in spread]
        if question.kind == "multi" and len(said) >= 2:
            said = [f"{said[0]}, {said[1]}", *said[2:]]
        quoted = [self._text("quoted", lang, text=text) for text in said]
        listed = quoted[0]
        if len(quoted) > 1:
            listed = ", ".join(quoted[:-1]) + self._text("word_or", lang) + quoted[-1]
        key: UiKey = "examples_multi" if question.kind == "multi" else "examples_single"
        return self._text(key, lang, examples=listed)

    def clarify(
        self, question: Question, options: list[Option], unsure: Unsure, lang: Lang
    ) -> ClarifyView:
        """Ask which reading of an unclear answer was meant."""
        labels = {option.id: option.label(lang) for option in options}
        text = self._text("clarify_intro", lang, typed=unsure.typed)
        choices = [
            Choice(reading.option_id, self._reading(question, reading, labels, lang))
            for reading in unsure.readings
        ]
        return ClarifyView(question.id, question.kind, text, choices, unsure.sure)

    def _reading(
        self, question: Question, reading: Reading, labels: dict[str, str], lang: Lang
    ) -> str:
        label = labels[reading.option_id]
        if reading.number is not None:
            return self._text("clarify_number", lang, number=reading.number, label=label)
        unit = self.content.typing.unit(question.unit)
        if reading.amount is not None and unit is not None:
            said = unit.shown_one if reading.amount == 1 and unit.shown_one else unit.shown
            amount = said(lang).format(amount=format_decimal(reading.amount, locale=lang))
            return self._text("clarify_amount", lang, amount=amount, label=label)
        return label

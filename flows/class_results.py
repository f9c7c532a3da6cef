"""The teacher's export: one row per student who agreed to share, in the class's language."""

from __future__ import annotations

from dataclasses import dataclass

from flows.conditions import Answers, chosen, holds
from flows.content import Content
from flows.i18n import Lang
from flows.report import (
    FORMATS,
    GOAL,
    NETWORKS,
    PlanBriefs,
    Submission,
    consenting,
    readiness_score,
    shown_name,
)


@dataclass(frozen=True)
class ResultRow:
    """What one consenting student's card says, as labels: no free text, nothing identifying."""

    student: str
    goal: str
    networks: list[str]
    formats: list[str]
    mistakes: list[str]
    """The common mistakes their answers made, as "number. title"."""
    readiness: int


def consented_results(
    content: Content, submissions: list[Submission], lang: Lang, briefs: PlanBriefs
) -> list[ResultRow]:
    """Return a row per student who shared, in the report's order and with its numbers.

    "Student 2" here is "Student 2" in the report's excerpts and on the class page.
    """
    named, anonymous = consenting(submissions, briefs, lang)
    label = content.report["anonymous"](lang)
    return [_row(content, s.answers, lang, shown_name(s.name)) for s in named] + [
        _row(content, s.answers, lang, label.format(n=number))
        for number, s in enumerate(anonymous, start=1)
    ]


def _row(content: Content, answers: Answers, lang: Lang, student: str) -> ResultRow:
    return ResultRow(
        student=student,
        goal=", ".join(_labels(content, answers, GOAL, lang)),
        networks=_labels(content, answers, NETWORKS, lang),
        formats=_labels(content, answers, FORMATS, lang),
        mistakes=[
            f"{mistake.number}. {mistake.title(lang)}"
            for mistake in sorted(content.mistakes, key=lambda m: m.number)
            if holds(mistake.when, answers)
        ],
        readiness=readiness_score(content, answers),
    )


def _labels(content: Content, answers: Answers, question_id: str, lang: Lang) -> list[str]:
    """Return the labels of the options picked for a question, in the question's order."""
    picked = set(chosen(answers.get(question_id)))
    options = content.all_options_of(content.question(question_id))
    return [option.label(lang) for option in options if option.id in picked]

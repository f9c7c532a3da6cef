"""The teacher's class report: class-level patterns, and a student's card only with consent."""

from __future__ import annotations

import json
import math
import threading
from collections import Counter, OrderedDict
from dataclasses import dataclass
from typing import Literal, NamedTuple, TypeAlias

from flows.card import build_card
from flows.conditions import Answers, AnswerValue, chosen, holds
from flows.content import Case, Content
from flows.i18n import Lang
from flows.wording import fill, join_phrases

Share: TypeAlias = Literal["no", "anonymous", "named"]
"""What a student agreed to show the teacher: nothing of their own, their card, or it by name."""

MAX_NAME_LENGTH = 40
"""A name longer than this is cut: the excerpt stays one line on a phone."""

MAX_BRIEF = 160
"""A teacher's own case is quoted by its first words: the report has one line for it."""

GOAL, NETWORKS, FORMATS = "goal", "networks", "content_types"
"""The questions whose answers the report counts."""


@dataclass(frozen=True)
class Submission:
    """A student's finished interview, and what they agreed to share."""

    answers: dict[str, AnswerValue]
    share: Share = "no"
    name: str | None = None


class Tally(NamedTuple):
    """How many students picked an option, with its label in the report's language."""

    label: str
    students: int


class MistakeTally(NamedTuple):
    """How many students made one of the six common mistakes."""

    number: int
    title: str
    students: int


@dataclass(frozen=True)
class ClassReport:
    """Everything the teacher's report shows, already worded in one language."""

    lang: Lang
    title: str
    case: str | None
    """The case study's title; None for a teacher's own case, or each student's own business."""
    brief: str | None
    """The first words of the teacher's own case, when they wrote one."""
    joined: int
    finished: int
    objectives: list[Tally]
    networks: list[Tally]
    formats: list[Tally]
    mistakes: list[MistakeTally]
    """All the mistakes, in number order, even those nobody made."""
    readiness: float | None
    """The class average of readiness_score, one decimal; None when nobody finished."""
    excerpts: list[str]
    """One line per student who agreed to share: named ones first, then anonymous ones."""


@dataclass(frozen=True)
class ReportSection:
    """A block of the report: an optional title and its plain-text lines."""

    title: str | None
    lines: list[str]


class PlanBriefs:
    """Each shared card's goal and primary networks, remembered: a finished card never changes.

    Working out a card's networks means building the card (about 10 ms), and a live class page
    rebuilds its report at every change: a class of 300 would spend seconds on each one.
    Reports may be built in worker threads, so the remembered briefs are shared under a lock.
    """

    def __init__(self, content: Content, size: int = 4096) -> None:
        self._content, self._size = content, size
        self._known: OrderedDict[tuple[str, Lang], tuple[str, str]] = OrderedDict()
        self._lock = threading.Lock()

    def __call__(self, answers: Answers, lang: Lang) -> tuple[str, str]:
        """Return the goal and the card's primary networks, worded in `lang`."""
        key = (json.dumps(answers, sort_keys=True, default=str), lang)
        with self._lock:
            known = self._known.get(key)
            if known is not None:
                self._known.move_to_end(key)
                return known
        known = _plan_in_brief(self._content, answers, lang)
        with self._lock:
            self._known[key] = known
            if len(self._known) > self._size:
                self._known.popitem(last=False)
        return known


def readiness_score(content: Content, answers: Answers) -> int:
    """Return 0-100: the share of the common mistakes these answers avoid."""
    mistakes = content.mistakes
    avoided = sum(1 for mistake in mistakes if not holds(mistake.when, answers))
    return _half_up(100 * avoided / len(mistakes)) if mistakes else 100


def build_report(
    content: Content,
    *,
    title: str,
    case: Case | None,
    joined: int,
    submissions: list[Submission],
    lang: Lang,
    briefs: PlanBriefs | None = None,
    brief: str | None = None,
) -> ClassReport:
    """Build the class report from the finished interviews (submissions) of a class.

    `brief` is the case the teacher wrote, when they chose none of the ready ones.
    """
    finished = len(submissions)
    scores = [readiness_score(content, s.answers) for s in submissions]
    return ClassReport(
        lang=lang,
        title=title,
        case=case.title(lang) if case is not None else None,
        brief=_first_words(brief) if brief and case is None else None,
        joined=max(joined, finished),
        finished=finished,
        objectives=_tally(content, GOAL, submissions, lang),
        networks=_tally(content, NETWORKS, submissions, lang),
        formats=_tally(content, FORMATS, submissions, lang),
        mistakes=[
            MistakeTally(
                mistake.number,
                mistake.title(lang),
                sum(1 for s in submissions if holds(mistake.when, s.answers)),
            )
            for mistake in sorted(content.mistakes, key=lambda m: m.number)
        ],
        readiness=_half_up(10 * sum(scores) / len(scores)) / 10 if scores else None,
        excerpts=_excerpts(content, submissions, lang, briefs or PlanBriefs(content)),
    )


def report_sections(report: ClassReport, content: Content, lang: Lang) -> list[ReportSection]:
    """Return the report as titled blocks of plain text (no markup), in `lang`."""
    say = _Say(content, lang)
    if report.case:
        intro = [say("case", case=report.case)]
    elif report.brief:
        intro = [say("teacher_case", brief=report.brief)]
    else:
        intro = [say("own_business")]
    intro.append(say("progress", joined=report.joined, finished=report.finished))
    sections = [ReportSection(say("heading", title=report.title), intro)]
    if report.finished == 0:
        return [*sections, ReportSection(None, [say("nobody_finished")])]
    several = say("several_answers")
    for key, tallies, note in (
        ("section_objectives", report.objectives, None),
        ("section_networks", report.networks, several),
        ("section_formats", report.formats, several),
    ):
        lines = [
            say(
                "count_line",
                label=t.label,
                count=t.students,
                percent=percent_of_finished(t.students, report),
            )
            for t in tallies
        ] or [content.text("not_given")(lang)]
        sections.append(ReportSection(say(key), lines + ([note] if note else [])))
    sections.append(
        ReportSection(
            say("section_mistakes"),
            [
                say(
                    "mistake_line",
                    number=m.number,
                    title=m.title,
                    count=m.students,
                    finished=report.finished,
                )
                for m in report.mistakes
            ],
        )
    )
    score = decimal_shown(report.readiness or 0.0, lang)
    sections.append(
        ReportSection(
            say("section_readiness"),
            [say("readiness_line", score=score), say("readiness_explained")],
        )
    )
    sections.append(ReportSection(say("section_excerpts"), report.excerpts or [say("no_excerpts")]))
    return sections


def report_lines(report: ClassReport, content: Content, lang: Lang) -> list[str]:
    """Return the report as plain-text lines, sections parted by an empty line."""
    lines: list[str] = []
    for section in report_sections(report, content, lang):
        if lines:
            lines.append("")
        lines += ([section.title] if section.title else []) + section.lines
    return lines


@dataclass(frozen=True)
class _Say:
    """Words report texts in one language."""

    content: Content
    lang: Lang

    def __call__(self, key: str, **values: object) -> str:
        return self.content.report[key](self.lang).format(**values)


def _tally(
    content: Content, question_id: str, submissions: list[Submission], lang: Lang
) -> list[Tally]:
    """Count each option once per student who picked it; most picked first, then content order."""
    options = content.all_options_of(content.question(question_id))
    counts = Counter(
        option_id for s in submissions for option_id in set(chosen(s.answers.get(question_id)))
    )
    ranked = sorted(enumerate(options), key=lambda item: (-counts[item[1].id], item[0]))
    return [Tally(o.label(lang), counts[o.id]) for _, o in ranked if counts[o.id]]


def _excerpts(
    content: Content, submissions: list[Submission], lang: Lang, briefs: PlanBriefs
) -> list[str]:
    """Return a line per consenting student; anonymous lines sorted so order tells nothing."""
    named, anonymous = consenting(submissions, briefs, lang)
    label = content.report["anonymous"](lang)
    return [_line(content, lang, shown_name(s.name), *briefs(s.answers, lang)) for s in named] + [
        _line(content, lang, label.format(n=number), *briefs(s.answers, lang))
        for number, s in enumerate(anonymous, start=1)
    ]


def consenting(
    submissions: list[Submission], briefs: PlanBriefs, lang: Lang
) -> tuple[list[Submission], list[Submission]]:
    """Split the students who shared into named and anonymous ones.

    The named ones keep the order they finished in. The anonymous ones are sorted by their
    excerpt, then by their answers, so that their order tells nothing about who finished when.
    """
    named = [s for s in submissions if s.share == "named" and shown_name(s.name)]
    anonymous = [
        s
        for s in submissions
        if s.share == "anonymous" or (s.share == "named" and not shown_name(s.name))
    ]
    anonymous.sort(key=lambda s: (briefs(s.answers, lang), json.dumps(s.answers, sort_keys=True)))
    return named, anonymous


def _first_words(brief: str) -> str:
    """Return a teacher's case on one line, cut to what a report's intro line can hold."""
    line = " ".join(brief.split())
    return line if len(line) <= MAX_BRIEF else line[: MAX_BRIEF - 1].rstrip() + "…"


def shown_name(name: str | None) -> str:
    """Return a shared name as the report shows it: one line, spaces tidied, cut if too long."""
    return " ".join((name or "").split())[:MAX_NAME_LENGTH].strip()


def _plan_in_brief(content: Content, answers: Answers, lang: Lang) -> tuple[str, str]:
    """Return the goal and the card's primary networks: no free text, so nothing identifying."""
    goal = answers.get(GOAL)
    labels = {o.id: o.label(lang) for o in content.question(GOAL).options}
    objective = labels.get(goal, "") if isinstance(goal, str) else ""
    card = build_card(content, answers, lang)
    primary = fill(content.card.phrases["primary"](lang), content, answers, lang)
    networks = join_phrases((p.name for p in card.platforms if p.tier == primary), lang)
    return objective or content.text("not_given")(lang), networks


def _line(content: Content, lang: Lang, label: str, objective: str, networks: str) -> str:
    return content.report["excerpt"](lang).format(
        label=label, objective=objective, networks=networks
    )


def percent_of_finished(count: int, report: ClassReport) -> int:
    """Return a count as a whole percentage of the students who finished, halves up."""
    return _half_up(100 * count / report.finished) if report.finished else 0


def decimal_shown(number: float, lang: Lang) -> str:
    """Return a number with one decimal, as each language writes it (83,5 or 83.5)."""
    shown = f"{number:.1f}"
    return shown.replace(".", ",") if lang == "it" else shown


def _half_up(number: float) -> int:
    """Round as people do: halves go up (12.5 -> 13), unlike round()'s halves to even."""
    return math.floor(number + 0.5)

"""The card as sections of lines, so the chat message, the text file and the image say the same."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from flows.card import StrategyCard
from flows.datefmt import clock_label, day_label, range_label
from flows.editorial import TASK_TIME

LineKind = Literal["text", "bullet", "subhead", "post", "task", "review", "date", "note"]


@dataclass(frozen=True)
class Line:
    """One line of a section: a text, and maybe a bold label before it."""

    text: str
    kind: LineKind = "text"
    label: str | None = None


@dataclass(frozen=True)
class Section:
    """A titled part of the card."""

    key: str
    title: str
    lines: list[Line]


def card_sections(card: StrategyCard) -> list[Section]:
    """Return every section of the card, in the order every rendering shows them."""
    title = card.titles
    sections = [
        Section("snapshot", title["snapshot"], [Line(card.snapshot)]),
        Section("objective", title["objective"], [Line(card.objective)]),
        Section("target", title["target"], [Line(card.target)]),
        Section("platforms", title["platforms"], _platform_lines(card)),
        Section("advice", title["advice"], [Line(tip, "bullet") for tip in card.advice]),
        Section("pillars", title["pillars"], [Line(p, "bullet") for p in card.pillars]),
        Section("mix", title["mix"], [Line(card.mix)]),
        Section("cadence", title["cadence"], [Line(card.cadence_total)]),
        Section("replies", title["replies"], [Line(card.replies)]),
        Section("budget", title["budget"], [Line(b, "bullet") for b in card.budget]),
        Section(
            "kpis",
            title["kpis"],
            [Line(k.how, "bullet", k.name) for k in card.kpis] + [Line(card.review)],
        ),
        Section(
            "mistakes",
            title["mistakes"],
            [Line(m.fix, "bullet", f"{m.number}. {m.title}") for m in card.mistakes]
            or [Line(card.no_mistakes)],
        ),
        Section("next_30_days", title["next_30_days"], _calendar_lines(card)),
        Section("dates", title["dates"], _date_lines(card)),
    ]
    if card.assumptions:
        notes = [Line(note, "note") for note in card.assumptions]
        sections.append(Section("assumptions", title["assumptions"], notes))
    return [section for section in sections if section.lines]


def _platform_lines(card: StrategyCard) -> list[Line]:
    lines = []
    for plan in card.platforms:
        lines.append(Line(plan.role, "subhead", f"{plan.name} ({plan.tier})"))
        lines.append(Line("; ".join(plan.reasons), "bullet"))
        lines.append(Line(", ".join(plan.formats), "bullet"))
        lines.append(Line(plan.cadence, "bullet"))
        lines.append(Line(plan.tone, "bullet"))
        if plan.fact:
            lines.append(Line(plan.fact, "bullet"))
    if card.starter:
        lines.append(Line(card.starter, "note"))
    lines += [Line(later, "note") for later in card.later]
    return lines


def _calendar_lines(card: StrategyCard) -> list[Line]:
    lang = card.lang
    lines = []
    for week in card.calendar.weeks:
        heading = card.titles["week"].format(week=week.number)
        lines.append(Line(range_label(week.start, week.end, lang), "subhead", heading))
        timed: list[tuple[dt.datetime, int, Line]] = [
            (
                dt.datetime.combine(task.day, TASK_TIME),
                0,
                Line(task.text, "task", day_label(task.day, lang)),
            )
            for task in week.tasks
        ]
        for post in week.posts:
            when = f"{day_label(post.at.date(), lang)} {clock_label(post.at)}"
            label = " · ".join([when, post.network, post.format])
            timed.append((post.at, 1, Line(post.idea, "post", label)))
        when = f"{day_label(week.review.date(), lang)} {clock_label(week.review)}"
        timed.append((week.review, 2, Line(card.review_task, "review", when)))
        lines += [line for _, _, line in sorted(timed, key=lambda item: item[:2])]
    return lines


def _date_lines(card: StrategyCard) -> list[Line]:
    lang = card.lang
    lines = []
    for date in card.calendar.dates:
        lines.append(
            Line(f"{card.date_name(date)}: {date.note}", "date", day_label(date.day, lang))
        )
    return lines

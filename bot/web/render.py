"""The class page as HTML (a Jinja2 template, every text escaped) and its results as CSV."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from jinja2 import Environment, PackageLoader, select_autoescape

from bot.web.snapshot import ClassSnapshot
from flows.content import Content
from flows.i18n import Lang
from flows.report import ClassReport, decimal_shown, percent_of_finished
from flows.ui_keys import UiKey

MAX_NETWORK_BARS = 6
"""The networks most chosen; the rest would not fit a projector without scrolling."""
MAX_EXCERPTS = 3
"""Shared excerpts shown at once, a whole line each; the others are counted, all in the CSV."""
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""A spreadsheet runs a cell that starts with one of these as a formula."""

_templates = Environment(
    loader=PackageLoader("bot.web"),
    autoescape=select_autoescape(default=True),
    trim_blocks=True,
    lstrip_blocks=True,
)


@dataclass(frozen=True)
class Bar:
    """One bar of a chart: its label, how many students, and its length in percent."""

    label: str
    count: int
    percent: int
    shown: str


@dataclass(frozen=True)
class PageView:
    """Everything the template shows, already worded and counted."""

    lang: Lang
    title: str
    plan_for: str
    open: bool
    joined: int
    finished: int
    readiness: str
    goals: list[Bar]
    networks: list[Bar]
    mistakes: list[Bar]
    excerpts: list[str]
    more_excerpts: str | None
    words: dict[str, str]


class ClassPageRenderer:
    """Renders the page, its live part and its CSV in the class's language."""

    def __init__(self, content: Content) -> None:
        self.content = content
        self._page = _templates.get_template("class_page.html")
        self._live = _templates.get_template("class_live.html")

    def page(self, snapshot: ClassSnapshot, events_url: str, results_url: str) -> str:
        """Return the whole page, with its current state already in it."""
        return self._page.render(
            view=self.view(snapshot), events_url=events_url, results_url=results_url
        )

    def live(self, snapshot: ClassSnapshot) -> str:
        """Return the part of the page that changes, as the live updates replace it."""
        return self._live.render(view=self.view(snapshot))

    def view(self, snapshot: ClassSnapshot) -> PageView:
        """Word and count what the page shows."""
        info, report, lang = snapshot.info, snapshot.report, snapshot.info.lang
        word = self._words(lang)
        of = self.content.text("page_of_students")(lang)
        excerpts = [line.removeprefix("• ") for line in report.excerpts]
        hidden = len(excerpts) - MAX_EXCERPTS
        more = self.content.text("page_more_excerpts")(lang).format(n=hidden)
        return PageView(
            lang=lang,
            title=info.title,
            plan_for=self._plan_for(snapshot),
            open=info.open,
            joined=report.joined,
            finished=report.finished,
            readiness=decimal_shown(report.readiness, lang)
            if report.readiness is not None
            else "–",
            goals=[_bar(t.label, t.students, report, of) for t in report.objectives],
            networks=[
                _bar(t.label, t.students, report, of) for t in report.networks[:MAX_NETWORK_BARS]
            ],
            mistakes=[
                _bar(f"{m.number}. {m.title}", m.students, report, of) for m in report.mistakes
            ],
            excerpts=excerpts[:MAX_EXCERPTS],
            more_excerpts=more if hidden > 0 else None,
            words=word,
        )

    def results_csv(self, snapshot: ClassSnapshot) -> bytes:
        """Return the consented results as CSV, UTF-8 with a BOM so spreadsheets read accents."""
        lang = snapshot.info.lang
        text = self.content.text
        columns: tuple[UiKey, ...] = (
            "page_csv_student",
            "page_csv_goal",
            "page_csv_networks",
            "page_csv_formats",
            "page_csv_mistakes",
            "page_csv_readiness",
        )
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow([text(key)(lang) for key in columns])
        for row in snapshot.results:
            writer.writerow(
                [
                    _inert(row.student),
                    row.goal,
                    "; ".join(row.networks),
                    "; ".join(row.formats),
                    "; ".join(row.mistakes),
                    row.readiness,
                ]
            )
        return out.getvalue().encode("utf-8-sig")

    def _plan_for(self, snapshot: ClassSnapshot) -> str:
        report, lang, text = snapshot.report, snapshot.info.lang, self.content.text
        if report.case is not None:
            return text("cls_plan_for_case")(lang).format(case=report.case)
        if report.brief is not None:
            return f"{text('cls_plan_for_brief')(lang)}: {report.brief}"
        return text("cls_plan_for_own")(lang)

    def _words(self, lang: Lang) -> dict[str, str]:
        text, report = self.content.text, self.content.report
        keys: tuple[UiKey, ...] = (
            "page_heading",
            "page_joined",
            "page_finished",
            "page_readiness",
            "page_live",
            "page_reconnecting",
            "page_closed",
            "page_waiting",
            "page_how_to_join",
            "page_download",
        )
        words = {key.removeprefix("page_"): text(key)(lang) for key in keys}
        for section in ("section_objectives", "section_networks", "section_mistakes"):
            words[section.removeprefix("section_")] = report[section](lang)
        words["excerpts"] = report["section_excerpts"](lang)
        words["no_excerpts"] = report["no_excerpts"](lang)
        return words


def _bar(label: str, count: int, report: ClassReport, of: str) -> Bar:
    """Return one bar: how many of the finished students, as a length and in words."""
    shown = of.format(count=count, finished=report.finished)
    return Bar(label, count, percent_of_finished(count, report), shown)


def _inert(cell: str) -> str:
    """Keep a typed name from running as a formula when the CSV is opened in a spreadsheet."""
    return "'" + cell if cell.startswith(FORMULA_STARTS) else cell

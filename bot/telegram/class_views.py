"""What a class looks like in Telegram: the group's announcement and the report, as HTML."""

from __future__ import annotations

from html import escape

from bot.storage.classes import ClassInfo
from bot.telegram.views import Views
from flows.content import Case
from flows.report import ClassReport, report_sections


class ClassViews:
    """Renders a class's messages in its teacher's language, every user text escaped."""

    def __init__(self, views: Views) -> None:
        self.views = views
        self.content = views.content

    def announcement(self, info: ClassInfo, case: Case | None, joined: int, finished: int) -> str:
        """Render the group's class message with its live counts."""
        lang, ui = info.lang, self.views.ui
        if case is not None:
            plan_for = ui("cls_plan_for_case", lang, case=case.title(lang))
        elif info.brief:
            plan_for = ui("cls_plan_for_brief", lang) + "\n" + escape(info.brief)
        else:
            plan_for = ui("cls_plan_for_own", lang)
        body = self.content.text("cls_announcement")(lang)
        title_html = f"<b>{escape(info.title)}</b>"
        html = escape(body).replace("{title}", title_html).replace("{plan_for}", plan_for)
        html += "\n\n" + ui("cls_counts", lang, joined=joined, finished=finished)
        if not info.open:
            html += "\n" + ui("cls_closed_tag", lang)
        return html

    def report(self, report: ClassReport, info: ClassInfo) -> list[str]:
        """Render the class report as blocks, one per section."""
        return [
            "\n".join(
                ([f"<b>{escape(section.title)}</b>"] if section.title else [])
                + [escape(line) for line in section.lines]
            )
            for section in report_sections(report, self.content, info.lang)
        ]

"""What the coach's outputs look like in a Telegram chat: HTML, always escaped."""

from __future__ import annotations

import re
from html import escape, unescape

from flows.card import StrategyCard
from flows.card_sections import Line, Section, card_sections
from flows.content import Content
from flows.i18n import Lang
from flows.outputs import ClarifyView, MistakeView, Notice, QuestionView
from flows.ui_keys import UiKey

MAX_MESSAGE = 4096
"""Telegram's limit, counted on the text a reader sees: after the HTML tags are parsed away."""
TAG = re.compile(r"<[^>]*>")


def visible_length(html: str) -> int:
    """Return the length Telegram checks: the text without its tags, in UTF-16 code units.

    Every user text is escaped before it joins our HTML, so a `<` always opens one of our tags.
    UTF-16 units are what Telegram counts its entities in; an emoji may be two of them, so this
    never undercounts whichever way Telegram counts.
    """
    return len(unescape(TAG.sub("", html)).encode("utf-16-le")) // 2


class Views:
    """Renders outputs as Telegram HTML in the user's language."""

    def __init__(self, content: Content) -> None:
        self.content = content

    def ui(self, key: UiKey, lang: Lang, **values: object) -> str:
        """Return a UI string, filled and HTML-escaped."""
        return escape(self.content.text(key)(lang).format(**values))

    def notice(self, notice: Notice) -> str:
        """Render a short notice line."""
        return ("❗ " if notice.is_error else "ℹ️ ") + escape(notice.text)

    def question(self, question: QuestionView, lang: Lang, for_name: str | None = None) -> str:
        """Render the question with its progress, help and how to answer."""
        lines = []
        if for_name:
            lines.append(self.ui("tg_for_user", lang, name=for_name))
        lines.append(f"<i>{self.ui('progress', lang, k=question.step, n=question.total)}</i>")
        lines.append(f"<b>{escape(question.prompt)}</b>")
        if not question.brief:
            lines.append(escape(question.help))
        if question.kind == "multi":
            lines.append(f"<i>{self.ui('tg_hint_multi', lang)}</i>")
        elif question.kind == "text":
            if question.current_text:
                lines.append(self.ui("console_current", lang, answer=question.current_text))
            hint: UiKey = "tg_hint_text" if question.required else "tg_hint_text_skip"
            lines.append(f"<i>{self.ui(hint, lang)}</i>")
        return "\n".join(lines)

    def clarify(self, clarify: ClarifyView, lang: Lang, for_name: str | None = None) -> str:
        """Render a question back: what was unclear, with its readings as buttons below."""
        asked = f"🤔 {escape(clarify.text)}\n<i>{self.ui('tg_clarify_hint', lang)}</i>"
        return f"{self.ui('tg_for_user', lang, name=for_name)}\n{asked}" if for_name else asked

    def quote(self, heading_key: UiKey, lang: Lang, text: str) -> str:
        """Render someone's own words under a bold heading, escaped."""
        return f"<b>{self.ui(heading_key, lang)}</b>\n{escape(text)}"

    def answered(self, prompt: str, answer: str) -> str:
        """Render a question once answered: its prompt and the answer just given."""
        return f"<b>{escape(prompt)}</b>\n✔️ {escape(answer)}"

    def mistake(self, mistake: MistakeView, lang: Lang) -> str:
        """Render a mistake as its own message: title, why it hurts here, what to do."""
        heading = self.ui("mistake_heading", lang, number=mistake.number, title=mistake.title)
        return (
            f"<b>{heading}</b>\n\n"
            f"<b>{self.ui('mistake_why', lang)}</b>: {escape(mistake.why)}\n\n"
            f"<b>{self.ui('mistake_fix', lang)}</b>: {escape(mistake.fix)}"
        )

    def card(self, card: StrategyCard) -> list[str]:
        """Render the card as HTML messages, each under Telegram's 4,096 characters."""
        blocks = [self.card_heading(card)]
        for section in card_sections(card):
            blocks += self.section_blocks(section)
        return split_messages(blocks)

    def card_heading(self, card: StrategyCard) -> str:
        """Render the card's title line."""
        return f"<b>📋 {escape(card.titles['heading'])}</b>"

    def section_blocks(self, section: Section) -> list[str]:
        """Render a section as blocks that each start on a week.

        A message may end between two blocks, so a long calendar goes out in whole weeks.
        """
        icon = SECTION_ICONS.get(section.key, "•")
        head = f"<b>{icon} {escape(section.title)}</b>"
        return _chunks(head, [_line_html(line) for line in section.lines])


SECTION_ICONS = {
    "snapshot": "🏪",
    "objective": "🎯",
    "target": "👥",
    "platforms": "📱",
    "advice": "🧭",
    "pillars": "🧱",
    "mix": "⚖️",
    "cadence": "🗓",
    "replies": "💬",
    "budget": "💶",
    "kpis": "📈",
    "mistakes": "⚠️",
    "next_30_days": "✅",
    "dates": "📅",
    "assumptions": "ℹ️",
}
LINE_ICONS = {"post": "📌", "task": "☑️", "review": "🔎", "date": "•", "bullet": "•"}


def _line_html(line: Line) -> str:
    text = escape(line.text)
    if line.kind == "subhead":
        return f"\n<b>{escape(line.label or '')}</b> — {text}" if line.label else f"\n<b>{text}</b>"
    if line.kind == "note":
        return f"<i>{text}</i>"
    if line.kind == "text":
        return text
    icon = LINE_ICONS[line.kind]
    return f"{icon} <b>{escape(line.label)}</b>: {text}" if line.label else f"{icon} {text}"


def _chunks(head: str, lines: list[str]) -> list[str]:
    """Group a section's lines into blocks, one per week, so a message may end between weeks."""
    blocks: list[str] = []
    current = [head]
    for line in lines:
        if line.startswith("\n") and len(current) > 1:
            blocks.append("\n".join(current))
            current = [line.lstrip("\n")]
        else:
            current.append(line)
    blocks.append("\n".join(current))
    return blocks


def split_messages(blocks: list[str], limit: int = MAX_MESSAGE) -> list[str]:
    """Pack whole blocks into messages whose visible text is under the limit.

    A block never splits mid-tag: one too long for a message is cut at a line break (our tags
    close on the line they open).
    """
    messages: list[str] = []
    current = ""
    for block in blocks:
        candidate = f"{current}\n\n{block}" if current else block
        if visible_length(candidate) <= limit:
            current = candidate
            continue
        if current:
            messages.append(current)
        rest = block
        while visible_length(rest) > limit:
            lines = rest.split("\n")
            fits = 1
            while fits < len(lines) and visible_length("\n".join(lines[: fits + 1])) <= limit:
                fits += 1
            if fits == 1 and visible_length(lines[0]) > limit:  # one line longer than a message
                lines[:1] = [lines[0][:limit], lines[0][limit:]]
            messages.append("\n".join(lines[:fits]))
            rest = "\n".join(lines[fits:]).lstrip("\n")
        current = rest
    if current:
        messages.append(current)
    return messages

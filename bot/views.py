"""What the coach's outputs look like in a Telegram chat: HTML, always escaped."""

from __future__ import annotations

from html import escape

from flows.card import StrategyCard
from flows.coach import MistakeView, Notice, QuestionView
from flows.content import Content
from flows.i18n import Lang

MAX_MESSAGE = 4096


class Views:
    """Renders outputs as Telegram HTML in the user's language."""

    def __init__(self, content: Content) -> None:
        self.content = content

    def ui(self, key: str, lang: Lang, **values: object) -> str:
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
        lines.append(escape(question.help))
        if question.kind == "multi":
            lines.append(f"<i>{self.ui('tg_hint_multi', lang)}</i>")
        elif question.kind == "text":
            if question.current_text:
                lines.append(self.ui("console_current", lang, answer=question.current_text))
            hint = "tg_hint_text" if question.required else "tg_hint_text_skip"
            lines.append(f"<i>{self.ui(hint, lang)}</i>")
        return "\n".join(lines)

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
        title = card.titles
        blocks = [
            f"<b>📋 {escape(title['heading'])}</b>\n{escape(card.snapshot)}",
            _section(f"🎯 {title['objective']}", [card.objective]),
            _section(f"👥 {title['target']}", [card.target]),
            _section(
                f"📱 {title['platforms']}",
                [
                    f"<b>{escape(p.name)}</b> ({escape(p.tier)}) — {escape(p.role)}\n"
                    f"   {escape('; '.join(p.reasons))}\n"
                    f"   {escape(', '.join(p.formats))}\n"
                    f"   {escape(p.cadence)}"
                    for p in card.platforms
                ],
                escaped=True,
            ),
            _section(f"🧱 {title['pillars']}", [f"• {p}" for p in card.pillars]),
            _section(f"⚖️ {title['mix']}", [card.mix]),
            _section(f"🗓 {title['cadence']}", [card.cadence_total]),
            _section(f"💬 {title['replies']}", [card.replies]),
            _section(f"💶 {title['budget']}", [f"• {line}" for line in card.budget]),
            _section(
                f"📈 {title['kpis']}",
                [f"• <b>{escape(k.name)}</b>: {escape(k.how)}" for k in card.kpis]
                + [escape(card.review)],
                escaped=True,
            ),
            _section(
                f"⚠️ {title['mistakes']}",
                [f"{m.number}. <b>{escape(m.title)}</b> — {escape(m.fix)}" for m in card.mistakes]
                or [escape(card.no_mistakes)],
                escaped=True,
            ),
            _section(
                f"✅ {title['next_30_days']}",
                [
                    f"<b>{escape(title['week'].format(week=week))}</b>\n"
                    + "\n".join(f"• {escape(s.text)}" for s in card.next_30_days if s.week == week)
                    for week in sorted({s.week for s in card.next_30_days})
                ],
                escaped=True,
            ),
        ]
        if card.skipped:
            blocks.append(f"<i>{escape(title['assumptions'])}: {escape(card.skipped)}</i>")
        return split_messages(blocks)


def _section(heading: str, lines: list[str], escaped: bool = False) -> str:
    body = "\n".join(lines if escaped else [escape(line) for line in lines])
    return f"<b>{escape(heading)}</b>\n{body}"


def split_messages(blocks: list[str], limit: int = MAX_MESSAGE) -> list[str]:
    """Pack whole blocks into messages under the limit; a block never splits mid-tag."""
    messages: list[str] = []
    current = ""
    for block in blocks:
        candidate = f"{current}\n\n{block}" if current else block
        if len(candidate) <= limit:
            current = candidate
            continue
        if current:
            messages.append(current)
        rest = block
        while len(rest) > limit:  # one huge block: cut at a line break, tags close per line
            cut = rest.rfind("\n", 0, limit)
            cut = cut if cut > 0 else limit
            messages.append(rest[:cut])
            rest = rest[cut:].lstrip("\n")
        current = rest
    if current:
        messages.append(current)
    return messages

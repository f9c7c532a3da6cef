"""Plain-text / Markdown rendering of the strategy card."""

from __future__ import annotations

from flows.card import StrategyCard
from flows.card_sections import Line, card_sections


def render_markdown(card: StrategyCard) -> str:
    """Render the card as Markdown that also reads well as plain text."""
    lines = [f"# {card.titles['heading']}", ""]
    for section in card_sections(card):
        lines.append(f"## {section.title}")
        lines += [_line(line) for line in section.lines]
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def _line(line: Line) -> str:
    label = f"**{line.label}**" if line.label else ""
    if line.kind == "subhead":
        return f"\n**{line.label}** — {line.text}" if line.label else f"\n**{line.text}**"
    if line.kind in ("post", "task", "review", "date"):
        return f"- {label}: {line.text}"
    if line.kind == "bullet":
        return f"- {label}: {line.text}" if label else f"- {line.text}"
    if line.kind == "note":
        return f"_{line.text}_"
    return line.text

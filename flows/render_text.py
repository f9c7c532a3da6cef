"""Plain-text / Markdown rendering of the strategy card."""

from __future__ import annotations

from flows.card import StrategyCard


def render_markdown(card: StrategyCard) -> str:
    """Render the card as Markdown that also reads well as plain text."""
    title = card.titles
    lines = [f"# {title['heading']}", "", f"## {title['snapshot']}", card.snapshot, ""]
    lines += [f"## {title['objective']}", card.objective, ""]
    lines += [f"## {title['target']}", card.target, ""]
    lines += [f"## {title['platforms']}"]
    for plan in card.platforms:
        lines.append(f"- **{plan.name}** ({plan.tier}) — {plan.role}")
        lines.append(f"  - {'; '.join(plan.reasons)}")
        lines.append(f"  - {', '.join(plan.formats)}")
        lines.append(f"  - {plan.cadence}")
    lines += ["", f"## {title['pillars']}", *(f"- {pillar}" for pillar in card.pillars), ""]
    lines += [f"## {title['mix']}", card.mix, ""]
    lines += [f"## {title['cadence']}", card.cadence_total, ""]
    lines += [f"## {title['replies']}", card.replies, ""]
    lines += [f"## {title['budget']}", *(f"- {line}" for line in card.budget), ""]
    lines += [f"## {title['kpis']}", *(f"- **{kpi.name}**: {kpi.how}" for kpi in card.kpis)]
    lines += [card.review, ""]
    lines += [f"## {title['mistakes']}"]
    if card.mistakes:
        lines += [f"- ⚠️ {m.number}. **{m.title}** — {m.fix}" for m in card.mistakes]
    else:
        lines.append(card.no_mistakes)
    lines += ["", f"## {title['next_30_days']}"]
    for week in sorted({step.week for step in card.next_30_days}):
        lines.append(f"**{title['week'].format(week=week)}**")
        lines += [f"- {step.text}" for step in card.next_30_days if step.week == week]
    if card.skipped:
        lines += ["", f"_{title['assumptions']}: {card.skipped}_"]
    return "\n".join(lines).rstrip() + "\n"

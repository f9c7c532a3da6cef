"""A card as one message with tabs: the strategy, its parts and each week, one at a time."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.telegram.callbacks import CardTabTap
from bot.telegram.views import MAX_MESSAGE, Views, split_messages, visible_length
from flows.card import StrategyCard
from flows.card_sections import Section, card_sections
from flows.ui_keys import UiKey

TAB_GROUPS: tuple[tuple[UiKey, int, tuple[str, ...]], ...] = (
    ("tg_tab_strategy", 0, ("snapshot", "objective", "target", "platforms")),
    ("tg_tab_content", 0, ("advice", "pillars", "mix", "cadence", "replies")),
    ("tg_tab_measure", 1, ("budget", "kpis")),
    ("tg_tab_mistakes", 1, ("mistakes", "assumptions")),
    ("tg_tab_week", 2, ("next_30_days",)),
    ("tg_tab_dates", 3, ("dates",)),
)
"""Each tab's label, its row of buttons and the sections it shows; the calendar is a tab a week."""
WEEKS_SECTION = "next_30_days"
TAB_LIMIT = MAX_MESSAGE - 1000
"""Room left in the first tab for the answer and any mistake it closes with."""
CURRENT = "▸ "


@dataclass(frozen=True)
class CardTab:
    """One tab: its button's label, its row of buttons, and the HTML it shows."""

    label: str
    row: int
    html: str


class CardTabs:
    """Renders a card as tabs and their buttons."""

    def __init__(self, views: Views) -> None:
        self.views = views

    def tabs(self, card: StrategyCard, footer: str | None = None) -> list[CardTab]:
        """Return the card's tabs, each under Telegram's limit, in button order.

        The first tab ends with a hint to the others; a footer ends every tab.
        """
        lang = card.lang
        by_key = {section.key: section for section in card_sections(card)}
        heading = self.views.card_heading(card)
        tabs: list[CardTab] = []
        for label_key, row, keys in TAB_GROUPS:
            label = self.views.content.text(label_key)(lang)
            sections = [by_key[key] for key in keys if key in by_key]
            if keys == (WEEKS_SECTION,) and sections:
                for number, week in enumerate(_weeks(sections[0]), start=1):
                    blocks = self.views.section_blocks(week)
                    tabs += self._tab(label.format(n=number), row, heading, blocks, card)
                continue
            blocks = [block for section in sections for block in self.views.section_blocks(section)]
            if blocks:
                tabs += self._tab(label, row, heading, blocks, card)
        tabs[0] = replace(
            tabs[0], html=f"{tabs[0].html}\n\n<i>{self.views.ui('tg_tab_hint', lang)}</i>"
        )
        if footer:
            tabs = [replace(tab, html=f"{tab.html}\n\n{footer}") for tab in tabs]
        return tabs

    def keyboard(
        self,
        tabs: list[CardTab],
        shown: int,
        card_id: int,
        card: StrategyCard,
        below: Sequence[Sequence[InlineKeyboardButton]] = (),
    ) -> InlineKeyboardMarkup:
        """Return the tab buttons, the shown one marked, then the rows `below` them.

        Each tab's button names the card and the day it was made for.
        """
        day = card.made_on.strftime("%Y%m%d")
        rows: list[list[InlineKeyboardButton]] = []
        last_row = -1
        for index, tab in enumerate(tabs):
            if tab.row != last_row:
                rows.append([])
                last_row = tab.row
            label = (CURRENT if index == shown else "") + tab.label
            data = CardTabTap(str(card_id), day, str(index)).pack()
            rows[-1].append(InlineKeyboardButton(label, callback_data=data))
        return InlineKeyboardMarkup([*rows, *below])

    def with_lead(self, card: StrategyCard, tab: CardTab, shown_html: str) -> str:
        """Return the tab under what the message showed above the card, when both fit."""
        at = shown_html.find(self.views.card_heading(card))
        lead = shown_html[:at].rstrip() if at > 0 else ""
        html = f"{lead}\n\n{tab.html}" if lead else tab.html
        return html if visible_length(html) <= MAX_MESSAGE else tab.html

    def _tab(
        self, label: str, row: int, heading: str, blocks: list[str], card: StrategyCard
    ) -> list[CardTab]:
        """One tab, or several numbered ones when its text is longer than a message.

        Every page starts with the card's title, which is also where a tap finds what the
        message showed above the card.
        """
        room = TAB_LIMIT - visible_length(heading) - 2
        pages = [f"{heading}\n\n{page}" for page in split_messages(blocks, room)]
        if len(pages) == 1:
            return [CardTab(label, row, pages[0])]
        part = self.views.content.text("tg_tab_part")(card.lang)
        count = len(pages)
        return [
            CardTab(part.format(label=label, k=k, n=count), row, page)
            for k, page in enumerate(pages, start=1)
        ]


def _weeks(section: Section) -> list[Section]:
    """Split the calendar into one section per week, each under the calendar's own title."""
    weeks: list[Section] = []
    for line in section.lines:
        if line.kind == "subhead" or not weeks:
            weeks.append(Section(section.key, section.title, []))
        weeks[-1].lines.append(line)
    return weeks

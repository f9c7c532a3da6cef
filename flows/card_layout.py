"""The card laid out on pages, measuring only: which blocks go on which page, and where.

A line of a section moves whole to the next page unless it is taller than a page; a section
title or a subheading always shares its page with what follows. The first page opens with the
card's heading and snapshot; later pages with a slim band (heading and page number) and, when
they go on with a section, a line naming it, so a page read alone is still recognisable.
"""

from __future__ import annotations

from dataclasses import dataclass

from flows.card import StrategyCard
from flows.card_blocks import card_blocks, context_label
from flows.card_glyphs import printable_title
from flows.card_sections import Section, card_sections
from flows.card_shapes import CHROME, Block, PageLayout, Pen, Run, Shape
from flows.card_style import (
    ACCENT,
    BAND,
    BAND_NUMBER,
    BOTTOM_PAD,
    COLUMN,
    CONTEXT,
    FOOTER,
    HEADER,
    MIN_HEIGHT,
    PAGE_HEIGHT,
    PAGE_NUMBER,
    SIDE,
    TOP_PAD,
    WIDTH,
    Type,
)
from flows.card_wrap import Wrapped, break_lines, text_length

CONTEXT_GAP = 13
NUMBER_ROOM = 100
"""Room at the right of a page's band for its number, "10/10" at most."""


@dataclass(frozen=True)
class _Frame:
    """Where content goes on a page after the first: below the band, above the footer."""

    band: Wrapped
    top: int
    reserve: int
    """Room kept under the band for the line that names the section a page goes on with."""
    bottom: int = PAGE_HEIGHT - FOOTER - BOTTOM_PAD

    @property
    def room(self) -> int:
        """Return the height a block may take on a page of its own."""
        return self.bottom - self.top - self.reserve


def _frame(card: StrategyCard, sections: list[Section]) -> _Frame:
    band = break_lines(printable_title(card.titles["heading"]), BAND.font, COLUMN - NUMBER_ROOM)
    contexts = [context_label(s.title, line.label) for s in sections for line in s.lines]
    reserve = max((_context_block(c).height for c in contexts), default=0) + CONTEXT_GAP
    return _Frame(band, _band_height(band) + TOP_PAD, reserve)


def _band_height(band: Wrapped) -> int:
    return 16 + len(band) * BAND.step + 13 + 4


def _context_block(context: str) -> Block:
    pen = Pen()
    pen.write(break_lines(context, CONTEXT.font, COLUMN), CONTEXT, SIDE, CHROME)
    return pen.block(0)


Placed = list[tuple[int, Block]]


def _paginate(blocks: list[Block], frame: _Frame) -> list[Placed]:
    """Stack blocks onto pages; a block that does not fit, with those it keeps, starts a page.

    A page that opens in the middle of a section first names it, in a line of its own.
    """
    pages: list[Placed] = [[]]
    y = 0
    for index, block in enumerate(blocks):
        top = y + block.gap if pages[-1] else y
        if pages[-1] and top + _needed(blocks, index, frame) > frame.bottom:
            pages.append([])
            top = frame.top
            if block.context:
                context = _context_block(block.context)
                pages[-1].append((top, context))
                top += context.height + CONTEXT_GAP
        pages[-1].append((top, block))
        y = top + block.height
    return pages


def _needed(blocks: list[Block], index: int, frame: _Frame) -> int:
    """Return the height of the block with the blocks it keeps with, if they fit a page."""
    height = blocks[index].height
    last = index
    while blocks[last].keep_with_next and last + 1 < len(blocks):
        last += 1
        height += blocks[last].gap + blocks[last].height
    return height if height <= frame.room else blocks[index].height


def layout_card(card: StrategyCard) -> list[PageLayout]:
    """Lay the whole card out on pages, measuring only: what each page draws, and where."""
    sections = card_sections(card)
    frame = _frame(card, sections)
    placed = _paginate(card_blocks(card, sections, frame.room), frame)
    return [_page(number, placed, frame) for number in range(1, len(placed) + 1)]


def _page(number: int, placed: list[Placed], frame: _Frame) -> PageLayout:
    items = placed[number - 1]
    end = items[-1][0] + items[-1][1].height + BOTTOM_PAD + FOOTER
    height = max(end, MIN_HEIGHT) if number == len(placed) else PAGE_HEIGHT
    page = PageLayout(number, len(placed), height)
    if number > 1:
        _band(page, frame.band)
    for top, block in items:
        page.place(block, top)
    if number == 1 and len(placed) > 1:
        _page_number(page, PAGE_NUMBER)
    page.shapes.append(Shape("rect", (0, height - FOOTER, WIDTH, height), HEADER))
    return page


def _band(page: PageLayout, band: Wrapped) -> None:
    height = _band_height(band) - 4
    page.shapes.append(Shape("rect", (0, 0, WIDTH, height), HEADER))
    page.shapes.append(Shape("rect", (0, height, WIDTH, height + 4), ACCENT))
    page.runs += [
        Run(text, SIDE, 16 + index * BAND.step, BAND, CHROME)
        for index, (text, _) in enumerate(band)
    ]
    _page_number(page, BAND_NUMBER)


def _page_number(page: PageLayout, style: Type) -> None:
    label = f"{page.number}/{page.total}"
    x = WIDTH - SIDE - round(text_length(style.font, label))
    page.runs.append(Run(label, x, 16, style, CHROME))

"""The card's sections as blocks: each line wrapped and drawn by the builder of its kind."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace

from flows.card import StrategyCard
from flows.card_glyphs import printable, printable_title
from flows.card_sections import Line, Section
from flows.card_shapes import CHROME, Block, Pen, Shape
from flows.card_style import (
    ACCENT,
    BELOW_PILL,
    BESIDE_PILL,
    BODY,
    BODY_ON_CHIP,
    BULLET_LABEL,
    CHIP,
    COLUMN,
    HEADER,
    HEADING,
    LABEL,
    NOTE,
    PAD,
    PANEL,
    PANEL_EDGE,
    PILL,
    RGB,
    SIDE,
    SNAPSHOT,
    SNAPSHOT_TITLE,
    TITLE,
    WARNING,
    WIDTH,
    Type,
)
from flows.card_wrap import Wrapped, break_label, break_lines, text_length

TITLE_GAP = 3
TITLE_INDENT = 19
BULLET_INDENT = 27
ENTRY_INDENT = 20
PILL_PADDING = PILL.size // 2 + 5
PILL_HEIGHT = round(PILL.size * 1.7)


@dataclass(frozen=True)
class _Entry:
    """A line of a section, wrapped: its label's lines and its text's lines, with their ids."""

    section: str
    label: Wrapped
    text: Wrapped
    label_id: int
    text_id: int


# Block builders, one for each kind of line.


def _header_top(lines: Wrapped, paragraph: int) -> Block:
    pen = Pen(48)  # room above for the page number
    pen.write(lines, HEADING, SIDE, paragraph)
    pen.y += 12
    pen.under(Shape("rect", (0, 0, WIDTH, pen.y), HEADER))
    return pen.block(0, keep_with_next=True)


def _header_text(entry: _Entry) -> Block:
    pen = Pen()
    pen.write(entry.label, SNAPSHOT_TITLE, SIDE, entry.label_id)
    pen.y += 4 if entry.label else 0
    pen.write(entry.text, SNAPSHOT, SIDE, entry.text_id)
    pen.y += 7
    pen.under(Shape("rect", (0, 0, WIDTH, pen.y), HEADER))
    return pen.block(0, keep_with_next=True)


def _header_end() -> Block:
    """Close the header, which has grown down with the snapshot's lines."""
    pen = Pen(27)
    pen.over(Shape("rect", (0, 0, WIDTH, pen.y), HEADER))
    pen.over(Shape("rect", (0, pen.y, WIDTH, pen.y + 7), ACCENT))
    pen.y += 7
    return pen.block(0)


def _section_title(lines: Wrapped, paragraph: int) -> Block:
    pen = Pen()
    pen.write(lines, TITLE, SIDE + TITLE_INDENT, paragraph)
    pen.over(Shape("round", (SIDE, 5, SIDE + 5, pen.y - 5), ACCENT, radius=3))
    pen.y += 12
    return pen.block(43, keep_with_next=True)


def _text(entry: _Entry) -> Block:
    pen = Pen(PAD - 4)
    pen.write(entry.label, BULLET_LABEL, SIDE + PAD, entry.label_id)
    pen.write(entry.text, BODY, SIDE + PAD, entry.text_id)
    pen.y += PAD - 4
    pen.under(Shape("round", (SIDE, 0, WIDTH - SIDE, pen.y), PANEL, PANEL_EDGE, 16))
    return pen.block(11)


def _bullet(entry: _Entry) -> Block:
    pen = Pen()
    x = SIDE + BULLET_INDENT
    middle = (BULLET_LABEL if entry.label else BODY).step // 2
    colour = WARNING if entry.section == "mistakes" else ACCENT
    pen.over(Shape("ellipse", (SIDE + 4, middle - 5, SIDE + 15, middle + 6), colour))
    pen.write(entry.label, BULLET_LABEL, x, entry.label_id)
    pen.y += 3 if entry.label else 0
    pen.write(entry.text, BODY, x, entry.text_id)
    return pen.block(16 if entry.label else 9)


def _subhead(entry: _Entry) -> Block:
    """Draw the label in a pill, the text beside it if it fits on the pill's line, else below."""
    pen = Pen()
    widest = max((text_length(PILL.font, text) for text, _ in entry.label), default=0)
    pill_width = round(widest) + 2 * PILL_PADDING
    pen.y = (PILL_HEIGHT - PILL.step) // 2
    pen.write(entry.label, PILL, SIDE + PILL_PADDING, entry.label_id)
    bottom = pen.y + (PILL_HEIGHT - PILL.step) // 2
    if entry.label:
        box = (SIDE, 0, SIDE + pill_width, bottom)
        pen.under(Shape("round", box, HEADER, radius=min(PILL_HEIGHT // 2, bottom // 2)))
    x = SIDE + pill_width + 13
    fits = (
        len(entry.text) == 1 and text_length(BESIDE_PILL.font, entry.text[0][0]) <= WIDTH - SIDE - x
    )
    if fits and len(entry.label) == 1:
        pen.y = (PILL_HEIGHT - BESIDE_PILL.step) // 2
        pen.write(entry.text, BESIDE_PILL, x, entry.text_id)
        pen.y = bottom
    else:
        pen.y = bottom + (7 if entry.label else 0)
        pen.write(entry.text, BELOW_PILL, SIDE, entry.text_id)
    pen.y += 4
    return pen.block(27, keep_with_next=True)


def _dated(marker: RGB) -> Callable[[_Entry], Block]:
    def build(entry: _Entry) -> Block:
        pen = Pen()
        x = SIDE + ENTRY_INDENT
        pen.write(entry.label, LABEL, x, entry.label_id)
        pen.y += 1 if entry.label else 0
        pen.write(entry.text, BODY, x, entry.text_id)
        pen.over(Shape("round", (SIDE, 4, SIDE + 5, pen.y - 4), marker, radius=3))
        return pen.block(15)

    return build


def _task(entry: _Entry) -> Block:
    pen = Pen()
    x = SIDE + ENTRY_INDENT + 4
    pen.write(entry.label, LABEL, x, entry.label_id)
    pen.y += 1 if entry.label else 0
    pen.write(entry.text, BODY, x, entry.text_id)
    top = (LABEL if entry.label else BODY).step // 2 - 7
    pen.over(Shape("box", (SIDE, top, SIDE + 15, top + 15), PANEL, HEADER, 3))
    return pen.block(15)


def _review(entry: _Entry) -> Block:
    pen = Pen(12)
    pen.write(entry.label, LABEL, SIDE + PAD, entry.label_id)
    pen.write(entry.text, BODY_ON_CHIP, SIDE + PAD, entry.text_id)
    pen.y += 12
    pen.under(Shape("round", (SIDE, 0, WIDTH - SIDE, pen.y), CHIP, radius=13))
    return pen.block(15)


def _note(entry: _Entry) -> Block:
    pen = Pen()
    x = SIDE + ENTRY_INDENT
    pen.write(entry.label, LABEL, x, entry.label_id)
    pen.write(entry.text, NOTE, x, entry.text_id)
    pen.over(Shape("round", (SIDE, 3, SIDE + 4, pen.y - 3), PANEL_EDGE, radius=2))
    return pen.block(13)


@dataclass(frozen=True)
class _Kind:
    """How one kind of line is wrapped and drawn."""

    label: Type
    text: Type
    label_width: int
    text_width: int
    build: Callable[[_Entry], Block]


_PANEL_WIDTH = COLUMN - 2 * PAD
_ENTRY_WIDTH = COLUMN - ENTRY_INDENT
KINDS: dict[str, _Kind] = {
    "header": _Kind(SNAPSHOT_TITLE, SNAPSHOT, COLUMN, COLUMN, _header_text),
    "text": _Kind(BULLET_LABEL, BODY, _PANEL_WIDTH, _PANEL_WIDTH, _text),
    "bullet": _Kind(BULLET_LABEL, BODY, COLUMN - BULLET_INDENT, COLUMN - BULLET_INDENT, _bullet),
    "subhead": _Kind(PILL, BELOW_PILL, COLUMN - 2 * PILL_PADDING, COLUMN, _subhead),
    "post": _Kind(LABEL, BODY, _ENTRY_WIDTH, _ENTRY_WIDTH, _dated(ACCENT)),
    "date": _Kind(LABEL, BODY, _ENTRY_WIDTH, _ENTRY_WIDTH, _dated(WARNING)),
    "task": _Kind(LABEL, BODY, _ENTRY_WIDTH - 4, _ENTRY_WIDTH - 4, _task),
    "review": _Kind(LABEL, BODY_ON_CHIP, _PANEL_WIDTH, _PANEL_WIDTH, _review),
    "note": _Kind(LABEL, NOTE, _ENTRY_WIDTH, _ENTRY_WIDTH, _note),
}


# The card, block by block.


def context_label(title: str, subhead: str | None = None) -> str:
    """Name where a page goes on from: the section's title, and its subheading if any."""
    parts = [printable_title(title), printable(subhead or "")]
    return " · ".join(part for part in parts if part)


def card_blocks(card: StrategyCard, sections: list[Section], room: int) -> list[Block]:
    """Return the card as blocks, in reading order, each at most `room` (a page) tall."""
    ids = iter(range(1_000_000))
    heading = break_lines(printable_title(card.titles["heading"]), HEADING.font, COLUMN)
    blocks = [_header_top(heading, next(ids))]
    if not sections or sections[0].key != "snapshot":
        blocks.append(_header_end())
    for index, section in enumerate(sections):
        if index == 0 and section.key == "snapshot":
            blocks += _header_blocks(section, ids, room)
        else:
            blocks += _section_blocks(section, ids, room)
    return blocks


def _header_blocks(section: Section, ids: Iterator[int], room: int) -> list[Block]:
    """Draw the snapshot inside the header, its title above it, then close the header."""
    first, *rest = section.lines
    lines = [Line(first.text, "text", section.title), *rest]
    return [b for line in lines for b in _line_blocks("snapshot", "header", line, ids, room)] + [
        _header_end()
    ]


def _section_blocks(section: Section, ids: Iterator[int], room: int) -> list[Block]:
    lines = break_lines(printable_title(section.title), TITLE.font, COLUMN - TITLE_INDENT)
    blocks = [_section_title(lines, next(ids))]
    subhead: str | None = None
    for line in section.lines:
        context = context_label(section.title, None if line.kind == "subhead" else subhead)
        made = _line_blocks(section.key, line.kind, line, ids, room)
        blocks += [replace(block, context=context) for block in made]
        subhead = line.label if line.kind == "subhead" else subhead
    if len(blocks) > 1:  # the title already leaves room below it
        blocks[1] = replace(blocks[1], gap=TITLE_GAP)
    return blocks


def _line_blocks(
    section: str, kind_name: str, line: Line, ids: Iterator[int], room: int
) -> list[Block]:
    kind = KINDS[kind_name]
    label = (
        break_label(printable(line.label), kind.label.font, kind.label_width) if line.label else []
    )
    label_id = next(ids) if line.label else CHROME
    text = break_lines(printable(line.text), kind.text.font, kind.text_width)
    entry = _Entry(section, label, text, label_id, next(ids))
    block = kind.build(entry)
    if block.height <= room or len(text) <= 1:
        return [block]
    return _split(entry, kind.build, room)


def _split(entry: _Entry, build: Callable[[_Entry], Block], room: int) -> list[Block]:
    """Cut a block taller than a page between its lines: the only way it can be shown whole."""
    blocks = []
    label, text = entry.label, entry.text
    while text:
        count = len(text)
        while count > 1 and build(replace(entry, label=label, text=text[:count])).height > room:
            count -= 1
        blocks.append(build(replace(entry, label=label, text=text[:count])))
        label, text = [], text[count:]
    return blocks

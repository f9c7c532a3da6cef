"""The strategy card as phone-portrait PNG pages: the whole card, every line, nothing cut.

Every section of `card_sections(card)` is drawn in order, every line in full. Text wraps
between words (a number keeps the short words beside it, as in "Mon 7 Dec"; a word wider than
a line breaks between letters) and flows onto as many 1080 x 1920 pages as it needs. A line of
a section moves whole to the next page unless it is taller than a page; a section title or a
subheading always shares its page with what follows. The first page opens with the card's
heading and snapshot; later pages with a slim band (heading and page number) and, when they
go on with a section, a line naming it, so a page read alone is still recognisable.

What is drawn of a text is `printable(text)`, one rule for every text on the card:

- letters, digits, punctuation and symbols that DejaVu Sans has in both weights are drawn
  as they are, accented letters included (combining accents are composed first, NFC);
- the emoji the product itself uses become a DejaVu symbol (``EMOJI_SYMBOLS``: ✅ → ✓, 🎯 →
  ◎ ...), and a title the page draws loses its leading product emoji, a pure decoration;
- invisible characters are dropped: control and format characters (zero-width joiner and
  spaces, direction marks), variation selectors, emoji skin-tone modifiers and tag characters;
- any other character becomes ``SUBSTITUTE`` (□), one per emoji (a ZWJ sequence, a flag or a
  keycap counts as one), so whatever a user typed leaves a visible trace. Right-to-left letters
  (Arabic, Hebrew) count as undrawable: the card is laid out left to right without shaping,
  so they would come out backwards and unjoined;
- any run of whitespace becomes one space.

Layout and drawing are separate: `layout_card` measures with the fonts only and returns each
page's shapes and lines of text; drawing then paints exactly those.
"""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Literal

from PIL import Image, ImageDraw, ImageFont

from flows.card import StrategyCard
from flows.card_sections import Line, Section, card_sections
from flows.content import default_content_dir

WIDTH = 1080
PAGE_HEIGHT = WIDTH * 16 // 9
"""Phone portrait, 9:16: within Telegram's photo limits (width + height <= 10000, < 10 MB)."""
MIN_HEIGHT = WIDTH * 5 // 4
"""A short last page is cut to its content, but never below 4:5, so it stays portrait."""
MARGIN = 64
INNER = WIDTH - 2 * MARGIN
"""The margin and text width of charts drawn in this style."""
SIDE = 48
COLUMN = WIDTH - 2 * SIDE
"""The card pages' margin and text width: narrow, since every line the page saves counts."""
PAD = 32
FOOTER = 14
BOTTOM_PAD = 48
TOP_PAD = 40
"""Room between a continuation page's band and its first block."""
LINE_SPACING = 1.34

FONT_FILES = {False: "DejaVuSans.ttf", True: "DejaVuSans-Bold.ttf"}
ELLIPSIS = "…"
SEPARATOR = "·"
"""Between the parts of a label ("Mon 7 Dec 11:30 · Instagram · Reels"): a line breaks there."""
GLUED_LETTERS = 4
"""Words this short stay on the line of a number beside them: "Mon 7 Dec", "10 min"."""
SUBSTITUTE = "□"
"""Stands for a character the font cannot draw, so user text is never silently shortened."""

BACKGROUND = (247, 245, 240)
HEADER = (18, 66, 82)
HEADER_TEXT = (255, 255, 255)
HEADER_SUBTLE = (199, 223, 228)
ACCENT = (231, 111, 81)
INK = (29, 39, 49)
MUTED = (84, 96, 108)
PANEL = (255, 255, 255)
PANEL_EDGE = (226, 221, 212)
CHIP = (222, 236, 239)
WARNING = (196, 68, 48)
PRAISE = (223, 241, 228)
PRAISE_INK = (28, 96, 58)

RGB = tuple[int, int, int]
BRAND: tuple[RGB, ...] = (
    BACKGROUND,
    HEADER,
    HEADER_TEXT,
    HEADER_SUBTLE,
    ACCENT,
    INK,
    MUTED,
    PANEL,
    PANEL_EDGE,
    CHIP,
    WARNING,
    PRAISE,
    PRAISE_INK,
)

EMOJI_SYMBOLS = {
    "✅": "✓",
    "❌": "✗",
    "❗": "!",
    "⭐": "★",
    "📋": "▤",
    "🎯": "◎",
    "💡": "☼",
    "📅": "▦",
    "📈": "↗",
    "📉": "↘",
}
"""Emoji the product writes, and the DejaVu symbol each is drawn as."""
DECORATIONS = frozenset({*EMOJI_SYMBOLS, "⚠", "✔", "🔔", "📊", "📚", "⏰"})
"""Product emoji that only decorate a title: dropped when they open one."""
_JOINER = "\u200d"
_KEYCAP = "\u20e3"
_SKIN_TONES = range(0x1F3FB, 0x1F400)
_TAGS = range(0xE0020, 0xE0080)
_FLAG_LETTERS = range(0x1F1E6, 0x1F200)


def fonts_dir() -> Path:
    """Return the folder of the fonts shipped with the content."""
    return default_content_dir() / "fonts"


class FontMissingError(RuntimeError):
    """A font the card needs is not where the content ships it."""


@lru_cache(maxsize=32)
def load_font(bold: bool, size: int) -> ImageFont.FreeTypeFont:
    """Load the shipped DejaVu Sans (regular or bold); never a system font."""
    path = fonts_dir() / FONT_FILES[bold]
    if not path.is_file():
        raise FontMissingError(f"missing font {path}")
    return ImageFont.truetype(str(path), size, layout_engine=ImageFont.Layout.BASIC)


# --------------------------------------------------------------------------- characters


def _glyph_print(font: ImageFont.FreeTypeFont, char: str) -> tuple[tuple[int, int], bytes]:
    mask = font.getmask(char)
    return mask.size, bytes(mask)


@lru_cache(maxsize=4096)
def _has_glyph(bold: bool, char: str) -> bool:
    font = load_font(bold, 20)
    return _glyph_print(font, char) != _glyph_print(font, "\ue000")  # private use: no glyph


def _drawable(char: str) -> bool:
    if unicodedata.bidirectional(char) in ("R", "AL"):
        return False
    return _has_glyph(False, char) and _has_glyph(True, char)


def _invisible(char: str) -> bool:
    code = ord(char)
    return (
        unicodedata.category(char) in ("Cc", "Cf")
        or 0xFE00 <= code <= 0xFE0F
        or 0xE0100 <= code <= 0xE01EF
        or code in _TAGS
    )


def _joins_previous(char: str, previous: str) -> bool:
    """Whether char belongs to the emoji before it (so both make one substitute)."""
    code = ord(char)
    if previous == _JOINER or char == _KEYCAP or code in _SKIN_TONES:
        return True
    return code in _FLAG_LETTERS and previous != "" and ord(previous) in _FLAG_LETTERS


@lru_cache(maxsize=8192)
def printable(text: str) -> str:
    """Return text as the card draws it: see the module's rule; tidy spaces, nothing cut."""
    kept: list[str] = []
    previous = ""  # the last character read, drawn or not, to group one emoji's parts
    paired = False  # a flag's second letter was just read
    for char in unicodedata.normalize("NFC", text):
        symbol = EMOJI_SYMBOLS.get(char)
        if char.isspace():
            kept.append(" ")
        elif symbol is not None:
            kept.append(symbol)
        elif _joins_previous(char, previous) and not paired and kept[-1:] == [SUBSTITUTE]:
            paired = ord(char) in _FLAG_LETTERS
            previous = char
            continue
        elif _invisible(char) or ord(char) in _SKIN_TONES:
            pass
        else:
            kept.append(char if _drawable(char) else SUBSTITUTE)
        paired = False
        previous = char
    return " ".join("".join(kept).split())


def printable_title(text: str) -> str:
    """Return a title as the card draws it: `printable`, without a leading decoration emoji."""
    stripped = text.lstrip()
    while stripped[:1] in DECORATIONS or stripped[:1] == "\ufe0f":
        stripped = stripped[1:].lstrip()
    return printable(stripped or text)


def clean(text: str, bold: bool = False) -> str:
    """Return text as drawn (`printable`); `bold` is kept for callers, both weights agree."""
    return printable(text)


# --------------------------------------------------------------------------- wrapping


@lru_cache(maxsize=65536)
def _length(font: ImageFont.FreeTypeFont, text: str) -> float:
    return font.getlength(text)


Wrapped = list[tuple[str, bool]]
"""Lines of a text, each with whether a word too long for a line carries on past its end."""


def break_lines(text: str, font: ImageFont.FreeTypeFont, width: int) -> Wrapped:
    """Break text into lines that fit `width`, between words; never drop or cut a character.

    A number stays on the line of the short words around it ("Mon 7 Dec", "5 €").
    """
    return _pack(_units(text.split(), font, width), font, width)


def break_label(label: str, font: ImageFont.FreeTypeFont, width: int) -> Wrapped:
    """Break a label like `break_lines`, but at its " · " separators first, if it must break."""
    parts = label.split(f" {SEPARATOR} ")
    units = [f"{part} {SEPARATOR}" for part in parts[:-1]] + parts[-1:]
    if all(_length(font, unit) <= width for unit in units):
        return _pack(units, font, width)
    return break_lines(label, font, width)


def _pack(units: list[str], font: ImageFont.FreeTypeFont, width: int) -> Wrapped:
    """Fill lines with units (words, or words glued together), a space between two."""
    lines: Wrapped = []
    current, used = "", 0.0
    space = _length(font, " ")
    for word in units:
        size = _length(font, word)
        if size > width:
            if current:
                lines.append((current, False))
            pieces = _break_word(word, font, width)
            lines += [(piece, True) for piece in pieces[:-1]]
            current, used = pieces[-1], _length(font, pieces[-1])
        elif current and (
            used + space + size > width or _length(font, f"{current} {word}") > width
        ):
            lines.append((current, False))
            current, used = word, size
        else:
            current, used = (f"{current} {word}", used + space + size) if current else (word, size)
    if current:
        lines.append((current, False))
    return lines


def _units(words: list[str], font: ImageFont.FreeTypeFont, width: int) -> list[str]:
    """Glue each number to the short words beside it, so a date never breaks over two lines."""
    units: list[str] = []
    last = ""
    for word in words:
        joined = f"{units[-1]} {word}" if units else word
        if units and _binds(last, word) and _length(font, joined) <= width:
            units[-1] = joined
        else:
            units.append(word)
        last = word
    return units


def _binds(before: str, after: str) -> bool:
    """Return whether two words share a line: a number and a short word next to it."""
    return (_has_digit(after) and _is_short(before)) or (_has_digit(before) and _is_short(after))


def _has_digit(word: str) -> bool:
    return any(char.isdigit() for char in word)


def _is_short(word: str) -> bool:
    return len(word.strip("().,;:«»")) <= GLUED_LETTERS


def _break_word(word: str, font: ImageFont.FreeTypeFont, width: int) -> list[str]:
    pieces, current = [], ""
    for char in word:
        if current and _length(font, current + char) > width:
            pieces.append(current)
            current = ""
        current += char
    return [*pieces, current]


def _cut(text: str, font: ImageFont.FreeTypeFont, width: int) -> str:
    """End a line with an ellipsis so it fits, dropping whole words first."""
    words = text.rstrip(" ,;:.").split(" ")
    while len(words) > 1 and font.getlength(" ".join(words) + ELLIPSIS) > width:
        words.pop()
    line = " ".join(words).rstrip(" ,;:.")
    while line and font.getlength(line + ELLIPSIS) > width:  # one word wider than the line
        line = line[:-1]
    return line + ELLIPSIS


def wrap(
    text: str, font: ImageFont.FreeTypeFont, width: int, max_lines: int | None = None
) -> list[str]:
    """Break text into lines that fit `width`; at most `max_lines`, the last one ellipsized.

    For charts with a fixed room; the card's pages use `break_lines` and never cut.
    """
    lines = [line for line, _ in break_lines(text, font, width)]
    if max_lines is not None and len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = _cut(lines[-1], font, width)
    return lines


# --------------------------------------------------------------------------- layout


@dataclass(frozen=True)
class Type:
    """A type style: size, weight and colour."""

    size: int
    bold: bool
    fill: RGB

    @property
    def font(self) -> ImageFont.FreeTypeFont:
        """Return the font of this style."""
        return load_font(self.bold, self.size)

    @property
    def step(self) -> int:
        """Return the height of one line of this style."""
        return round(self.size * LINE_SPACING)


HEADING = Type(60, True, HEADER_TEXT)
SNAPSHOT_TITLE = Type(30, True, HEADER_SUBTLE)
SNAPSHOT = Type(36, False, HEADER_TEXT)
TITLE = Type(42, True, INK)
BODY = Type(30, False, INK)
BODY_ON_CHIP = Type(30, False, HEADER)
LABEL = Type(28, True, HEADER)
BULLET_LABEL = Type(30, True, INK)
NOTE = Type(30, False, MUTED)
PILL = Type(30, True, HEADER_TEXT)
BESIDE_PILL = Type(30, True, INK)
BELOW_PILL = Type(30, False, MUTED)
BAND = Type(30, True, HEADER_TEXT)
PAGE_NUMBER = Type(28, True, HEADER_SUBTLE)
BAND_NUMBER = Type(30, True, HEADER_SUBTLE)
CONTEXT = Type(28, True, MUTED)
CONTEXT_GAP = 20
TITLE_GAP = 4
CHROME = -1
"""The paragraph number of a page's own lines (band, page number): no text of the card."""
TITLE_INDENT = 28
BULLET_INDENT = 40
ENTRY_INDENT = 30
PILL_PADDING = PILL.size // 2 + 8
PILL_HEIGHT = round(PILL.size * 1.7)
NUMBER_ROOM = 150
"""Room at the right of a page's band for its number, "10/10" at most."""


@dataclass(frozen=True)
class Run:
    """One drawn line of text, and which text of the card (its paragraph) it is part of."""

    text: str
    x: int
    y: int
    type: Type
    paragraph: int
    broken: bool = False
    """A word too long for a line goes on from this line's end onto the next."""


ShapeKind = Literal["rect", "round", "ellipse", "box"]


@dataclass(frozen=True)
class Shape:
    """A rectangle, rounded rectangle, ellipse or outlined box."""

    kind: ShapeKind
    box: tuple[int, int, int, int]
    fill: RGB | None
    outline: RGB | None = None
    radius: int = 0

    def moved(self, dy: int) -> Shape:
        """Return the shape moved down by dy."""
        left, top, right, bottom = self.box
        return replace(self, box=(left, top + dy, right, bottom + dy))


@dataclass(frozen=True)
class Block:
    """Shapes and lines drawn from a top of 0; pages stack blocks and never split one."""

    height: int
    shapes: tuple[Shape, ...]
    runs: tuple[Run, ...]
    gap: int
    """Space above the block, unless it opens a page."""
    keep_with_next: bool = False
    context: str = ""
    """Where in the card the block is (section, subheading), for a page that opens with it."""


@dataclass
class PageLayout:
    """One page: its number, its height and everything drawn on it, in drawing order."""

    number: int
    total: int
    height: int
    shapes: list[Shape] = field(default_factory=list)
    runs: list[Run] = field(default_factory=list)

    @property
    def lines(self) -> list[str]:
        """Return the drawn lines of text, top to bottom."""
        return [run.text for run in self.runs]

    def place(self, block: Block, y: int) -> None:
        """Add a block with its top at y."""
        self.shapes += [shape.moved(y) for shape in block.shapes]
        self.runs += [replace(run, y=run.y + y) for run in block.runs]


class _Pen:
    """Builds one block: writes lines and shapes downwards from a top of 0."""

    def __init__(self, y: int = 0) -> None:
        self.y = y
        self.shapes: list[Shape] = []
        self.runs: list[Run] = []

    def write(self, lines: Wrapped, style: Type, x: int, paragraph: int) -> None:
        """Write lines at x from the pen down, and move the pen below them."""
        for text, broken in lines:
            self.runs.append(Run(text, x, self.y, style, paragraph, broken))
            self.y += style.step

    def under(self, shape: Shape) -> None:
        """Add a shape beneath those already added (a panel sized after its text)."""
        self.shapes.insert(0, shape)

    def over(self, shape: Shape) -> None:
        """Add a shape above those already added."""
        self.shapes.append(shape)

    def block(self, gap: int, *, keep_with_next: bool = False) -> Block:
        """Return what was drawn as a block as tall as the pen went."""
        return Block(self.y, tuple(self.shapes), tuple(self.runs), gap, keep_with_next)


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
    pen = _Pen(72)  # room above for the page number
    pen.write(lines, HEADING, SIDE, paragraph)
    pen.y += 18
    pen.under(Shape("rect", (0, 0, WIDTH, pen.y), HEADER))
    return pen.block(0, keep_with_next=True)


def _header_text(entry: _Entry) -> Block:
    pen = _Pen()
    pen.write(entry.label, SNAPSHOT_TITLE, SIDE, entry.label_id)
    pen.y += 6 if entry.label else 0
    pen.write(entry.text, SNAPSHOT, SIDE, entry.text_id)
    pen.y += 10
    pen.under(Shape("rect", (0, 0, WIDTH, pen.y), HEADER))
    return pen.block(0, keep_with_next=True)


def _header_end() -> Block:
    """Close the header, which has grown down with the snapshot's lines."""
    pen = _Pen(40)
    pen.over(Shape("rect", (0, 0, WIDTH, pen.y), HEADER))
    pen.over(Shape("rect", (0, pen.y, WIDTH, pen.y + 10), ACCENT))
    pen.y += 10
    return pen.block(0)


def _section_title(lines: Wrapped, paragraph: int) -> Block:
    pen = _Pen()
    pen.write(lines, TITLE, SIDE + TITLE_INDENT, paragraph)
    pen.over(Shape("round", (SIDE, 8, SIDE + 8, pen.y - 8), ACCENT, radius=4))
    pen.y += 18
    return pen.block(64, keep_with_next=True)


def _text(entry: _Entry) -> Block:
    pen = _Pen(PAD - 6)
    pen.write(entry.label, BULLET_LABEL, SIDE + PAD, entry.label_id)
    pen.write(entry.text, BODY, SIDE + PAD, entry.text_id)
    pen.y += PAD - 6
    pen.under(Shape("round", (SIDE, 0, WIDTH - SIDE, pen.y), PANEL, PANEL_EDGE, 24))
    return pen.block(16)


def _bullet(entry: _Entry) -> Block:
    pen = _Pen()
    x = SIDE + BULLET_INDENT
    middle = (BULLET_LABEL if entry.label else BODY).step // 2
    colour = WARNING if entry.section == "mistakes" else ACCENT
    pen.over(Shape("ellipse", (SIDE + 6, middle - 8, SIDE + 22, middle + 8), colour))
    pen.write(entry.label, BULLET_LABEL, x, entry.label_id)
    pen.y += 4 if entry.label else 0
    pen.write(entry.text, BODY, x, entry.text_id)
    return pen.block(24 if entry.label else 14)


def _subhead(entry: _Entry) -> Block:
    """Draw the label in a pill, the text beside it if it fits on the pill's line, else below."""
    pen = _Pen()
    widest = max((_length(PILL.font, text) for text, _ in entry.label), default=0)
    pill_width = round(widest) + 2 * PILL_PADDING
    pen.y = (PILL_HEIGHT - PILL.step) // 2
    pen.write(entry.label, PILL, SIDE + PILL_PADDING, entry.label_id)
    bottom = pen.y + (PILL_HEIGHT - PILL.step) // 2
    if entry.label:
        box = (SIDE, 0, SIDE + pill_width, bottom)
        pen.under(Shape("round", box, HEADER, radius=min(PILL_HEIGHT // 2, bottom // 2)))
    x = SIDE + pill_width + 20
    fits = len(entry.text) == 1 and _length(BESIDE_PILL.font, entry.text[0][0]) <= WIDTH - SIDE - x
    if fits and len(entry.label) == 1:
        pen.y = (PILL_HEIGHT - BESIDE_PILL.step) // 2
        pen.write(entry.text, BESIDE_PILL, x, entry.text_id)
        pen.y = bottom
    else:
        pen.y = bottom + (10 if entry.label else 0)
        pen.write(entry.text, BELOW_PILL, SIDE, entry.text_id)
    pen.y += 6
    return pen.block(40, keep_with_next=True)


def _dated(marker: RGB) -> Callable[[_Entry], Block]:
    def build(entry: _Entry) -> Block:
        pen = _Pen()
        x = SIDE + ENTRY_INDENT
        pen.write(entry.label, LABEL, x, entry.label_id)
        pen.y += 2 if entry.label else 0
        pen.write(entry.text, BODY, x, entry.text_id)
        pen.over(Shape("round", (SIDE, 6, SIDE + 8, pen.y - 6), marker, radius=4))
        return pen.block(22)

    return build


def _task(entry: _Entry) -> Block:
    pen = _Pen()
    x = SIDE + ENTRY_INDENT + 6
    pen.write(entry.label, LABEL, x, entry.label_id)
    pen.y += 2 if entry.label else 0
    pen.write(entry.text, BODY, x, entry.text_id)
    top = (LABEL if entry.label else BODY).step // 2 - 11
    pen.over(Shape("box", (SIDE, top, SIDE + 22, top + 22), PANEL, HEADER, 4))
    return pen.block(22)


def _review(entry: _Entry) -> Block:
    pen = _Pen(18)
    pen.write(entry.label, LABEL, SIDE + PAD, entry.label_id)
    pen.write(entry.text, BODY_ON_CHIP, SIDE + PAD, entry.text_id)
    pen.y += 18
    pen.under(Shape("round", (SIDE, 0, WIDTH - SIDE, pen.y), CHIP, radius=20))
    return pen.block(22)


def _note(entry: _Entry) -> Block:
    pen = _Pen()
    x = SIDE + ENTRY_INDENT
    pen.write(entry.label, LABEL, x, entry.label_id)
    pen.write(entry.text, NOTE, x, entry.text_id)
    pen.over(Shape("round", (SIDE, 4, SIDE + 6, pen.y - 4), PANEL_EDGE, radius=3))
    return pen.block(20)


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
    "task": _Kind(LABEL, BODY, _ENTRY_WIDTH - 6, _ENTRY_WIDTH - 6, _task),
    "review": _Kind(LABEL, BODY_ON_CHIP, _PANEL_WIDTH, _PANEL_WIDTH, _review),
    "note": _Kind(LABEL, NOTE, _ENTRY_WIDTH, _ENTRY_WIDTH, _note),
}


# Pages.


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
    contexts = [_context(s.title, line.label) for s in sections for line in s.lines]
    reserve = max((_context_block(c).height for c in contexts), default=0) + CONTEXT_GAP
    return _Frame(band, _band_height(band) + TOP_PAD, reserve)


def _band_height(band: Wrapped) -> int:
    return 24 + len(band) * BAND.step + 20 + 6


def _context(title: str, subhead: str | None = None) -> str:
    """Name where a page goes on from: the section's title, and its subheading if any."""
    parts = [printable_title(title), printable(subhead or "")]
    return " · ".join(part for part in parts if part)


def _context_block(context: str) -> Block:
    pen = _Pen()
    pen.write(break_lines(context, CONTEXT.font, COLUMN), CONTEXT, SIDE, CHROME)
    return pen.block(0)


def _blocks(card: StrategyCard, sections: list[Section], frame: _Frame) -> list[Block]:
    """Return the card as blocks, in reading order, each at most a page tall."""
    ids = iter(range(1_000_000))
    heading = break_lines(printable_title(card.titles["heading"]), HEADING.font, COLUMN)
    blocks = [_header_top(heading, next(ids))]
    if not sections or sections[0].key != "snapshot":
        blocks.append(_header_end())
    for index, section in enumerate(sections):
        if index == 0 and section.key == "snapshot":
            blocks += _header_blocks(section, ids, frame)
        else:
            blocks += _section_blocks(section, ids, frame)
    return blocks


def _header_blocks(section: Section, ids: Iterator[int], frame: _Frame) -> list[Block]:
    """Draw the snapshot inside the header, its title above it, then close the header."""
    first, *rest = section.lines
    lines = [Line(first.text, "text", section.title), *rest]
    return [b for line in lines for b in _line_blocks("snapshot", "header", line, ids, frame)] + [
        _header_end()
    ]


def _section_blocks(section: Section, ids: Iterator[int], frame: _Frame) -> list[Block]:
    lines = break_lines(printable_title(section.title), TITLE.font, COLUMN - TITLE_INDENT)
    blocks = [_section_title(lines, next(ids))]
    subhead: str | None = None
    for line in section.lines:
        context = _context(section.title, None if line.kind == "subhead" else subhead)
        made = _line_blocks(section.key, line.kind, line, ids, frame)
        blocks += [replace(block, context=context) for block in made]
        subhead = line.label if line.kind == "subhead" else subhead
    if len(blocks) > 1:  # the title already leaves room below it
        blocks[1] = replace(blocks[1], gap=TITLE_GAP)
    return blocks


def _line_blocks(
    section: str, kind_name: str, line: Line, ids: Iterator[int], frame: _Frame
) -> list[Block]:
    kind = KINDS[kind_name]
    label = (
        break_label(printable(line.label), kind.label.font, kind.label_width) if line.label else []
    )
    label_id = next(ids) if line.label else CHROME
    text = break_lines(printable(line.text), kind.text.font, kind.text_width)
    entry = _Entry(section, label, text, label_id, next(ids))
    block = kind.build(entry)
    if block.height <= frame.room or len(text) <= 1:
        return [block]
    return _split(entry, kind.build, frame.room)


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
    placed = _paginate(_blocks(card, sections, frame), frame)
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
    height = _band_height(band) - 6
    page.shapes.append(Shape("rect", (0, 0, WIDTH, height), HEADER))
    page.shapes.append(Shape("rect", (0, height, WIDTH, height + 6), ACCENT))
    page.runs += [
        Run(text, SIDE, 24 + index * BAND.step, BAND, CHROME)
        for index, (text, _) in enumerate(band)
    ]
    _page_number(page, BAND_NUMBER)


def _page_number(page: PageLayout, style: Type) -> None:
    label = f"{page.number}/{page.total}"
    x = WIDTH - SIDE - round(_length(style.font, label))
    page.runs.append(Run(label, x, 24, style, CHROME))


# --------------------------------------------------------------------------- drawing


def _paint(draw: ImageDraw.ImageDraw, shape: Shape) -> None:
    if shape.kind == "rect":
        draw.rectangle(shape.box, fill=shape.fill)
    elif shape.kind == "ellipse":
        draw.ellipse(shape.box, fill=shape.fill)
    else:
        width = 3 if shape.kind == "box" else 2
        draw.rounded_rectangle(
            shape.box, radius=shape.radius, fill=shape.fill, outline=shape.outline, width=width
        )


def draw_page(page: PageLayout) -> Image.Image:
    """Paint a laid-out page."""
    image = Image.new("RGB", (WIDTH, page.height), BACKGROUND)
    draw = ImageDraw.Draw(image)
    for shape in page.shapes:
        _paint(draw, shape)
    for run in page.runs:
        rise = round(run.type.size * (LINE_SPACING - 1.164) / 2)  # DejaVu: 1.164 em tall
        draw.text((run.x, run.y + rise), run.text, font=run.type.font, fill=run.type.fill)
    return image


def _encode(image: Image.Image) -> bytes:
    output = io.BytesIO()
    _to_palette(image).save(output, format="PNG", compress_level=1)
    return output.getvalue()


def render_card_pngs(card: StrategyCard) -> list[bytes]:
    """Render the whole card as 1080 px wide phone-portrait PNG pages, in reading order."""
    return [_encode(draw_page(page)) for page in layout_card(card)]


def _to_palette(image: Image.Image) -> Image.Image:
    """Map the card to 256 colours: the brand's exactly, the rest from a quarter-size sample.

    Flat colours and anti-aliased text lose nothing visible; a palette PNG encodes several
    times faster than RGB and is about a third of the size, and choosing the palette on a
    small sample keeps that step quick too.
    """
    free = 256 - len(BRAND)
    sample = image.reduce(4).quantize(free, method=Image.Quantize.FASTOCTREE)
    chosen = (sample.getpalette() or [])[: 3 * free]
    palette = Image.new("P", (1, 1))
    palette.putpalette([c for colour in BRAND for c in colour] + chosen)
    return image.quantize(palette=palette, dither=Image.Dither.NONE)

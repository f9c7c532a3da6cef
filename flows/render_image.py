"""The strategy card as a phone-portrait PNG, to read at a glance."""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from flows.card import StrategyCard
from flows.content import default_content_dir

WIDTH = 1080
MAX_HEIGHT = 3 * WIDTH
"""Portrait, at most 1:3, and well within Telegram's width + height <= 10000 for photos."""
MIN_HEIGHT = WIDTH * 4 // 3
MARGIN = 64
INNER = WIDTH - 2 * MARGIN
PAD = 32
DRAFT_HEIGHT = MAX_HEIGHT
"""The canvas drawn on before cropping; a pass that runs past it is measured, then dropped."""

FONT_FILES = {False: "DejaVuSans.ttf", True: "DejaVuSans-Bold.ttf"}
ELLIPSIS = "…"

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


def _glyph_print(font: ImageFont.FreeTypeFont, char: str) -> tuple[tuple[int, int], bytes]:
    mask = font.getmask(char)
    return mask.size, bytes(mask)


@lru_cache(maxsize=4096)
def _has_glyph(bold: bool, char: str) -> bool:
    font = load_font(bold, 20)
    return _glyph_print(font, char) != _glyph_print(font, "\ue000")  # private use: no glyph


def _is_emoji(char: str) -> bool:
    code = ord(char)
    return (
        code >= 0x1F000
        or 0x2600 <= code <= 0x27BF
        or 0x2B00 <= code <= 0x2BFF
        or 0xFE00 <= code <= 0xFE0F
        or code in (0x200D, 0x20E3)
    )


@lru_cache(maxsize=4096)
def clean(text: str, bold: bool = False) -> str:
    """Drop emoji, control characters and anything the font cannot draw; tidy the spaces."""
    kept = []
    for char in text:
        if char.isspace():
            kept.append(" ")
        elif _is_emoji(char) or unicodedata.category(char) in ("Cc", "Cf", "Cs", "Co", "Cn"):
            continue
        elif _has_glyph(bold, char):
            kept.append(char)
    return " ".join("".join(kept).split())


@lru_cache(maxsize=65536)
def _length(font: ImageFont.FreeTypeFont, text: str) -> float:
    return font.getlength(text)


def _cut(text: str, font: ImageFont.FreeTypeFont, width: int) -> str:
    """End a line with an ellipsis so it fits, dropping whole words first."""
    text = text.rstrip(" ,;:.")
    words = text.split(" ")
    while len(words) > 1 and font.getlength(" ".join(words) + ELLIPSIS) > width:
        words.pop()
    line = " ".join(words).rstrip(" ,;:.")
    while line and font.getlength(line + ELLIPSIS) > width:  # one word wider than the line
        line = line[:-1]
    return line + ELLIPSIS


def wrap(
    text: str, font: ImageFont.FreeTypeFont, width: int, max_lines: int | None = None
) -> list[str]:
    """Break text into lines that fit `width`, between words; ellipsize what must be cut."""
    lines: list[str] = []
    current, used = "", 0.0
    space = _length(font, " ")
    budget = width * 0.99  # word widths add up to within kerning of the line's; exact check below
    for word in text.split():
        size = _length(font, word)
        if current and used + space + size > budget:
            lines.append(current)
            current, used = word, size
        else:
            current, used = (f"{current} {word}", used + space + size) if current else (word, size)
    if current:
        lines.append(current)
    lines = [line if _length(font, line) <= width else _cut(line, font, width) for line in lines]
    if max_lines is not None and len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = _cut(lines[-1], font, width)
    return lines


@dataclass(frozen=True)
class _Style:
    """Type sizes and cuts for one pass; later passes trade detail for height."""

    step_lines: int | None
    steps_per_week: int | None
    mistake_lines: int
    role_lines: int
    cadence_lines: int


PASSES = (
    _Style(step_lines=None, steps_per_week=None, mistake_lines=3, role_lines=3, cadence_lines=4),
    _Style(step_lines=3, steps_per_week=None, mistake_lines=2, role_lines=2, cadence_lines=3),
    _Style(step_lines=2, steps_per_week=None, mistake_lines=2, role_lines=2, cadence_lines=2),
    _Style(step_lines=1, steps_per_week=None, mistake_lines=2, role_lines=2, cadence_lines=2),
    _Style(step_lines=1, steps_per_week=None, mistake_lines=1, role_lines=1, cadence_lines=2),
    _Style(step_lines=1, steps_per_week=2, mistake_lines=1, role_lines=1, cadence_lines=1),
    _Style(step_lines=1, steps_per_week=1, mistake_lines=1, role_lines=1, cadence_lines=1),
)
"""From the whole card to its bare bones: each pass is tried until one fits MAX_HEIGHT."""


class _Measure:
    """Stands in for ImageDraw when only the height of a layout is wanted."""

    def __getattr__(self, name: str) -> Callable[..., None]:
        return lambda *args, **kwargs: None


class _Page:
    """A canvas with a pen that moves down as blocks are drawn (or only measured)."""

    def __init__(self, measure_only: bool = False) -> None:
        self.image = Image.new("RGB", (1, 1) if measure_only else (WIDTH, DRAFT_HEIGHT), BACKGROUND)
        self.draw: ImageDraw.ImageDraw | _Measure = (
            _Measure() if measure_only else ImageDraw.Draw(self.image)
        )
        self.y = 0

    @staticmethod
    def line_height(font: ImageFont.FreeTypeFont) -> int:
        return round(font.size * 1.34)

    def lines_height(self, lines: list[str], font: ImageFont.FreeTypeFont) -> int:
        return len(lines) * self.line_height(font)

    def write(
        self, lines: list[str], font: ImageFont.FreeTypeFont, x: int, y: int, fill: RGB
    ) -> int:
        """Draw lines from (x, y) down; return the height used."""
        step = self.line_height(font)
        for index, line in enumerate(lines):
            self.draw.text((x, y + index * step), line, font=font, fill=fill)
        return len(lines) * step

    def paragraph(
        self,
        text: str,
        size: int,
        fill: RGB,
        *,
        bold: bool = False,
        x: int = MARGIN,
        width: int = INNER,
        max_lines: int | None = None,
    ) -> None:
        font = load_font(bold, size)
        lines = wrap(clean(text, bold), font, width, max_lines)
        self.y += self.write(lines, font, x, self.y, fill)

    def panel(
        self, top: int, bottom: int, fill: RGB = PANEL, edge: RGB | None = PANEL_EDGE
    ) -> None:
        self.draw.rounded_rectangle(
            (MARGIN, top, WIDTH - MARGIN, bottom), radius=24, fill=fill, outline=edge, width=2
        )

    def pill(
        self, x: int, y: int, text: str, size: int, *, fill: RGB, ink: RGB, room: int = INNER
    ) -> int:
        """Draw a label at (x, y), at most `room` wide; return its width."""
        font = load_font(True, size)
        padding = size // 2 + 6
        lines = wrap(clean(text, bold=True), font, max(room - 2 * padding, 1), 1)
        text = lines[0] if lines else ""
        width = round(font.getlength(text)) + 2 * padding
        height = round(size * 1.7)
        self.draw.rounded_rectangle((x, y, x + width, y + height), radius=height // 2, fill=fill)
        self.draw.text((x + width / 2, y + height / 2), text, font=font, fill=ink, anchor="mm")
        return width

    def section(self, title: str) -> None:
        self.y += 46
        font = load_font(True, 38)
        self.draw.rounded_rectangle(
            (MARGIN, self.y + 4, MARGIN + 8, self.y + 44), radius=4, fill=ACCENT
        )
        line = wrap(clean(title, bold=True), font, INNER - 28, 1)
        self.y += self.write(line, font, MARGIN + 28, self.y, INK) + 12


def render_card_png(card: StrategyCard) -> bytes:
    """Render the card's essentials as a 1080 px wide portrait PNG."""
    # Layouts are measured without drawing; only the one that fits is drawn.
    style = next(
        (s for s in PASSES if _draw(card, s, measure_only=True).y <= MAX_HEIGHT), PASSES[-1]
    )
    page = _draw(card, style)
    height = min(max(page.y, MIN_HEIGHT), MAX_HEIGHT)
    image = page.image.crop((0, 0, WIDTH, height))
    output = io.BytesIO()
    _to_palette(image).save(output, format="PNG", compress_level=1)
    return output.getvalue()


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


def _draw(card: StrategyCard, style: _Style, measure_only: bool = False) -> _Page:
    page = _Page(measure_only)
    _header(page, card)
    title = card.titles
    page.section(title["objective"])
    _boxed_text(page, card.objective)
    page.section(title["platforms"])
    _platforms(page, card, style)
    page.section(title["cadence"])
    page.paragraph(card.cadence_total, 32, INK, max_lines=4)
    page.section(title["kpis"])
    _chips(page, [kpi.name for kpi in card.kpis])
    page.section(title["mistakes"])
    _mistakes(page, card, style)
    page.section(title["next_30_days"])
    _next_steps(page, card, style)
    page.y += MARGIN
    page.draw.rectangle((0, page.y, WIDTH, page.y + 14), fill=HEADER)
    page.y += 14
    return page


def _header(page: _Page, card: StrategyCard) -> None:
    heading_font, snapshot_font = load_font(True, 60), load_font(False, 34)
    heading = wrap(clean(card.titles["heading"], bold=True), heading_font, INNER, 2)
    snapshot = wrap(clean(card.snapshot), snapshot_font, INNER, 5)
    top = 72
    below = top + page.lines_height(heading, heading_font) + 20
    bottom = below + page.lines_height(snapshot, snapshot_font) + 52
    page.draw.rectangle((0, 0, WIDTH, bottom), fill=HEADER)
    page.draw.rectangle((0, bottom, WIDTH, bottom + 10), fill=ACCENT)
    page.write(heading, heading_font, MARGIN, top, HEADER_TEXT)
    page.write(snapshot, snapshot_font, MARGIN, below, HEADER_SUBTLE)
    page.y = bottom + 10


def _boxed_text(page: _Page, text: str) -> None:
    font = load_font(False, 34)
    lines = wrap(clean(text), font, INNER - 2 * PAD, 6)
    top = page.y
    page.panel(top, top + page.lines_height(lines, font) + 2 * PAD - 8)
    page.write(lines, font, MARGIN + PAD, top + PAD - 4, INK)
    page.y = top + page.lines_height(lines, font) + 2 * PAD - 8


def _platforms(page: _Page, card: StrategyCard, style: _Style) -> None:
    name_font, role_font, cadence_font = (
        load_font(True, 42),
        load_font(False, 32),
        load_font(True, 32),
    )
    width = INNER - 2 * PAD
    for index, plan in enumerate(card.platforms):
        if index:
            page.y += 20
        name = wrap(clean(plan.name, bold=True), name_font, width // 2, 1)
        role = wrap(clean(plan.role), role_font, width, style.role_lines)
        cadence = wrap(clean(plan.cadence, bold=True), cadence_font, width, style.cadence_lines)
        top = page.y
        body = top + PAD + 64
        bottom = body + page.lines_height(role, role_font) + 12
        bottom += page.lines_height(cadence, cadence_font) + PAD - 8
        page.panel(top, bottom)
        page.draw.rectangle((MARGIN + 2, top + 24, MARGIN + 10, bottom - 24), fill=ACCENT)
        x = MARGIN + PAD
        page.write(name, name_font, x, top + PAD - 2, INK)
        tier_x = x + round(name_font.getlength(name[0])) + 20 if name else x
        room = WIDTH - MARGIN - PAD - tier_x
        page.pill(tier_x, top + PAD + 2, plan.tier, 24, fill=CHIP, ink=HEADER, room=room)
        used = page.write(role, role_font, x, body, MUTED) + 12
        page.write(cadence, cadence_font, x, body + used, HEADER)
        page.y = bottom


def _chips(page: _Page, names: list[str]) -> None:
    size, gap = 30, 14
    height = round(size * 1.7)
    font = load_font(True, size)
    x = MARGIN
    for name in names:
        width = round(font.getlength(clean(name, bold=True))) + 2 * (size // 2 + 6)
        if x > MARGIN and x + width > WIDTH - MARGIN:
            x = MARGIN
            page.y += height + gap
        x += page.pill(x, page.y, name, size, fill=CHIP, ink=HEADER) + gap
    page.y += height


def _mistakes(page: _Page, card: StrategyCard, style: _Style) -> None:
    if not card.mistakes:
        font = load_font(True, 34)
        lines = wrap(clean(card.no_mistakes, bold=True), font, INNER - 2 * PAD)
        top = page.y
        bottom = top + page.lines_height(lines, font) + 2 * PAD - 8
        page.panel(top, bottom, PRAISE, None)
        page.write(lines, font, MARGIN + PAD, top + PAD - 4, PRAISE_INK)
        page.y = bottom
        return
    font, digit = load_font(False, 34), load_font(True, 28)
    disc = 52
    for index, mistake in enumerate(card.mistakes):
        if index:
            page.y += 18
        lines = wrap(clean(mistake.title), font, INNER - disc - 24, style.mistake_lines)
        top = page.y
        page.draw.ellipse((MARGIN, top - 2, MARGIN + disc, top - 2 + disc), fill=WARNING)
        page.draw.text(
            (MARGIN + disc / 2, top - 2 + disc / 2),
            str(mistake.number),
            font=digit,
            fill=HEADER_TEXT,
            anchor="mm",
        )
        page.y += page.write(lines, font, MARGIN + disc + 24, top + 2, INK)


def _next_steps(page: _Page, card: StrategyCard, style: _Style) -> None:
    font = load_font(False, 32)
    indent = 36
    weeks = sorted({step.week for step in card.next_30_days})
    for index, week in enumerate(weeks):
        if index:
            page.y += 26
        label = card.titles["week"].format(week=week)
        page.pill(MARGIN, page.y, label, 26, fill=HEADER, ink=HEADER_TEXT)
        page.y += round(26 * 1.7) + 14
        steps = [step.text for step in card.next_30_days if step.week == week]
        for text in steps[: style.steps_per_week]:
            lines = wrap(clean(text), font, INNER - indent, style.step_lines)
            if not lines:
                continue
            page.draw.ellipse((MARGIN + 6, page.y + 15, MARGIN + 18, page.y + 27), fill=ACCENT)
            page.y += page.write(lines, font, MARGIN + indent, page.y, INK) + 8

"""The strategy card as phone-portrait PNG pages: the whole card, every line, nothing cut.

Every section of `card_sections(card)` is drawn in order, every line in full. Text wraps
between words (a number keeps the short words beside it, as in "Mon 7 Dec"; a word wider than
a line breaks between letters) and flows onto as many 1080 x 1920 pages as it needs.

What is drawn of a text is `printable(text)`, one rule for every text on the card (see
`flows.card_glyphs`). Layout and drawing are separate: `layout_card` (`flows.card_layout`)
measures with the fonts only and returns each page's shapes and lines of text; this module
then paints exactly those and encodes the pages. The names charts and tests use are
re-exported here, so they import the card's style from one place.
"""

from __future__ import annotations

import io

from PIL import Image, ImageDraw

from flows.card import StrategyCard
from flows.card_glyphs import SUBSTITUTE, clean, printable, printable_title
from flows.card_layout import layout_card
from flows.card_shapes import CHROME, PageLayout, Shape
from flows.card_style import (
    ACCENT,
    BACKGROUND,
    BELOW_PILL,
    BESIDE_PILL,
    BODY,
    BRAND,
    CHIP,
    FOOTER,
    HEADER,
    HEADER_SUBTLE,
    HEADER_TEXT,
    INK,
    LINE_SPACING,
    MARGIN,
    MUTED,
    PAD,
    PAGE_HEIGHT,
    PANEL,
    PANEL_EDGE,
    PILL,
    SIDE,
    TITLE,
    WARNING,
    WIDTH,
    FontMissingError,
    load_font,
)
from flows.card_wrap import ELLIPSIS, break_label, break_lines, wrap

__all__ = [
    "ACCENT",
    "BACKGROUND",
    "BELOW_PILL",
    "BESIDE_PILL",
    "BODY",
    "CHIP",
    "CHROME",
    "ELLIPSIS",
    "FOOTER",
    "HEADER",
    "HEADER_SUBTLE",
    "HEADER_TEXT",
    "INK",
    "MARGIN",
    "MUTED",
    "PAD",
    "PAGE_HEIGHT",
    "PANEL",
    "PANEL_EDGE",
    "PILL",
    "SIDE",
    "SUBSTITUTE",
    "TITLE",
    "WARNING",
    "WIDTH",
    "FontMissingError",
    "PageLayout",
    "break_label",
    "break_lines",
    "clean",
    "draw_page",
    "layout_card",
    "load_font",
    "printable",
    "printable_title",
    "render_card_pngs",
    "wrap",
]


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

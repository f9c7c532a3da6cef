"""The strategy card as phone-portrait PNG pages: the whole card, every line, nothing cut.

Every section of `card_sections(card)` is drawn in order, every line in full. Text wraps
between words (a number keeps the short words beside it, as in "Mon 7 Dec"; a word wider than
a line breaks between letters) and flows onto as many 720 x 1280 pages as it needs.

What is drawn of a text is `printable(text)`, one rule for every text on the card (see
`flows.card_glyphs`). Layout and drawing are separate: `layout_card` (`flows.card_layout`)
measures with the fonts only and returns each page's shapes and lines of text; this module
then paints exactly those and encodes the pages. The names charts and tests use are
re-exported here, so they import the card's style from one place.
"""

from __future__ import annotations

import io
import math
from functools import lru_cache

from PIL import Image, ImageDraw, ImageFont

from flows import card_style
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
    CHART_INNER,
    CHART_MARGIN,
    CHART_PAD,
    CHART_WIDTH,
    CHIP,
    FOOTER,
    HEADER,
    HEADER_SUBTLE,
    HEADER_TEXT,
    INK,
    LINE_SPACING,
    MUTED,
    PAD,
    PAGE_HEIGHT,
    PANEL,
    PANEL_EDGE,
    PILL,
    RGB,
    SIDE,
    TITLE,
    WARNING,
    WIDTH,
    FontMissingError,
    Type,
    load_font,
)
from flows.card_wrap import ELLIPSIS, break_label, break_lines, text_length, wrap

GROUNDS = (BACKGROUND, PANEL, CHIP, HEADER)
"""What the card's text is drawn on."""
WORDS_KEPT = 4096
"""Drawn words remembered: every word of several cards, about 5 MB of masks."""

__all__ = [
    "ACCENT",
    "BACKGROUND",
    "BELOW_PILL",
    "BESIDE_PILL",
    "BODY",
    "CHART_INNER",
    "CHART_MARGIN",
    "CHART_PAD",
    "CHART_WIDTH",
    "CHIP",
    "CHROME",
    "ELLIPSIS",
    "FOOTER",
    "HEADER",
    "HEADER_SUBTLE",
    "HEADER_TEXT",
    "INK",
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
        width = 2 if shape.kind == "box" else 1
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
        _draw_words(image, (run.x, run.y + rise), run.text, run.type.font, run.type.fill)
    return image


def _draw_words(
    image: Image.Image,
    at: tuple[int, int],
    text: str,
    font: ImageFont.FreeTypeFont,
    fill: tuple[int, int, int],
) -> None:
    """Draw a line word by word, each word rasterised once and then reused.

    Pillow rasterises every glyph of every line anew, and that was most of a card's drawing
    time; the card repeats its words (days, platforms, formats, the plan's verbs), so pasting
    a remembered word is several times quicker and lands on the same pixels.
    """
    x, y = at
    space = text_length(font, " ")
    left = float(x)
    for word in text.split(" "):
        if word:
            mask, (dx, dy) = _word_mask(font, word)
            image.paste(fill, (round(left) + dx, y + dy), mask)
        left += text_length(font, word) + space


@lru_cache(maxsize=WORDS_KEPT)
def _word_mask(font: ImageFont.FreeTypeFont, word: str) -> tuple[Image.Image, tuple[int, int]]:
    """Return a word's coverage mask and where it sits from the pen (Pillow's "la" anchor)."""
    box = font.getbbox(word)
    left, top, right, bottom = (math.floor(box[0]), math.floor(box[1]), *map(math.ceil, box[2:]))
    mask = Image.new("L", (max(1, right - left), max(1, bottom - top)))
    ImageDraw.Draw(mask).text((-left, -top), word, font=font, fill=255)
    return mask, (left, top)


def _encode(image: Image.Image) -> bytes:
    output = io.BytesIO()
    _to_palette(image).save(output, format="PNG", compress_level=1)
    return output.getvalue()


def render_card_pngs(card: StrategyCard) -> list[bytes]:
    """Render the whole card as 720 px wide phone-portrait PNG pages, in reading order."""
    return [_encode(draw_page(page)) for page in layout_card(card)]


def _to_palette(image: Image.Image) -> Image.Image:
    """Map the card to its 256 colours: the brand's, and the edges of its text on each ground.

    Flat colours and anti-aliased text lose nothing visible; a palette PNG encodes several
    times faster than RGB and is about a third of the size. The palette is fixed, so no page
    pays for choosing one.
    """
    return image.quantize(palette=_card_palette(), dither=Image.Dither.NONE)


@lru_cache(maxsize=1)
def _card_palette() -> Image.Image:
    """Return the brand colours, then even steps from each ground to each text colour on it."""
    inks = sorted({style.fill for style in vars(card_style).values() if isinstance(style, Type)})
    pairs = [(ink, ground) for ink in inks for ground in GROUNDS if ink != ground]
    steps = (256 - len(BRAND)) // len(pairs)
    colours = list(BRAND)
    for ink, ground in pairs:
        for step in range(1, steps + 1):
            share = step / (steps + 1)
            colours.append(_blend(ground, ink, share))
    palette = Image.new("P", (1, 1))
    palette.putpalette([channel for colour in colours for channel in colour])
    return palette


def _blend(ground: RGB, ink: RGB, share: float) -> RGB:
    red, green, blue = (round(g + (i - g) * share) for g, i in zip(ground, ink, strict=True))
    return red, green, blue

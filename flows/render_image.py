"""The strategy card as phone-portrait PNG pages: the whole card, every line, nothing cut.

Every section of `card_sections(card)` is drawn in order, every line in full. Text wraps
between words (a number keeps the short words beside it, as in "Mon 7 Dec"; a word wider than
a line breaks between letters) and flows onto as many 720 x 1280 pages as it needs.

What is drawn of a text is `printable(text)`, one rule for every text on the card (see
`flows.card_glyphs`). Layout and drawing are separate: `layout_card` (`flows.card_layout`)
measures with the fonts only and returns each page's shapes and lines of text;
`flows.card_paint` paints exactly those into the card's palette, and this module encodes the
pages. The names charts and tests use are re-exported here, so they import the card's style
from one place.
"""

from __future__ import annotations

import io

from PIL import Image

from flows.card import StrategyCard
from flows.card_glyphs import SUBSTITUTE, clean, printable, printable_title
from flows.card_layout import layout_card
from flows.card_paint import draw_page
from flows.card_shapes import CHROME, PageLayout
from flows.card_style import (
    ACCENT,
    BACKGROUND,
    BELOW_PILL,
    BESIDE_PILL,
    BODY,
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


def _encode(image: Image.Image) -> bytes:
    output = io.BytesIO()
    image.save(output, format="PNG", compress_level=1)  # a palette image: quick and small
    return output.getvalue()


def render_card_pngs(card: StrategyCard) -> list[bytes]:
    """Render the whole card as 720 px wide phone-portrait PNG pages, in reading order."""
    return [_encode(draw_page(page)) for page in layout_card(card)]

"""A laid-out card page painted straight into the card's 256 colours, ready to encode.

The palette holds the brand colours, then even steps from each ground the text is drawn on to
each text colour. Shapes take their colour's index; a word's anti-aliased edge takes the step of
its ink over the ground under it. So no page is drawn in full colour and then mapped, and the
brand colours come out exact.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

from PIL import Image, ImageDraw, ImageFont

from flows import card_style
from flows.card_shapes import PageLayout, Run, Shape
from flows.card_style import BACKGROUND, BRAND, CHIP, HEADER, LINE_SPACING, PANEL, RGB, WIDTH, Type
from flows.card_wrap import text_length

GROUNDS = (BACKGROUND, PANEL, CHIP, HEADER)
"""What the card's text is drawn on."""
WORDS_KEPT = 4096
"""Drawn words remembered: every word of several cards, about 10 MB."""


@dataclass(frozen=True)
class Palette:
    """The card's colours in palette order, and where each brand colour and each ramp starts."""

    colours: tuple[RGB, ...]
    brand: dict[RGB, int]
    ramps: dict[tuple[RGB, RGB], int]
    """(ink, ground) -> index of the first step from that ground towards that ink."""
    steps: int

    @property
    def flat(self) -> list[int]:
        """Return the colours as Pillow's flat list of channels."""
        return [channel for colour in self.colours for channel in colour]


@lru_cache(maxsize=1)
def card_palette() -> Palette:
    """Return the brand colours, then even steps from each ground to each text colour on it."""
    inks = sorted({style.fill for style in vars(card_style).values() if isinstance(style, Type)})
    pairs = [(ink, ground) for ink in inks for ground in GROUNDS if ink != ground]
    steps = (256 - len(BRAND)) // len(pairs)
    colours = list(BRAND)
    ramps = {}
    for ink, ground in pairs:
        ramps[ink, ground] = len(colours)
        colours += [_blend(ground, ink, step / (steps + 1)) for step in range(1, steps + 1)]
    brand = {colour: index for index, colour in enumerate(BRAND)}
    return Palette(tuple(colours), brand, ramps, steps)


def _blend(ground: RGB, ink: RGB, share: float) -> RGB:
    red, green, blue = (round(g + (i - g) * share) for g, i in zip(ground, ink, strict=True))
    return red, green, blue


def draw_page(page: PageLayout) -> Image.Image:
    """Paint a laid-out page as a palette image."""
    palette = card_palette()
    image = Image.new("P", (WIDTH, page.height), palette.brand[BACKGROUND])
    image.putpalette(palette.flat)
    draw = ImageDraw.Draw(image)
    for shape in page.shapes:
        _paint(draw, shape, palette)
    for run in page.runs:
        _draw_run(image, run, palette)
    return image


def _paint(draw: ImageDraw.ImageDraw, shape: Shape, palette: Palette) -> None:
    fill = None if shape.fill is None else palette.brand[shape.fill]
    if shape.kind == "rect":
        draw.rectangle(shape.box, fill=fill)
    elif shape.kind == "ellipse":
        draw.ellipse(shape.box, fill=fill)
    else:
        outline = None if shape.outline is None else palette.brand[shape.outline]
        width = 2 if shape.kind == "box" else 1
        draw.rounded_rectangle(
            shape.box, radius=shape.radius, fill=fill, outline=outline, width=width
        )


def _draw_run(image: Image.Image, run: Run, palette: Palette) -> None:
    rise = round(run.type.size * (LINE_SPACING - 1.164) / 2)  # DejaVu: 1.164 em tall
    y = run.y + rise
    # Every line starts a little right of its panel's, pill's or page's edge: left of its first
    # letter is the ground it is drawn on.
    under = image.getpixel((max(run.x - 2, 0), y + run.type.size // 2))
    ground = palette.colours[under if isinstance(under, int) else 0]
    draw_words(image, (run.x, y), run.text, run.type.font, (run.type.fill, ground))


def draw_words(
    image: Image.Image,
    at: tuple[int, int],
    text: str,
    font: ImageFont.FreeTypeFont,
    ink_on: tuple[RGB, RGB],
) -> None:
    """Draw a line of ink on its ground word by word, each word rasterised once and reused.

    Pillow rasterises every glyph of every line anew, and that was most of a card's drawing
    time; the card repeats its words (days, platforms, formats, the plan's verbs), so pasting
    a remembered word is several times quicker and lands on the same pixels.
    """
    x, y = at
    space = text_length(font, " ")
    left = float(x)
    for word in text.split(" "):
        if word:
            inked, coverage, (dx, dy) = _inked_word(font, word, ink_on)
            image.paste(inked, (round(left) + dx, y + dy), coverage)
        left += text_length(font, word) + space


@lru_cache(maxsize=WORDS_KEPT)
def _inked_word(
    font: ImageFont.FreeTypeFont, word: str, ink_on: tuple[RGB, RGB]
) -> tuple[Image.Image, Image.Image, tuple[int, int]]:
    """Return a word as palette indices, the pixels it covers, and where it sits from the pen."""
    mask, offset = _word_mask(font, word)
    inked = Image.frombytes("P", mask.size, mask.point(_indices(*ink_on)).tobytes())
    covered = mask.point(_COVERED)
    return inked, covered, offset


_COVERED = [0] + [255] * 255


@lru_cache(maxsize=64)
def _indices(ink: RGB, ground: RGB) -> list[int]:
    """Return the palette index for each coverage 0-255 of ink over ground.

    A pair the palette has no steps for (a colour outside the card's style) is drawn solid.
    """
    palette = card_palette()
    first = palette.ramps.get((ink, ground))
    top = palette.steps + 1
    indices = []
    for coverage in range(256):
        step = round(coverage * top / 255) if first is not None else (coverage >= 128) * top
        if step == 0:
            indices.append(palette.brand.get(ground, 0))
        elif step == top or first is None:
            indices.append(palette.brand[ink])
        else:
            indices.append(first + step - 1)
    return indices


def _word_mask(font: ImageFont.FreeTypeFont, word: str) -> tuple[Image.Image, tuple[int, int]]:
    """Return a word's coverage mask and where it sits from the pen (Pillow's "la" anchor)."""
    box = font.getbbox(word)
    left, top, right, bottom = (math.floor(box[0]), math.floor(box[1]), *map(math.ceil, box[2:]))
    mask = Image.new("L", (max(1, right - left), max(1, bottom - top)))
    ImageDraw.Draw(mask).text((-left, -top), word, font=font, fill=255)
    return mask, (left, top)

"""The card's look: page geometry, brand colours, the shipped fonts and the type styles."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from PIL import ImageFont

from flows.content_loader import default_content_dir

WIDTH = 720
PAGE_HEIGHT = WIDTH * 16 // 9
"""Phone portrait, 9:16, at the size Telegram shows a photo: it scales any photo down to
1280 px on its longer side, so a larger page would only be drawn to be shrunk and blurred."""
MIN_HEIGHT = WIDTH * 5 // 4
"""A short last page is cut to its content, but never below 4:5, so it stays portrait."""
SIDE = 32
COLUMN = WIDTH - 2 * SIDE
"""The card pages' margin and text width: narrow, since every line the page saves counts."""
PAD = 21
FOOTER = 9
BOTTOM_PAD = 32
TOP_PAD = 27
"""Room between a continuation page's band and its first block."""
LINE_SPACING = 1.34

FONT_FILES = {False: "DejaVuSans.ttf", True: "DejaVuSans-Bold.ttf"}

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

CHART_WIDTH = 1080
CHART_MARGIN = 64
CHART_INNER = CHART_WIDTH - 2 * CHART_MARGIN
CHART_PAD = 32
"""The width, margin, text width and padding of charts drawn in this style: a square photo."""

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


HEADING = Type(40, True, HEADER_TEXT)
SNAPSHOT_TITLE = Type(20, True, HEADER_SUBTLE)
SNAPSHOT = Type(24, False, HEADER_TEXT)
TITLE = Type(28, True, INK)
BODY = Type(20, False, INK)
BODY_ON_CHIP = Type(20, False, HEADER)
LABEL = Type(19, True, HEADER)
BULLET_LABEL = Type(20, True, INK)
NOTE = Type(20, False, MUTED)
PILL = Type(20, True, HEADER_TEXT)
BESIDE_PILL = Type(20, True, INK)
BELOW_PILL = Type(20, False, MUTED)
BAND = Type(20, True, HEADER_TEXT)
PAGE_NUMBER = Type(19, True, HEADER_SUBTLE)
BAND_NUMBER = Type(20, True, HEADER_SUBTLE)
CONTEXT = Type(19, True, MUTED)

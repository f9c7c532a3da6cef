"""What of a text the card draws: one rule for every text, so nothing is silently lost.

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
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from PIL import ImageFont

from flows.card_style import load_font

SUBSTITUTE = "□"
"""Stands for a character the font cannot draw, so user text is never silently shortened."""
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

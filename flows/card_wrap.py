"""Measuring and breaking text into lines that fit a width, between words, never cutting one."""

from __future__ import annotations

import re
from functools import lru_cache

from PIL import ImageFont

ELLIPSIS = "…"
SEPARATOR = "·"
"""Between the parts of a label ("Mon 7 Dec 11:30 · Instagram · Reels"): a line breaks there."""
GLUED_LETTERS = 4
"""Words this short stay on the line of a number beside them: "Mon 7 Dec", "10 min"."""
_DIGIT = re.compile(r"\d")


@lru_cache(maxsize=65536)
def text_length(font: ImageFont.FreeTypeFont, text: str) -> float:
    """Return how wide text is drawn in font, remembered since layout measures a lot."""
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
    if all(text_length(font, unit) <= width for unit in units):
        return _pack(units, font, width)
    return break_lines(label, font, width)


def _pack(units: list[str], font: ImageFont.FreeTypeFont, width: int) -> Wrapped:
    """Fill lines with units (words, or words glued together), a space between two."""
    lines: Wrapped = []
    current, used = "", 0.0
    space = text_length(font, " ")
    for word in units:
        size = text_length(font, word)
        if size > width:
            if current:
                lines.append((current, False))
            pieces = _break_word(word, font, width)
            lines += [(piece, True) for piece in pieces[:-1]]
            current, used = pieces[-1], text_length(font, pieces[-1])
        elif current and used + space + size > width:  # drawn word by word: widths add up
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
        if units and _binds(last, word) and text_length(font, joined) <= width:
            units[-1] = joined
        else:
            units.append(word)
        last = word
    return units


def _binds(before: str, after: str) -> bool:
    """Return whether two words share a line: a number and a short word next to it."""
    return (_has_digit(after) and _is_short(before)) or (_has_digit(before) and _is_short(after))


def _has_digit(word: str) -> bool:
    return _DIGIT.search(word) is not None


def _is_short(word: str) -> bool:
    return len(word.strip("().,;:«»")) <= GLUED_LETTERS


def _break_word(word: str, font: ImageFont.FreeTypeFont, width: int) -> list[str]:
    pieces, current = [], ""
    for char in word:
        if current and text_length(font, current + char) > width:
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

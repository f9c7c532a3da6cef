"""The class's common mistakes as a bar chart PNG, to read at a glance on a phone."""

from __future__ import annotations

import io

from PIL import Image, ImageDraw, ImageFont

from flows.content import Content
from flows.i18n import Lang
from flows.render_image import (
    ACCENT,
    BACKGROUND,
    CHART_INNER,
    CHART_MARGIN,
    CHART_PAD,
    CHART_WIDTH,
    CHIP,
    HEADER,
    HEADER_SUBTLE,
    HEADER_TEXT,
    INK,
    MUTED,
    PANEL,
    PANEL_EDGE,
    WARNING,
    clean,
    load_font,
    wrap,
)
from flows.report import ClassReport

DRAFT_HEIGHT = 2 * CHART_WIDTH
"""The canvas drawn on; three title lines and six two-line labels take well under it."""
BAR_HEIGHT = 46
COUNT_ROOM = 110
"""Room right of the longest bar for its count."""
TRACK = CHART_INNER - COUNT_ROOM
LABEL_SIZE, COUNT_SIZE, TICK_SIZE = 34, 40, 28
NO_DATA = "–"


def render_mistakes_chart(report: ClassReport, content: Content, lang: Lang) -> bytes:
    """Render how many students made each common mistake as a 1080 px wide PNG bar chart."""
    image = Image.new("RGB", (CHART_WIDTH, DRAFT_HEIGHT), BACKGROUND)
    draw = ImageDraw.Draw(image)
    texts = content.report
    y = _header(
        draw,
        texts["chart_title"](lang).format(title=report.title),
        _subtitle(report, content, lang),
    )
    if report.finished == 0:
        y = _note(draw, y + 40, texts["chart_nobody"](lang))
    scale = max(report.finished, 1)
    y += 44
    for index, mistake in enumerate(report.mistakes):
        if index:
            y += 34
        count = mistake.students if report.finished else None
        y = _row(draw, y, f"{mistake.number}. {mistake.title}", count, scale)
    if report.finished:
        y = _axis(draw, y + 26, report.finished, texts["chart_axis"](lang))
    y += CHART_MARGIN
    draw.rectangle((0, y, CHART_WIDTH, y + 14), fill=HEADER)
    height = min(max(y + 14, CHART_WIDTH), DRAFT_HEIGHT)  # square at least, portrait if need be
    output = io.BytesIO()
    image.crop((0, 0, CHART_WIDTH, height)).save(output, format="PNG")
    return output.getvalue()


def _subtitle(report: ClassReport, content: Content, lang: Lang) -> str:
    progress = content.report["progress"](lang).format(
        joined=report.joined, finished=report.finished
    )
    return f"{report.case} · {progress}" if report.case else progress


def _write(
    draw: ImageDraw.ImageDraw,
    lines: list[str],
    font: ImageFont.FreeTypeFont,
    at: tuple[int, int],
    fill: tuple[int, int, int],
) -> int:
    """Draw lines down from `at`; return the y below them."""
    x, y = at
    step = round(font.size * 1.3)
    for line in lines:
        draw.text((x, y), line, font=font, fill=fill)
        y += step
    return y


def _header(draw: ImageDraw.ImageDraw, title: str, subtitle: str) -> int:
    title_font, subtitle_font = load_font(True, 52), load_font(False, 32)
    title_lines = wrap(clean(title, bold=True), title_font, CHART_INNER, 3)
    subtitle_lines = wrap(clean(subtitle), subtitle_font, CHART_INNER, 2)
    top = 64
    below = top + len(title_lines) * round(title_font.size * 1.3) + 14
    bottom = below + len(subtitle_lines) * round(subtitle_font.size * 1.3) + 44
    draw.rectangle((0, 0, CHART_WIDTH, bottom), fill=HEADER)
    draw.rectangle((0, bottom, CHART_WIDTH, bottom + 10), fill=ACCENT)
    _write(draw, title_lines, title_font, (CHART_MARGIN, top), HEADER_TEXT)
    _write(draw, subtitle_lines, subtitle_font, (CHART_MARGIN, below), HEADER_SUBTLE)
    return bottom + 10


def _note(draw: ImageDraw.ImageDraw, y: int, text: str) -> int:
    font = load_font(True, 36)
    lines = wrap(clean(text, bold=True), font, CHART_INNER - 2 * CHART_PAD, 3)
    bottom = y + len(lines) * round(font.size * 1.3) + 2 * CHART_PAD - 8
    draw.rounded_rectangle(
        (CHART_MARGIN, y, CHART_WIDTH - CHART_MARGIN, bottom),
        radius=24,
        fill=PANEL,
        outline=PANEL_EDGE,
        width=2,
    )
    _write(draw, lines, font, (CHART_MARGIN + CHART_PAD, y + CHART_PAD - 4), INK)
    return bottom


def _row(draw: ImageDraw.ImageDraw, y: int, label: str, count: int | None, scale: int) -> int:
    """Draw one mistake: its label, then a bar as long as its share of the class, and its count.

    `count` is None while nobody has finished: the row shows an empty track and a dash.
    """
    font = load_font(False, LABEL_SIZE)
    lines = wrap(clean(label), font, CHART_INNER, 2)
    y = _write(draw, lines, font, (CHART_MARGIN, y), INK if count is not None else MUTED)
    top, bottom = y + 6, y + 6 + BAR_HEIGHT
    draw.rounded_rectangle((CHART_MARGIN, top, CHART_MARGIN + TRACK, bottom), radius=10, fill=CHIP)
    length = round(TRACK * (count or 0) / scale)
    if count:
        end = CHART_MARGIN + max(length, 20)
        draw.rounded_rectangle((CHART_MARGIN, top, end, bottom), radius=10, fill=WARNING)
    draw.text(
        (CHART_MARGIN + length + 18, (top + bottom) / 2),
        NO_DATA if count is None else str(count),
        font=load_font(True, COUNT_SIZE),
        fill=WARNING if count else MUTED,
        anchor="lm",
    )
    return bottom


def _ticks(finished: int) -> list[int]:
    """Round-number ticks from 0 (at most six), ending on the class size."""
    step = next(
        scale * base
        for scale in (10**power for power in range(len(str(finished)) + 1))
        for base in (1, 2, 5)
        if finished / (scale * base) <= 5
    )
    ticks = list(range(0, finished + 1, step))
    if ticks[-1] != finished:
        if finished - ticks[-1] < step / 2:
            ticks.pop()
        ticks.append(finished)
    return ticks


def _axis(draw: ImageDraw.ImageDraw, y: int, finished: int, label: str) -> int:
    """Draw the students scale under the bars, 0 to the class size; return the y below it."""
    font = load_font(False, TICK_SIZE)
    draw.line((CHART_MARGIN, y, CHART_MARGIN + TRACK, y), fill=MUTED, width=3)
    for tick in _ticks(finished):
        x = CHART_MARGIN + round(TRACK * tick / finished)
        draw.line((x, y, x, y + 12), fill=MUTED, width=3)
        draw.text((x, y + 18), str(tick), font=font, fill=MUTED, anchor="mt")
    caption_y = y + 18 + round(TICK_SIZE * 1.4)
    draw.text(
        (CHART_MARGIN + TRACK // 2, caption_y), clean(label), font=font, fill=MUTED, anchor="mt"
    )
    return caption_y + round(TICK_SIZE * 1.3)

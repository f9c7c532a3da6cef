"""The card as PNG pages: the whole card, nothing cut, phone portrait, within Telegram's limits."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageDraw

from flows import card_glyphs, card_paint, card_style
from flows.card import StrategyCard, build_card
from flows.card_sections import card_sections
from flows.conditions import AnswerValue
from flows.content import Content
from flows.content_loader import default_content_dir
from flows.i18n import Lang
from flows.render_image import (
    BELOW_PILL,
    BESIDE_PILL,
    BODY,
    CHROME,
    ELLIPSIS,
    FOOTER,
    HEADER,
    PAGE_HEIGHT,
    PILL,
    SIDE,
    SUBSTITUTE,
    TITLE,
    WIDTH,
    FontMissingError,
    PageLayout,
    break_label,
    break_lines,
    layout_card,
    load_font,
    printable,
    printable_title,
    render_card_pngs,
    wrap,
)
from tests.personas import CAREFUL_BAKERY, MISTAKE_TRIGGERS

TODAY = dt.date(2026, 12, 1)
EVERY_MISTAKE: dict[str, AnswerValue] = dict(MISTAKE_TRIGGERS.values())
LONG: dict[str, AnswerValue] = {
    **CAREFUL_BAKERY,
    **EVERY_MISTAKE,
    "hours": "over_10",
    "networks": ["instagram", "facebook", "whatsapp"],
}
LAUNCH_WITH_NOTHING_YET: dict[str, AnswerValue] = {
    **CAREFUL_BAKERY,
    **EVERY_MISTAKE,
    "goal": "launch",
    "hours": "h6_10",
    "networks": ["instagram", "facebook", "whatsapp"],
    "content_types": ["none_yet"],
}
SKIPPED_BUDGET: dict[str, AnswerValue] = {**CAREFUL_BAKERY, "budget": None, "hours": "under_1"}
ANSWER_SETS = {
    "careful": CAREFUL_BAKERY,
    "long": LONG,
    "launch": LAUNCH_WITH_NOTHING_YET,
    "skipped": SKIPPED_BUDGET,
}
ODD_OFFERS = [
    "Pizza 🍕 da Gino ✨",
    "Consulenza fiscale e contabile per partite IVA, ditte individuali, professionisti "
    "e piccole imprese di Bologna",
    "Consulenzafiscaleperpartiteivaeimpresecheduraremoltopiùdiunarigaintera" * 2,
    "مخبز الحي: خبز طازج كل صباح",
    "披萨店 Gino 的手工披萨",
    "👩‍🍳🇮🇹❤️ Pizzeria Da Nicolò ☕️, già pronti… 5 € l’uno",
    "\x00\x07 tab\tand\nnewline \u200b\u202e",
]


def _card(content: Content, answers: dict[str, AnswerValue], lang: Lang) -> StrategyCard:
    return build_card(content, answers, lang, TODAY)


def _open(png: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG"
    image.load()
    return image


def _assert_fits_a_phone_and_telegram(png: bytes) -> Image.Image:
    image = _open(png)
    width, height = image.size
    assert width == WIDTH == 720, "the size Telegram shows: 1280 px on the longer side"
    assert width < height <= 1280, "phone portrait, at most 9:16"
    assert width + height <= 10_000
    assert len(png) < 2 * 1024 * 1024
    return image


def _expected_texts(card: StrategyCard) -> list[str]:
    """Every text of the card, as the pages must draw it, in reading order."""
    texts = [printable_title(card.titles["heading"])]
    for section in card_sections(card):
        texts.append(printable_title(section.title))
        for line in section.lines:
            if line.label:
                texts.append(printable(line.label))
            texts.append(printable(line.text))
    return [text for text in texts if text]


def _drawn_texts(pages: list[PageLayout]) -> list[str]:
    """The card's texts rebuilt from the drawn lines: a broken word's lines join without space."""
    texts: dict[int, str] = {}
    for run in (run for page in pages for run in page.runs if run.paragraph != CHROME):
        before = texts.get(run.paragraph)
        if before is None:
            texts[run.paragraph] = run.text
        else:
            texts[run.paragraph] = before + ("" if before.endswith("\x00") else " ") + run.text
        if run.broken:
            texts[run.paragraph] += "\x00"
    assert list(texts) == sorted(texts), "texts are drawn in reading order"
    return [text.replace("\x00", "") for text in texts.values()]


def _pages_of(pages: list[PageLayout]) -> dict[int, set[int]]:
    where: dict[int, set[int]] = {}
    for page in pages:
        for run in page.runs:
            if run.paragraph != CHROME:
                where.setdefault(run.paragraph, set()).add(page.number)
    return where


@pytest.mark.parametrize("lang", ["it", "en"])
@pytest.mark.parametrize("answers", list(ANSWER_SETS), ids=list(ANSWER_SETS))
def test_every_text_of_the_card_is_drawn_whole_and_in_order(
    content: Content, lang: Lang, answers: str
) -> None:
    card = _card(content, ANSWER_SETS[answers], lang)
    pages = layout_card(card)
    expected = _expected_texts(card)
    assert _drawn_texts(pages) == expected
    drawn = [line for page in pages for line in page.lines]
    assert sum(line.count(ELLIPSIS) for line in drawn) == sum(t.count(ELLIPSIS) for t in expected)
    every_line = {line.text for section in card_sections(card) for line in section.lines}
    assert card.objective in every_line and card.calendar.posts[0].idea in every_line


@pytest.mark.parametrize("lang", ["it", "en"])
def test_every_page_fits_a_phone_and_telegram(content: Content, lang: Lang) -> None:
    pngs = render_card_pngs(_card(content, LONG, lang))
    for number, png in enumerate(pngs, start=1):
        image = _assert_fits_a_phone_and_telegram(png)
        assert image.mode == "P", "a palette image: small to send, quick to encode"
        colours = image.convert("RGB")
        assert colours.getpixel((8, 8)) == HEADER, "the brand's colours come out exact"
        assert colours.getpixel((4, image.height // 2)) == card_style.BACKGROUND, number


def test_a_long_card_flows_onto_several_pages(content: Content) -> None:
    card = _card(content, LONG, "it")
    assert len(card.platforms) == 3 and len(card.mistakes) == len(MISTAKE_TRIGGERS)
    pages = layout_card(card)
    pngs = render_card_pngs(card)
    assert 3 <= len(pages) == len(pngs) <= 12, "two albums at most"
    assert [_open(png).height for png in pngs] == [page.height for page in pages]
    assert all(page.height == PAGE_HEIGHT for page in pages[:-1])
    heading = printable_title(card.titles["heading"])
    for page in pages:
        chrome = [run.text for run in page.runs if run.paragraph == CHROME]
        assert f"{page.number}/{len(pages)}" in chrome
        if page.number > 1:
            assert heading in chrome, "a later page read alone still says what it is"
    assert len(layout_card(_card(content, SKIPPED_BUDGET, "it"))) < len(pages)


def test_lines_stay_on_one_page_and_titles_keep_with_what_follows(content: Content) -> None:
    for lang in ("it", "en"):
        pages = layout_card(_card(content, LONG, lang))
        where = _pages_of(pages)
        assert all(len(numbers) == 1 for numbers in where.values()), "no text split in two"
        for page in pages[:-1]:
            last = [run for run in page.runs if run.paragraph != CHROME][-1]
            assert last.type not in (TITLE, PILL, BESIDE_PILL, BELOW_PILL), (
                f"page {page.number} ends with a title or subheading: {last.text!r}"
            )


def test_every_line_is_within_the_page(content: Content) -> None:
    for answers in ANSWER_SETS.values():
        for page in layout_card(_card(content, answers, "it")):
            assert page.height <= PAGE_HEIGHT
            for run in page.runs:
                assert run.x >= SIDE and run.y >= 0
                assert run.x + run.type.font.getlength(run.text) <= WIDTH - SIDE + 1, run.text
                assert run.y + run.type.step <= page.height - FOOTER, run.text


def test_the_type_is_large_enough_to_read_on_a_phone(content: Content) -> None:
    pages = layout_card(_card(content, LONG, "en"))
    # A phone shows a page as wide as its screen: what counts is type size to page width.
    sizes = [run.type.size for page in pages for run in page.runs if run.paragraph != CHROME]
    assert min(sizes) / WIDTH >= 0.026
    body = [run for page in pages for run in page.runs if run.type is BODY]
    assert len(body) > len(sizes) / 2 and BODY.size / WIDTH >= 0.0277


def test_every_page_shows_text_not_just_background(content: Content) -> None:
    for png in render_card_pngs(_card(content, CAREFUL_BAKERY, "it")):
        image = _open(png).convert("L")
        body = image.crop((0, 200, image.width, image.height - 100))
        histogram = body.histogram()
        ink = sum(histogram[:100]) / (body.width * body.height)
        assert ink > 0.01, "dark text covers part of every page"


def test_a_text_taller_than_a_page_goes_on_over_the_next_one(content: Content) -> None:
    card = _card(content, CAREFUL_BAKERY, "en")
    huge = " ".join(f"word{n}" for n in range(1200))
    pages = layout_card(replace(card, objective=huge))
    assert huge in _drawn_texts(pages)
    spread = _pages_of(pages)
    assert max(len(numbers) for numbers in spread.values()) >= 2
    for png in render_card_pngs(replace(card, objective=huge)):
        _assert_fits_a_phone_and_telegram(png)


@pytest.mark.parametrize("offer", ODD_OFFERS)
def test_the_users_own_words_are_drawn_or_visibly_replaced(content: Content, offer: str) -> None:
    for lang in ("it", "en"):
        card = _card(content, {**CAREFUL_BAKERY, "offer": offer}, lang)
        pages = layout_card(card)
        assert _drawn_texts(pages) == _expected_texts(card)
        snapshot = _drawn_texts(pages)[2]
        assert printable(offer) in snapshot
        for png in render_card_pngs(card):
            _assert_fits_a_phone_and_telegram(png)


@pytest.mark.parametrize(
    ("typed", "drawn"),
    [
        ("Pizza 🍕 da Gino ✨", f"Pizza {SUBSTITUTE} da Gino {SUBSTITUTE}"),
        ("👩‍🍳 chef", f"{SUBSTITUTE} chef"),
        ("🇮🇹🇫🇷 flags", f"{SUBSTITUTE}{SUBSTITUTE} flags"),
        ("👍🏽 ok", f"{SUBSTITUTE} ok"),
        ("مخبز", SUBSTITUTE * 4),
        ("披萨店 Gino", f"{SUBSTITUTE * 3} Gino"),
        ("☕️ caffè", "☕ caffè"),
        ("✅ fatto", "✓ fatto"),
        ("àèéìòù ÀÈÉÌÒÙ ñ ü ç – ’ « » € … “ ”", "àèéìòù ÀÈÉÌÒÙ ñ ü ç – ’ « » € … “ ”"),
        ("cafe\u0301", "café"),
        ("a\u200bb\u200dc \x07d\u202e", "abc d"),
        ("tab\tand\nnewline  ", "tab and newline"),
        ("\ue123 private", f"{SUBSTITUTE} private"),
    ],
)
def test_printable_keeps_what_it_can_draw_and_marks_what_it_cannot(typed: str, drawn: str) -> None:
    assert printable(typed) == drawn


def test_product_emoji_only_decorating_a_title_are_left_out() -> None:
    assert printable_title("📋 La tua strategia social") == "La tua strategia social"
    assert printable_title("⚠️ Errori da evitare") == "Errori da evitare"
    assert printable_title("Pizza 🍕") == f"Pizza {SUBSTITUTE}", "only leading product emoji"


def test_break_lines_never_cuts_and_never_overflows() -> None:
    font = load_font(False, 30)
    text = "Sistema i profili: immagine chiara, contatti, orari e una riga su cosa offri. " * 4
    lines = break_lines(text, font, 500)
    assert len(lines) > 3
    assert " ".join(line for line, _ in lines).split() == text.split(), "no word cut or lost"
    assert all(font.getlength(line) <= 500 for line, _ in lines)
    assert not any(broken for _, broken in lines)

    pieces = break_lines("x" * 300, font, 400)
    assert len(pieces) > 1 and "".join(piece for piece, _ in pieces) == "x" * 300
    assert [broken for _, broken in pieces] == [True] * (len(pieces) - 1) + [False]
    assert all(font.getlength(piece) <= 400 for piece, _ in pieces)


def test_a_date_never_breaks_over_two_lines() -> None:
    font = load_font(False, 30)
    text = "Christmas lunches and dinners: post on the day; teaser Mon 7 Dec, then Tue 22 Dec."
    for width in range(300, 1000, 10):
        lines = [line for line, _ in break_lines(text, font, width)]
        assert " ".join(lines) == text
        assert not any(line.endswith(("Mon", "Mon 7", "Tue", "Tue 22")) for line in lines), width


def test_a_long_label_breaks_at_its_separators() -> None:
    font = load_font(True, 28)
    label = "Gio 24 dic 11:30 · WhatsApp · Novità e offerte con immagine"
    lines = [line for line, _ in break_label(label, font, 700)]
    assert lines == ["Gio 24 dic 11:30 · WhatsApp ·", "Novità e offerte con immagine"]
    assert [line for line, _ in break_label(label, font, 2000)] == [label]


def test_wrap_for_charts_still_ellipsizes_at_its_line_limit() -> None:
    font = load_font(False, 34)
    text = "Sistema i profili: immagine chiara, contatti, orari e una riga su cosa offri. " * 4
    short = wrap(text, font, 500, max_lines=2)
    assert len(short) == 2 and short[-1].endswith(ELLIPSIS)
    assert all(font.getlength(line) <= 500 for line in short)
    assert wrap(text, font, 500) == [line for line, _ in break_lines(text, font, 500)]


@pytest.fixture
def no_fonts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    load_font.cache_clear()
    card_glyphs._has_glyph.cache_clear()
    monkeypatch.setattr(card_style, "default_content_dir", lambda: tmp_path)
    yield
    load_font.cache_clear()
    card_glyphs._has_glyph.cache_clear()


@pytest.mark.usefixtures("no_fonts")
def test_a_missing_font_is_an_error_not_a_silent_fallback(content: Content) -> None:
    with pytest.raises(FontMissingError, match="DejaVuSans"):
        render_card_pngs(_card(content, CAREFUL_BAKERY, "en"))


def test_fonts_ship_with_the_content_and_their_licence() -> None:
    fonts = default_content_dir() / "fonts"
    assert (fonts / "DejaVuSans.ttf").is_file()
    assert (fonts / "DejaVuSans-Bold.ttf").is_file()
    assert "Bitstream Vera" in (fonts / "LICENSE").read_text(encoding="utf-8")


@pytest.mark.parametrize("lang", ["it", "en"])
def test_lines_drawn_word_by_word_in_the_palette_match_pillow_drawing_them_whole(
    content: Content, lang: Lang
) -> None:
    pages = layout_card(_card(content, LONG, lang))
    runs = [run for page in pages for run in page.runs]
    assert len(runs) > 300
    palette = card_paint.card_palette()
    for run in runs:
        font = run.type.font
        size = (WIDTH, run.type.step * 2)
        whole = Image.new("RGB", size, card_style.BACKGROUND)
        ImageDraw.Draw(whole).text((run.x, 4), run.text, font=font, fill=card_style.INK)
        by_word = Image.new("P", size, palette.brand[card_style.BACKGROUND])
        by_word.putpalette(palette.flat)
        card_paint.draw_words(
            by_word, (run.x, 4), run.text, font, (card_style.INK, card_style.BACKGROUND)
        )
        difference = ImageChops.difference(whole, by_word.convert("RGB")).convert("L")
        differing = difference.point(lambda v: 255 if v > 32 else 0)
        assert differing.getbbox() is None, run.text


@pytest.mark.parametrize("lang", ["it", "en"])
def test_a_page_in_the_palette_looks_like_pillow_drawing_it_in_full_colour(
    content: Content, lang: Lang
) -> None:
    """Text on every ground (page, panel, chip, header, pill) gets its edges from that ground."""
    for page in layout_card(_card(content, LONG, lang)):
        drawn = card_paint.draw_page(page).convert("RGB")
        reference = card_paint.draw_page(replace(page, runs=[])).convert("RGB")
        pen = ImageDraw.Draw(reference)
        for run in page.runs:
            rise = round(run.type.size * (card_style.LINE_SPACING - 1.164) / 2)
            pen.text((run.x, run.y + rise), run.text, font=run.type.font, fill=run.type.fill)
        difference = ImageChops.difference(drawn, reference).convert("L")
        assert difference.point(lambda v: 255 if v > 40 else 0).getbbox() is None, page.number

"""The card as a PNG: phone portrait, within Telegram's limits, legible, never crashing on text."""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from PIL import Image

from flows import render_image
from flows.card import Step, StrategyCard, build_card
from flows.conditions import AnswerValue
from flows.content import Content, default_content_dir
from flows.i18n import Lang
from flows.render_image import (
    HEADER,
    MAX_HEIGHT,
    WIDTH,
    FontMissingError,
    clean,
    load_font,
    render_card_png,
    wrap,
)
from tests.personas import CAREFUL_BAKERY, MISTAKE_TRIGGERS

EVERY_MISTAKE_ON_THREE_NETWORKS: dict[str, AnswerValue] = {
    **CAREFUL_BAKERY,
    **{question: answer for question, answer in MISTAKE_TRIGGERS.values()},
    "goal": "launch",
    "hours": "h6_10",
    "networks": ["instagram", "facebook", "whatsapp"],
    "content_types": ["none_yet"],
}


def _card(content: Content, lang: Lang, **answers: AnswerValue) -> StrategyCard:
    return build_card(content, {**CAREFUL_BAKERY, **answers}, lang)


def _open(png: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG"
    image.load()
    return image


def _assert_fits_a_phone_and_telegram(png: bytes) -> Image.Image:
    image = _open(png)
    width, height = image.size
    assert width == WIDTH == 1080
    assert width < height <= 3 * width
    assert width + height <= 10_000
    assert len(png) < 2 * 1024 * 1024
    return image


@pytest.mark.parametrize("lang", ["it", "en"])
def test_the_card_renders_as_a_phone_portrait_png(content: Content, lang: Lang) -> None:
    image = _assert_fits_a_phone_and_telegram(render_card_png(_card(content, lang)))
    assert image.mode == "P", "a palette image: small to send, quick to encode"
    corner = image.convert("RGB").getpixel((8, 8))
    assert isinstance(corner, tuple)
    assert max(abs(a - b) for a, b in zip(corner, HEADER, strict=True)) <= 8, "brand colours kept"


def test_the_fullest_card_still_fits(content: Content) -> None:
    card = build_card(content, EVERY_MISTAKE_ON_THREE_NETWORKS, "it")
    assert len(card.platforms) == 3 and len(card.mistakes) == 6
    image = _assert_fits_a_phone_and_telegram(render_card_png(card))
    assert image.height <= MAX_HEIGHT


def test_text_is_drawn_not_just_background(content: Content) -> None:
    image = _open(render_card_png(_card(content, "it"))).convert("L")
    body = image.crop((0, image.height // 3, image.width, image.height))
    histogram = body.histogram()
    ink = sum(histogram[:100]) / (body.width * body.height)
    assert ink > 0.02, "dark text covers part of the body"
    background = sum(histogram[240:]) / (body.width * body.height)
    assert background < 0.95


def test_more_actions_make_a_taller_image(content: Content) -> None:
    card = _card(content, "en")
    fewer = replace(card, next_30_days=card.next_30_days[:2])
    more = replace(card, next_30_days=[*card.next_30_days[:2], Step(3, "Extra step " * 5)])
    assert _open(render_card_png(more)).height > _open(render_card_png(fewer)).height


@pytest.mark.parametrize(
    "offer",
    [
        "Dolci 🍰 senza glutine, «fatti a mano» – già pronti… 5 € l’uno",
        "👩‍🍳🇮🇹❤️ Pizzeria Da Nicolò ☕️",
        "Consulenzafiscaleperpartiteivaeimpresecheduraremoltopiùdiunariga" * 2,
        "\x00\x07 tab\tand\nnewline \u200b\u202e",
    ],
)
def test_users_own_words_never_crash_the_renderer(content: Content, offer: str) -> None:
    for lang in ("it", "en"):
        _assert_fits_a_phone_and_telegram(render_card_png(_card(content, lang, offer=offer)))


def test_clean_keeps_italian_and_typography_and_drops_emoji() -> None:
    italian = "àèéìòù ÀÈÉÌÒÙ – ’ « » € … “ ”"
    assert clean(italian) == italian
    assert clean(italian, bold=True) == italian
    assert clean("Dolci 🍰 buoni 👩‍🍳 ☕️ 🇮🇹") == "Dolci buoni"
    assert clean("a\u200db\x07c\ue123d") == "abcd"


def test_wrap_breaks_between_words_and_never_overflows() -> None:
    font = load_font(False, 34)
    text = "Sistema i profili: immagine chiara, contatti, orari e una riga su cosa offri. " * 4
    lines = wrap(text, font, 500)
    assert len(lines) > 3
    assert " ".join(lines).split() == text.split(), "no word was cut or lost"
    assert all(font.getlength(line) <= 500 for line in lines)

    short = wrap(text, font, 500, max_lines=2)
    assert len(short) == 2 and short[-1].endswith("…")
    assert all(font.getlength(line) <= 500 for line in short)
    kept = short[-1].removesuffix("…").split()
    assert kept == text.split()[len(short[0].split()) :][: len(kept)], "cut only between words"

    (long_word,) = wrap("x" * 300, font, 400)
    assert long_word.endswith("…") and font.getlength(long_word) <= 400


@pytest.fixture
def no_fonts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    load_font.cache_clear()
    render_image._has_glyph.cache_clear()
    monkeypatch.setattr(render_image, "default_content_dir", lambda: tmp_path)
    yield
    load_font.cache_clear()
    render_image._has_glyph.cache_clear()


@pytest.mark.usefixtures("no_fonts")
def test_a_missing_font_is_an_error_not_a_silent_fallback(content: Content) -> None:
    with pytest.raises(FontMissingError, match="DejaVuSans"):
        render_card_png(_card(content, "en"))


def test_fonts_ship_with_the_content_and_their_licence() -> None:
    fonts = default_content_dir() / "fonts"
    assert (fonts / "DejaVuSans.ttf").is_file()
    assert (fonts / "DejaVuSans-Bold.ttf").is_file()
    assert "Bitstream Vera" in (fonts / "LICENSE").read_text(encoding="utf-8")

"""Card rendering time, in this process: text, PNG image and .ics calendar of varied cards."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from bench.personas import personas
from bench.stats import percentile
from bot.telegram.views import Views
from flows.card import StrategyCard
from flows.coach import Coach
from flows.render_calendar import render_calendar_ics
from flows.render_image import render_card_pngs
from flows.render_text import render_markdown


@dataclass(frozen=True)
class Timing:
    """Milliseconds one rendering took: median and 95th percentile over the cards."""

    p50_ms: float
    p95_ms: float


def _timed(render: Callable[[StrategyCard], object], cards: list[StrategyCard]) -> list[float]:
    samples = []
    for card in cards:
        started = time.perf_counter()
        render(card)
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def card_timings(coach: Coach, count: int = 50, seed: int = 11) -> dict[str, Timing]:
    """Render count cards built from varied answers; time each format."""
    content = coach.content
    views = Views(content)
    cards = [coach.build_card(p.expected, p.lang) for p in personas(coach, count, seed)]
    render_card_pngs(cards[0])  # fonts load on first use; a running bot has them already
    formats: dict[str, Callable[[StrategyCard], object]] = {
        "text": lambda card: (views.card(card), render_markdown(card)),
        "png": render_card_pngs,
        "ics": render_calendar_ics,
    }
    timings = {}
    for name, render in formats.items():
        samples = _timed(render, cards)
        timings[name] = Timing(percentile(samples, 0.5), percentile(samples, 0.95))
    return timings

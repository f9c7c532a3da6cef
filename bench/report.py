"""The results: medians per scenario, the targets as ratios within the run, a table and JSON."""

from __future__ import annotations

import json
import math
import platform
import sys
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

from bench.cards import Timing
from bench.scenarios import Run
from bench.stats import median

NUMBERS = (
    "updates",
    "answers",
    "started",
    "finished",
    "stuck",
    "seconds",
    "updates_per_s",
    "p50_ms",
    "p95_ms",
    "p99_ms",
    "calls_per_answer",
    "peak_rss_mib",
    "start_to_poll_s",
    "drift",
)


def summarize(runs: list[Run]) -> dict[str, float]:
    """Return the median of each number over the runs of one scenario."""
    summary: dict[str, float] = {"runs": len(runs), "users": runs[0].users}
    for key in NUMBERS:
        values = [float(v) for run in runs if (v := getattr(run, key)) is not None]
        summary[key] = median([v for v in values if not math.isnan(v)])
    return summary


@dataclass(frozen=True)
class Target:
    """One goal: what is measured, the limit, and whether the measurement meets it."""

    name: str
    measured: float
    limit: float
    at_least: bool = True
    unit: str = "x"

    @property
    def verdict(self) -> str:
        """Return pass, short, or n/a when the scenario did not run."""
        if math.isnan(self.measured):
            return "n/a"
        ok = self.measured >= self.limit if self.at_least else self.measured <= self.limit
        return "pass" if ok else "short"


def targets(summaries: dict[str, dict[str, float]], cards: dict[str, Timing]) -> list[Target]:
    """Return every target of the benchmark, from the scenarios' medians."""

    def get(scenario: str, key: str) -> float:
        return summaries.get(scenario, {}).get(key, math.nan)

    def ratio(top: float, bottom: float) -> float:
        return top / bottom if bottom else math.nan

    def faster(name: str, top: str, bottom: str, limit: float) -> Target:
        return Target(name, ratio(get(top, "updates_per_s"), get(bottom, "updates_per_s")), limit)

    png = cards["png"].p95_ms if "png" in cards else math.nan
    in_progress = get("memory", "started")
    memory = f"peak memory, {0 if math.isnan(in_progress) else in_progress:.0f} interviews open"
    return [
        faster("capacity: coach / echo bot updates/s", "capacity", "echo", 0.6),
        faster("latency hidden: with / without latency", "latency", "capacity", 0.8),
        faster("latency hidden: / concurrency off", "latency", "sequential", 25),
        Target("class rush: reply p95", get("class_rush", "p95_ms"), 250, False, "ms"),
        Target("class rush: reply p99", get("class_rush", "p99_ms"), 400, False, "ms"),
        Target(
            "class rush: calls per answer", get("class_rush", "calls_per_answer"), 1.5, False, "x"
        ),
        faster("PostgreSQL / SQLite updates/s", "postgresql", "capacity", 0.8),
        Target(memory, get("memory", "peak_rss_mib"), 150, False, "MiB"),
        Target("PNG card p95", png, 150, False, "ms"),
        Target("start to first getUpdates", get("capacity", "start_to_poll_s"), 2, False, "s"),
        Target("soak: last fifth / first fifth drift", get("soak", "drift") * 100, 10, False, "%"),
    ]


def _number(value: float, digits: int = 1) -> str:
    return "—" if math.isnan(value) else f"{value:,.{digits}f}"


def _table(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]

    def line(cells: list[str]) -> str:
        padded = [cell.rjust(width) for cell, width in zip(cells, widths, strict=True)]
        return "  ".join([cells[0].ljust(widths[0]), *padded[1:]])

    return "\n".join([line(header), line(["-" * w for w in widths]), *map(line, rows)])


def scenario_table(summaries: dict[str, dict[str, float]]) -> str:
    """Format one row per scenario: medians over its runs."""
    columns: list[tuple[str, str, Callable[[float], str]]] = [
        ("runs", "runs", lambda v: _number(v, 0)),
        ("users", "users", lambda v: _number(v, 0)),
        ("updates", "updates", lambda v: _number(v, 0)),
        ("upd/s", "updates_per_s", _number),
        ("p50 ms", "p50_ms", lambda v: _number(v, 0)),
        ("p95 ms", "p95_ms", lambda v: _number(v, 0)),
        ("p99 ms", "p99_ms", lambda v: _number(v, 0)),
        ("calls/answer", "calls_per_answer", lambda v: _number(v, 2)),
        ("peak MiB", "peak_rss_mib", lambda v: _number(v, 0)),
        ("start s", "start_to_poll_s", lambda v: _number(v, 2)),
        ("started/done/stuck", "started", lambda v: _number(v, 0)),
    ]
    rows = []
    for name, summary in summaries.items():
        cells = [name] + [show(summary.get(key, math.nan)) for _, key, show in columns]
        cells[-1] += "".join(
            f"/{_number(summary.get(k, math.nan), 0)}" for k in ("finished", "stuck")
        )
        rows.append(cells)
    return _table(["scenario"] + [title for title, _, _ in columns], rows)


def card_table(cards: dict[str, Timing]) -> str:
    """Format the rendering time of each card format."""
    rows = [[name, _number(t.p50_ms, 2), _number(t.p95_ms, 2)] for name, t in cards.items()]
    return _table(["card rendering", "p50 ms", "p95 ms"], rows)


def target_table(goals: list[Target]) -> str:
    """Format each target, the measured value, the limit and pass/short."""
    rows = [
        [
            goal.name,
            "—" if math.isnan(goal.measured) else f"{goal.measured:,.2f} {goal.unit}",
            f"{'≥' if goal.at_least else '≤'} {goal.limit:g} {goal.unit}".strip(),
            goal.verdict,
        ]
        for goal in goals
    ]
    return _table(["target", "measured", "needed", "result"], rows)


def write_json(
    path: Path,
    *,
    settings: dict[str, object],
    runs: dict[str, list[Run]],
    summaries: dict[str, dict[str, float]],
    cards: dict[str, Timing],
    goals: list[Target],
) -> None:
    """Write everything measured, for comparing runs later (NaN is written as null)."""

    def clean(value: object) -> object:
        if isinstance(value, float) and math.isnan(value):
            return None
        if isinstance(value, dict):
            return {k: clean(v) for k, v in value.items()}
        if isinstance(value, list):
            return [clean(v) for v in value]
        return value

    document = {
        "settings": settings,
        "machine": {"python": sys.version.split()[0], "platform": platform.platform()},
        "scenarios": {
            name: {"median": summaries[name], "runs": [asdict(run) for run in scenario_runs]}
            for name, scenario_runs in runs.items()
        },
        "cards": {name: asdict(timing) for name, timing in cards.items()},
        "targets": [asdict(goal) | {"result": goal.verdict} for goal in goals],
    }
    path.write_text(json.dumps(clean(document), indent=2) + "\n", encoding="utf-8")

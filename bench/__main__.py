"""`python -m bench`: the coach against a bare echo bot, over a fake Bot API on loopback.

Each scenario starts the fake Bot API server in this process and the bot as its own process
(`bench.serve`: the real application without the rate limiter), drives simulated users through
their interviews, and measures updates/s, reply latency, Bot API calls per answer and the bot's
peak memory. Cards are rendered in this process. Prints a table of the scenarios and of the
targets, and writes everything as JSON. See docs/PERFORMANCE.md.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from pathlib import Path

from bench.cards import card_timings
from bench.databases import DEFAULT_POSTGRES, postgres_reachable
from bench.personas import personas
from bench.plan import scenarios
from bench.report import (
    card_table,
    scenario_table,
    summarize,
    target_table,
    targets,
    write_json,
)
from bench.scenarios import Run, run_once
from flows.coach import Coach, load_checked_content

DEFAULT_JSON = Path(tempfile.gettempdir()) / "smm-coach-bench.json"


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument(
        "--quick", action="store_true", help="fewer users, one run per scenario (about 2 minutes)"
    )
    parser.add_argument("--runs", type=int, help="runs per scenario (default: 3, quick: 1)")
    parser.add_argument(
        "--latency", type=float, default=0.1, help="seconds added to every call (default 0.1)"
    )
    parser.add_argument(
        "--jitter", type=float, default=0.0, help="up to this many seconds more, at random"
    )
    parser.add_argument(
        "--postgres",
        default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_POSTGRES),
        help="a PostgreSQL database to create each run's database next to "
        "(default: $BENCH_DATABASE_URL or %(default)s)",
    )
    names = [scenario.name for scenario in scenarios(quick=False, latency=0.1, jitter=0.0)]
    parser.add_argument(
        "--only", nargs="+", choices=names, metavar="SCENARIO", help=f"any of {', '.join(names)}"
    )
    parser.add_argument(
        "--json", type=Path, default=DEFAULT_JSON, help="where to write the results (%(default)s)"
    )
    return parser.parse_args()


def _progress(run: Run, number: int, runs: int) -> None:
    print(
        f"  {run.scenario} {number}/{runs}: {run.updates} updates in {run.seconds:.1f} s,"
        f" {run.updates_per_s:.1f}/s, p95 {run.p95_ms:.0f} ms, peak {run.peak_rss_mib:.0f} MiB"
        + (f", {run.stuck} users stuck: {run.notes[0]}" if run.stuck else "")
        + (f" ({'; '.join(run.notes)})" if run.notes and not run.stuck else ""),
        file=sys.stderr,
        flush=True,
    )


async def _main(arguments: argparse.Namespace) -> int:
    started = time.perf_counter()
    runs = arguments.runs or (1 if arguments.quick else 3)
    plan = scenarios(arguments.quick, arguments.latency, arguments.jitter)
    if arguments.only:
        plan = [scenario for scenario in plan if scenario.name in arguments.only]
    if any(s.database == "postgresql" for s in plan) and not await postgres_reachable(
        arguments.postgres
    ):
        print(f"PostgreSQL not reachable at {arguments.postgres}: skipped", file=sys.stderr)
        plan = [scenario for scenario in plan if scenario.database != "postgresql"]
    coach = Coach(load_checked_content())
    people = personas(coach, min(200, max((s.users for s in plan), default=1)))
    results: dict[str, list[Run]] = {scenario.name: [] for scenario in plan}
    print(f"{'quick' if arguments.quick else 'full'} benchmark, {runs} run(s)", file=sys.stderr)
    for number in range(1, runs + 1):  # rounds, so slow drift on the machine hits all alike
        for scenario in plan:
            run = await run_once(scenario, people, arguments.postgres, seed=number)
            results[scenario.name].append(run)
            _progress(run, number, runs)
    cards = card_timings(coach, count=20 if arguments.quick else 50)
    summaries = {name: summarize(runs_of) for name, runs_of in results.items()}
    goals = targets(summaries, cards)
    print()
    print(scenario_table(summaries))
    print()
    print(card_table(cards))
    print()
    print(target_table(goals))
    settings = {
        "mode": "quick" if arguments.quick else "full",
        "runs": runs,
        "latency_s": arguments.latency,
        "jitter_s": arguments.jitter,
        "cores": os.cpu_count(),
        "scenarios": {s.name: s.what for s in plan},
    }
    write_json(
        arguments.json,
        settings=settings,
        runs=results,
        summaries=summaries,
        cards=cards,
        goals=goals,
    )
    print(f"\nJSON: {arguments.json} ({time.perf_counter() - started:.0f} s in all)")
    return 0


def main() -> int:
    """Run the benchmark."""
    return asyncio.run(_main(_arguments()))


if __name__ == "__main__":
    sys.exit(main())

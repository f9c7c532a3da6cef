"""Which scenarios a benchmark run holds, full or quick."""

from __future__ import annotations

from bench.scenarios import ECHO, SEQUENTIAL, Scenario


def scenarios(quick: bool, latency: float, jitter: float) -> list[Scenario]:
    """Return the scenarios in the order they run: fewer users in quick mode."""
    users = 12 if quick else 200
    box = 12.0 if quick else 600.0  # a guard: a run this long has measured enough
    delay = f"{latency * 1000:g} ms"
    return [
        Scenario(
            "echo",
            "the bare PTB echo bot (default settings) under the capacity load",
            bot=ECHO,
            database="",
            users=users,
            time_box=box,
        ),
        Scenario(
            "capacity",
            "users answer back-to-back, no added latency, SQLite",
            users=users,
            time_box=box,
        ),
        Scenario(
            "latency",
            f"the capacity load with {delay} on every Bot API call",
            users=users,
            latency=latency,
            jitter=jitter,
            time_box=box,
        ),
        Scenario(
            "sequential",
            f"the latency load on the coach with concurrency off, for {6 if quick else 30} s",
            bot=SEQUENTIAL,
            users=users,
            latency=latency,
            jitter=jitter,
            time_box=6 if quick else 30,
        ),
        Scenario(
            "class_rush",
            f"students join a class by its link and answer about every 5 s, {delay} per call",
            users=50 if quick else 200,
            latency=latency,
            jitter=jitter,
            think=5.0,
            classroom=True,
            time_box=12 if quick else box,
        ),
        Scenario(
            "postgresql",
            "the capacity load on PostgreSQL",
            database="postgresql",
            users=users,
            time_box=box,
        ),
        Scenario(
            "soak",
            f"{1_000 if quick else 20_000:,} updates by users one after another, each leaving a"
            " stale tap; one in ten types to its card",
            users=6 if quick else 20,
            soak=1_000 if quick else 20_000,
            time_box=120.0 if quick else 1800.0,
        ),
        Scenario(
            "memory",
            "interviews left in progress after the first answers",
            users=200 if quick else 1000,
            answers=1 if quick else 2,
            time_box=box,
        ),
    ]

"""Class-scale benchmark: 200 students in one class while another user keeps asking for /help.

Runs the real bot (`python -m bot`, SQLite) as a subprocess against the fake Bot API server of
the tests, on loopback. Prints the other user's reply latency before and during the class, and
how long the class took. Usage: `.venv/bin/python -m bench.class_load [--students 200]
[--think 3]` (--think: mean seconds a student spends on each answer; 0 answers at once).
"""

from __future__ import annotations

import argparse
import asyncio
import random
import re
import statistics
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from urllib.parse import parse_qs, urlparse

from bot.telegram.callbacks import AnswerTap, CaseTap
from tests.fake_telegram import BotMessage, FakeTelegram, FakeUser
from tests.telegram_support import start_bot_process

ROOT = Path(__file__).resolve().parent.parent
PROGRESS = re.compile(r"(Domanda|Question) \d+ (di|of) \d+")


class Inbox:
    """Hands each chat the bot's messages as they arrive, in one pass over the server's log."""

    def __init__(self, tg: FakeTelegram) -> None:
        self.tg = tg
        self.queues: dict[int, asyncio.Queue[tuple[float, BotMessage]]] = defaultdict(asyncio.Queue)
        self.seen = 0

    async def run(self) -> None:
        """Dispatch new bot events to their chat's queue every few milliseconds."""
        while True:
            events = self.tg.bot_events
            now = time.perf_counter()
            while self.seen < len(events):
                event = events[self.seen]
                self.seen += 1
                self.queues[event.chat_id].put_nowait((now, event))
            await asyncio.sleep(0.002)

    async def next(self, chat_id: int, timeout: float = 120) -> tuple[float, BotMessage]:
        """Wait for the chat's next bot message."""
        return await asyncio.wait_for(self.queues[chat_id].get(), timeout)


def _data(message: BotMessage, action: str) -> list[str]:
    """Return the data of the message's question buttons that do this."""
    return [
        d
        for row in message.buttons
        for _, d in row
        if (tap := AnswerTap.unpack(d)) is not None and tap.action == action and d
    ]


async def student(
    tg: FakeTelegram, inbox: Inbox, user: FakeUser, payload: str, think: float
) -> float:
    """Join and answer whatever is asked (first option, or a short text) until the card arrives."""
    started = time.perf_counter()
    await user.send(f"/start {payload}")
    while True:
        _, message = await inbox.next(user.chat.id)
        if message.document is not None:
            return time.perf_counter() - started
        if think and (message.buttons or PROGRESS.search(message.text)):
            await asyncio.sleep(random.uniform(0.5 * think, 1.5 * think))  # a person reading
        if toggles := _data(message, "toggle"):
            done = _data(message, "done")
            if any(text.startswith("✅") for row in message.buttons for text, _ in row):
                await user.tap(message, callback_data=done[0])
            else:
                await user.tap(message, callback_data=toggles[0])
        elif answers := _data(message, "answer"):
            await user.tap(message, callback_data=answers[0])
        elif PROGRESS.search(message.text) and not message.buttons:
            await user.send("Prodotti artigianali")


async def probe(tg: FakeTelegram, inbox: Inbox, user: FakeUser, stop: asyncio.Event) -> list[float]:
    """Send /help every quarter second; return each reply's latency in seconds."""
    latencies = []
    while not stop.is_set():
        sent = time.perf_counter()
        await user.send("/help")
        arrived, _ = await inbox.next(user.chat.id)
        latencies.append(arrived - sent)
        await asyncio.sleep(0.25)
    return latencies


def summary(name: str, values: list[float]) -> str:
    """Median, 95th percentile and maximum, in milliseconds."""
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    return (
        f"{name}: n={len(values)} median={statistics.median(values) * 1000:.0f} ms "
        f"p95={p95 * 1000:.0f} ms max={ordered[-1] * 1000:.0f} ms"
    )


async def main(students: int, think: float) -> None:
    """Run the benchmark and print its numbers."""
    async with FakeTelegram() as tg:
        inbox = Inbox(tg)
        dispatcher = asyncio.create_task(inbox.run())
        with tempfile.TemporaryDirectory() as folder:
            database = f"sqlite+aiosqlite:///{folder}/coach.sqlite3"
            bot = await start_bot_process(
                tg, database, log_level="WARNING", quiet=True, module="bench.serve"
            )
            try:
                other = tg.user(1, "Other", "en")
                await other.send("/help")
                await inbox.next(other.chat.id, timeout=60)  # the bot is up

                stop = asyncio.Event()
                baseline = asyncio.create_task(probe(tg, inbox, other, stop))
                await asyncio.sleep(5)
                stop.set()
                idle = await baseline

                group = tg.group_chat(10, "Class")
                teacher = tg.user(2, "Teacher", "it")
                await teacher.send("/class Benchmark", chat=group)
                _, choose = await inbox.next(group.id)
                await teacher.tap(
                    choose,
                    callback_data=[
                        d for row in choose.buttons for _, d in row if CaseTap.unpack(d)
                    ][-1],
                )
                _, announcement = await inbox.next(group.id)
                url = announcement.button_url("▶️ Inizia la mia intervista")
                payload = parse_qs(urlparse(url).query)["start"][0]

                stop = asyncio.Event()
                loaded = asyncio.create_task(probe(tg, inbox, other, stop))
                started = time.perf_counter()
                users = [
                    tg.user(1000 + i, f"S{i}", "it" if i % 2 else "en") for i in range(students)
                ]
                durations = await asyncio.gather(
                    *(student(tg, inbox, u, payload, think) for u in users)
                )
                elapsed = time.perf_counter() - started
                stop.set()
                busy = await loaded
            finally:
                bot.send_signal(2)
                await bot.wait()
                dispatcher.cancel()
        updates = len([c for c in tg.calls if c[0] == "sendMessage"])
        print(f"students: {students}; thinking {think} s per answer; class took {elapsed:.1f} s")
        print(summary("one student's whole interview", durations))
        print(summary("other user's /help reply, idle", idle))
        print(summary("other user's /help reply, during the class", busy))
        ratio = statistics.median(busy) / statistics.median(idle)
        print(f"ratio of medians (during / idle): {ratio:.1f}x")
        busiest = tg.max_calls_per_minute(group.id)
        print(f"group calls in the busiest minute: {busiest}; messages sent in all: {updates}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--students", type=int, default=200)
    parser.add_argument("--think", type=float, default=0.0, help="mean seconds a student takes")
    arguments = parser.parse_args()
    random.seed(7)
    asyncio.run(main(arguments.students, arguments.think))

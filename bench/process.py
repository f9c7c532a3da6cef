"""A bot under test in its own process: started against the fake server, timed, measured."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

from bench.fake import BenchTelegram

ROOT = Path(__file__).resolve().parent.parent


class BotFailedError(RuntimeError):
    """The bot process exited or never polled; the message ends with its log."""


@dataclass
class BotProcess:
    """A running bot and how long it took from exec to its first getUpdates call."""

    process: asyncio.subprocess.Process
    start_to_poll: float
    log: Path

    def peak_rss_mib(self) -> float:
        """Return the process's peak resident memory (VmHWM), in MiB."""
        return self._status_mib("VmHWM:")

    def rss_mib(self) -> float:
        """Return the process's resident memory now (VmRSS), in MiB."""
        return self._status_mib("VmRSS:")

    def _status_mib(self, field: str) -> float:
        status = Path(f"/proc/{self.process.pid}/status").read_text(encoding="ascii")
        for line in status.splitlines():
            if line.startswith(field):
                return int(line.split()[1]) / 1024
        raise BotFailedError(f"no {field} in /proc/{self.process.pid}/status")


def _tail(log: Path, lines: int = 30) -> str:
    return "\n".join(log.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])


@asynccontextmanager
async def bot_process(
    tg: BenchTelegram, module: str, database_url: str = "", ready_within: float = 60
) -> AsyncIterator[BotProcess]:
    """Run `python -m module` against the fake server until the block ends."""
    environment = {
        **os.environ,
        "TELEGRAM_BOT_TOKEN": tg.token,
        "TELEGRAM_API_URL": f"{tg.url}/bot",
        "DATABASE_URL": database_url,
        "LOG_LEVEL": "WARNING",
    }
    with tempfile.TemporaryDirectory(prefix="bench-log-") as folder:
        log = Path(folder) / "bot.log"
        with log.open("wb") as output:
            started = time.perf_counter()
            process = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                module,
                cwd=ROOT,
                env=environment,
                stdout=output,
                stderr=asyncio.subprocess.STDOUT,
            )
        try:
            while tg.first_poll is None:
                if process.returncode is not None:
                    raise BotFailedError(f"{module} exited ({process.returncode}):\n{_tail(log)}")
                if time.perf_counter() - started > ready_within:
                    raise BotFailedError(f"{module} did not poll in time:\n{_tail(log)}")
                await asyncio.sleep(0.005)
            yield BotProcess(process, tg.first_poll - started, log)
        finally:
            await _stop(process)


async def _stop(process: asyncio.subprocess.Process, grace: float = 5) -> None:
    """Interrupt like Ctrl+C; kill what does not stop in time (a queue it will never drain)."""
    if process.returncode is None:
        process.send_signal(signal.SIGINT)
        try:
            await asyncio.wait_for(process.wait(), grace)
        except TimeoutError:
            process.kill()
            await process.wait()

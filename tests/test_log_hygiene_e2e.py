"""Everything `python -m bot` logs in a busy run, faults and errors included, keeps secrets."""

from __future__ import annotations

import asyncio
import signal
from pathlib import Path

import pytest

from flows.coach import Coach
from tests.fake_telegram import FakeTelegram, Fault
from tests.personas import CAREFUL_BAKERY
from tests.telegram_support import play_in_telegram, start_bot_process

# What the user typed: nobody reading the log at its normal level should learn it.
PRIVATE = {"offer": "Tiramisù segreto di nonna Pina", "shop_area": "Vicolo Nascosto 7, Lecce"}


@pytest.mark.parametrize("level", ["DEBUG", "INFO"])
async def test_a_whole_run_with_faults_never_logs_the_token(
    tg: FakeTelegram, coach: Coach, tmp_path: Path, level: str
) -> None:
    log_file = tmp_path / "bot.log"
    process = await start_bot_process(
        tg, f"sqlite+aiosqlite:///{tmp_path / 'coach.sqlite3'}", log_level=level, log_file=log_file
    )
    user = tg.user(4101, "Pina", "it")
    try:
        await tg.wait_for(lambda: ("default", "it") in tg.commands, timeout=30)
        tg.fail(Fault("getUpdates", drop=True))
        tg.fail(Fault("sendMessage", 502, "Bad Gateway"))
        tg.fail(Fault("answerCallbackQuery", 400, "Bad Request: query is too old"))
        await user.send("/start")
        await user.next_bot_message(timeout=30)
        # At a person's pace: this bot runs with its flood guard on.
        answers = {**CAREFUL_BAKERY, **PRIVATE}
        await play_in_telegram(tg, coach, user, answers, lang="it", pause=0.25)
        await tg.wait_for(lambda: [m for m in tg.messages(user.chat.id) if m.document], 30)
        # A request Telegram refuses outright is logged as a bug, with its traceback.
        tg.fail(Fault("sendMessage", 400, "Bad Request: can't parse entities"))
        await user.send("/help")
        await tg.wait_for(
            lambda: [m for m in tg.messages(user.chat.id) if m.from_bot and "/start" in m.text],
            30,
        )
    finally:
        process.send_signal(signal.SIGINT)
        await asyncio.wait_for(process.wait(), timeout=30)
    log = log_file.read_text(encoding="utf-8")
    assert process.returncode == 0, log[-2000:]
    assert "Traceback" in log and "BadRequest" in log  # the bug was logged in full
    assert tg.token not in log and tg.token.split(":")[1] not in log
    if level == "INFO":
        assert not any(typed in log for typed in PRIVATE.values())
        assert "Pina" not in log

"""Running the real application against the fake Bot API, and a user who plays a persona."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import socket
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import aiohttp
from telegram.error import TelegramError
from telegram.ext import Application

from bot.config import Settings
from bot.storage.classes import ClassStore
from bot.storage.repository import SqlSessionStore
from bot.telegram.app import build_application
from bot.telegram.rate_limit import FairRateLimiter
from flows.coach import Coach
from flows.conditions import AnswerValue
from flows.content import Content
from flows.i18n import Lang
from flows.ui_keys import UiKey
from tests.fake_telegram import BotMessage, FakeChat, FakeTelegram, FakeUser
from tests.personas import play

PROGRESS = re.compile(r"(Domanda|Question) \d+ (di|of) \d+")


ROOT = Path(__file__).resolve().parent.parent


async def start_bot_process(
    tg: FakeTelegram,
    database_url: str,
    *,
    log_level: str = "INFO",
    quiet: bool = False,
    module: str = "bot",
    log_file: Path | None = None,
    environment: dict[str, str] | None = None,
) -> asyncio.subprocess.Process:
    """Start `python -m bot` (or another module) pointed at the fake server and this database.

    Its output is piped, dropped when `quiet`, or written to `log_file`: a long log would fill
    a pipe nobody reads until the end, and the bot would block writing it.
    """
    environment = {
        **os.environ,
        "TELEGRAM_BOT_TOKEN": tg.token,
        "TELEGRAM_API_URL": f"{tg.url}/bot",
        "DATABASE_URL": database_url,
        "LOG_LEVEL": log_level,
        "PORT": str(free_port()),  # its class pages; two bots at once must not share one
        **(environment or {}),
    }
    if log_file is not None:
        with log_file.open("ab") as output:
            return await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                module,
                cwd=ROOT,
                env=environment,
                stdout=output,
                stderr=output,
            )
    piped = asyncio.subprocess.DEVNULL if quiet else asyncio.subprocess.PIPE
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", module, cwd=ROOT, env=environment, stdout=piped, stderr=piped
    )


async def kill(process: asyncio.subprocess.Process) -> None:
    """Kill the bot outright (SIGKILL), as a crash or an out-of-memory kill would."""
    process.send_signal(signal.SIGKILL)
    await process.wait()
    assert process.returncode == -signal.SIGKILL


async def stop_cleanly(process: asyncio.subprocess.Process) -> None:
    """Stop the bot with SIGINT, as Ctrl-C does; it must exit 0."""
    process.send_signal(signal.SIGINT)
    _, stderr = await process.communicate()
    assert process.returncode == 0, stderr.decode() if stderr else ""


def free_port() -> int:
    """A TCP port nobody listens on at the moment."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def settings_for(tg: FakeTelegram, **overrides: str) -> Settings:
    """Settings that point the bot at the fake server."""
    values = {"telegram_bot_token": tg.token, "telegram_api_url": f"{tg.url}/bot", **overrides}
    return Settings(**values)  # type: ignore[arg-type]


def roomy_rate_limiter() -> FairRateLimiter:
    """The production limiter, with room for a test's burst (limits are checked on the calls)."""
    return FairRateLimiter(overall_per_second=1000, group_per_minute=1000, max_retries=3)


@asynccontextmanager
async def running_bot(
    tg: FakeTelegram, coach: Coach, store: SqlSessionStore, **options: Any
) -> AsyncIterator[Application]:  # type: ignore[type-arg]
    """Run the application with long polling against the fake server."""
    # Test users answer in milliseconds, far faster than people: the flood guard is for the
    # tests that check it.
    options.setdefault("flood_limit", None)
    settings = settings_for(tg, **options.pop("settings", {}))
    application = build_application(
        settings, coach, store, rate_limiter=roomy_rate_limiter(), **options
    )
    async with application:
        assert application.post_init is not None
        await application.post_init(application)
        await application.start()
        assert application.updater is not None

        def polling_failed(error: TelegramError) -> None:  # as run_polling reports it
            application.create_task(application.process_error(update=None, error=error))

        await application.updater.start_polling(
            poll_interval=0, timeout=1, error_callback=polling_failed
        )
        try:
            yield application
        finally:
            await application.updater.stop()
            await application.stop()
            if application.post_stop is not None:  # as run_polling does
                await application.post_stop(application)


def current_question(tg: FakeTelegram, chat_id: int, owner: str | None) -> BotMessage | None:
    """The latest question the bot showed in the chat (to `owner`, in a group)."""
    shown = [
        m
        for m in tg.messages(chat_id)
        if m.from_bot and PROGRESS.search(m.text) and (owner is None or f"{owner}:" in m.text)
    ]
    return shown[-1] if shown else None


MARKS = ("• ", "✅ ")
"""What a button shows before its label: the answer given, or a tick."""


def button(message: BotMessage, label: str) -> str:
    """The callback data of the button a person reads as `label`, its dot or tick aside."""
    for row in message.buttons:
        for text, data in row:
            shown = next((text.removeprefix(m) for m in MARKS if text.startswith(m)), text)
            if shown == label and data is not None:
                return data
    raise AssertionError(f"no button {label!r} in {message.buttons}")


def option_label(content: Content, question_id: str, option_id: str, lang: Lang = "en") -> str:
    """The label a person sees on an option's button."""
    question = content.question(question_id)
    return next(o.label(lang) for o in content.all_options_of(question) if o.id == option_id)


def ui_label(content: Content, key: UiKey, lang: Lang = "en") -> str:
    """The label of a button named by a UI key (Done, Back, Skip…)."""
    return content.text(key)(lang)


async def play_in_telegram(
    tg: FakeTelegram,
    coach: Coach,
    user: FakeUser,
    answers: dict[str, AnswerValue],
    *,
    lang: Lang,
    chat: FakeChat | None = None,
    burst: bool = False,
    pause: float = 0.0,
) -> None:
    """Answer every question the way a person would: taps for choices, messages for text.

    With `burst`, a multiple choice's taps and its Done go out at once, without waiting to see
    each tap take effect: only if they are applied in order is every option kept. `pause`
    waits before each answer, for a bot that runs with its flood guard on.
    """
    chat = chat or user.chat
    owner = user.user["first_name"] if chat.type != "private" else None
    for question_id in play(coach, answers, lang).asked:
        question = coach.content.question(question_id)
        prompt = question.prompt(lang)

        def ready(question_id: str = question_id, prompt: str = prompt) -> BotMessage | None:
            message = current_question(tg, chat.id, owner)
            if message is None or prompt not in message.text.split("\n\n")[-1]:
                return None
            if coach.content.question(question_id).kind != "text" and not message.buttons:
                return None
            return message

        message = await tg.wait_for(ready, 60)  # a guard against hanging, not a speed check
        await asyncio.sleep(pause)
        value = answers[question_id]
        if question.kind == "text":
            assert isinstance(value, str)
            if chat.type == "private":
                await user.send(value, chat=chat)
            else:
                await user.reply(message.message_id, value, chat=chat)
        elif question.kind == "single":
            assert isinstance(value, str)
            await user.tap(
                message,
                callback_data=button(
                    message, option_label(coach.content, question_id, value, lang)
                ),
            )
        else:
            picked = [value] if isinstance(value, str) else list(value or [])
            for option_id in picked:
                await user.tap(
                    message,
                    callback_data=button(
                        message, option_label(coach.content, question_id, option_id, lang)
                    ),
                )
                label = next(
                    c.label(lang)
                    for c in coach.content.all_options_of(question)
                    if c.id == option_id
                )

                def toggled(label: str = label, message_id: int = message.message_id) -> bool:
                    shown = next(m for m in tg.messages(chat.id) if m.message_id == message_id)
                    return any(text == f"✅ {label}" for row in shown.buttons for text, _ in row)

                if not burst:
                    await tg.wait_for(toggled, 60)
            latest = next(m for m in tg.messages(chat.id) if m.message_id == message.message_id)
            await user.tap(
                latest,
                callback_data=button(latest, ui_label(coach.content, "tg_button_done", lang)),
            )


async def class_announcement(tg: FakeTelegram, content: Content, choose: BotMessage) -> str:
    """Wait for the class message to become the announcement; return its join link's payload."""
    announcement = await tg.wait_for(
        lambda: next(
            (
                m
                for m in tg.messages(choose.chat_id)
                if m.message_id == choose.message_id and "url" in str(m.reply_markup)
            ),
            None,
        )
    )
    join = content.text("cls_join_button")
    label = next(t for row in announcement.buttons for t, _ in row if t in (join.it, join.en))
    url = urlparse(announcement.button_url(label))
    assert url.netloc == "t.me" and url.path == "/fake_coach_bot"
    return parse_qs(url.query)["start"][0]


async def says(tg: FakeTelegram, chat_id: int, words: str, timeout: float = 20) -> BotMessage:
    """The latest message in the chat with these words, waited for."""
    return await tg.wait_for(
        lambda: next((m for m in reversed(tg.messages(chat_id)) if words in m.text), None), timeout
    )


async def open_poll(
    tg: FakeTelegram, chat_id: int, prompt: str, seen: set[int], timeout: float = 20
) -> BotMessage:
    """The open poll asking this prompt that is not one of `seen`, waited for."""

    def shown() -> BotMessage | None:
        return next(
            (
                m
                for m in tg.messages(chat_id)
                if m.poll_question
                and prompt in m.poll_question
                and not m.poll_closed
                and m.message_id not in seen
            ),
            None,
        )

    return await tg.wait_for(shown, timeout)


async def serves_class_pages(database_url: str, port: int) -> None:
    """The polling bot answers on PORT too: /healthz, a class's page, 404 for a wrong secret."""
    store = SqlSessionStore.from_url(database_url)
    try:
        info = await ClassStore(store.engine).create(
            group_chat_id=-1, teacher_id=1, teacher_lang="it", title="4B", case_id=None, brief=None
        )
    finally:
        await store.close()
    base = f"http://127.0.0.1:{port}"
    async with aiohttp.ClientSession() as http:
        async with http.get(base + "/healthz") as response:
            assert response.status == 200
        async with http.get(f"{base}/class/{info.page_secret}") as response:
            assert response.status == 200 and '<h1 class="title">4B</h1>' in await response.text()
        async with http.get(f"{base}/class/{'x' * 22}") as response:
            assert response.status == 404


async def consent_given(tg: FakeTelegram, card: BotMessage, label: str) -> BotMessage:
    """Wait until the card's consent button with this label shows the tick; return the card."""

    def ticked() -> BotMessage | None:
        now = next(m for m in tg.messages(card.chat_id) if m.message_id == card.message_id)
        return now if any(t == f"✅ {label}" for row in now.buttons for t, _ in row) else None

    return await tg.wait_for(ticked, 20)


TAB = "tab:"
SHOWN = "▸ "


def tab_buttons(message: BotMessage) -> list[tuple[str, str]]:
    """The message's tab buttons, as (label, callback data), in order."""
    return [(text, data) for row in message.buttons for text, data in row if data and TAB in data]


def card_messages(tg: FakeTelegram, chat_id: int) -> list[BotMessage]:
    """The bot's messages in the chat that carry card tabs."""
    return [m for m in tg.messages(chat_id) if tab_buttons(m)]


async def show_tab(tg: FakeTelegram, user: FakeUser, card: BotMessage, data: str) -> BotMessage:
    """Tap a tab and wait until the card's message shows it marked."""
    await user.tap(card, callback_data=data)

    def marked() -> BotMessage | None:
        now = next(m for m in tg.messages(card.chat_id) if m.message_id == card.message_id)
        return now if any(t.startswith(SHOWN) and d == data for t, d in tab_buttons(now)) else None

    return await tg.wait_for(marked, 10)

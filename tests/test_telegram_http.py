"""The aiohttp Bot API transport, over real HTTP to the fake server: bodies, uploads, failures."""

from __future__ import annotations

import datetime as dt
import io
import socket
from collections.abc import AsyncIterator

import pytest
from PIL import Image
from telegram import Bot
from telegram.error import NetworkError, RetryAfter, TimedOut

from bot.telegram.http import AiohttpRequest
from tests.fake_telegram import FakeTelegram, Fault


@pytest.fixture
async def bot(tg: FakeTelegram) -> AsyncIterator[Bot]:
    async with Bot(
        tg.token,
        base_url=f"{tg.url}/bot",
        base_file_url=f"{tg.url}/file/bot",
        request=AiohttpRequest(read_timeout=0.5),
        get_updates_request=AiohttpRequest(connections=1),
    ) as started:
        yield started


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 20), "teal").save(buffer, "PNG")
    return buffer.getvalue()


async def test_a_message_with_a_keyboard_and_unicode_arrives_intact(
    tg: FakeTelegram, bot: Bot
) -> None:
    chat = tg.private_chat(7, "Ada", "it")
    await bot.send_message(chat.id, "<b>Ciao</b> 👋 — قهوة", parse_mode="HTML")
    sent = tg.bot_events[-1]
    assert (sent.chat_id, sent.text) == (chat.id, "Ciao 👋 — قهوة")


async def test_an_upload_arrives_byte_for_byte(tg: FakeTelegram, bot: Bot) -> None:
    chat = tg.private_chat(7, "Ada", "it")
    png = _png()
    await bot.send_photo(chat.id, png, caption="card")
    await bot.send_document(chat.id, b"BEGIN:VCALENDAR\r\n", filename="plan.ics")
    photo, document = tg.bot_events[-2:]
    assert photo.photo == png
    assert document.document == b"BEGIN:VCALENDAR\r\n"


async def test_a_server_that_does_not_answer_in_time_is_a_timeout(
    tg: FakeTelegram, bot: Bot
) -> None:
    tg.fail(Fault("sendMessage", hang=2.0))
    with pytest.raises(TimedOut):
        await bot.send_message(tg.private_chat(7, "Ada").id, "hello")


async def test_flood_control_becomes_retry_after(tg: FakeTelegram, bot: Bot) -> None:
    tg.fail(Fault("sendMessage", 429, "Too Many Requests: retry after 3", retry_after=3))
    with pytest.raises(RetryAfter) as raised:
        await bot.send_message(tg.private_chat(7, "Ada").id, "hello")
    assert raised.value.retry_after == dt.timedelta(seconds=3)


async def test_a_server_error_is_a_network_error_and_the_next_call_works(
    tg: FakeTelegram, bot: Bot
) -> None:
    chat = tg.private_chat(7, "Ada")
    tg.fail(Fault("sendMessage", 502, "Bad Gateway"))
    with pytest.raises(NetworkError):
        await bot.send_message(chat.id, "first")
    await bot.send_message(chat.id, "second")
    assert tg.bot_events[-1].text == "second"


async def test_a_refused_connection_is_a_network_error() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # closed again before the request: nobody listens
    request = AiohttpRequest()
    await request.initialize()
    try:
        with pytest.raises(NetworkError) as raised:
            await request.post(f"http://127.0.0.1:{port}/bot1:x/getMe")
        assert not isinstance(raised.value, TimedOut)
    finally:
        await request.shutdown()


async def test_it_must_be_initialized_first() -> None:
    with pytest.raises(NetworkError, match="not initialized"):
        await AiohttpRequest().post("http://127.0.0.1:9/bot1:x/getMe")

"""The fake Bot API server, exercised with a real PTB Bot and raw HTTP."""

from __future__ import annotations

import asyncio
import re
import struct
import zlib
from collections.abc import AsyncIterator

import aiohttp
import pytest
from aiohttp import web
from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeAllPrivateChats,
    ChatMemberAdministrator,
    ChatMemberLeft,
    ChatMemberMember,
    ChatMemberOwner,
    ForceReply,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputMediaDocument,
    InputMediaPhoto,
    InputPollOption,
    MessageEntity,
    Poll,
    PollAnswer,
    ReplyParameters,
    Update,
)
from telegram.constants import ChatAction, ChatMemberStatus, ParseMode
from telegram.error import BadRequest, Conflict, EndPointNotFound, InvalidToken
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    PollAnswerHandler,
    PollHandler,
)

from tests.fake_telegram import (
    NOT_MODIFIED,
    POLL_CLOSED,
    QUERY_TOO_OLD,
    FakeTelegram,
    image_size,
    parse_html,
)

TOKEN = "123456:TEST-fake-token"
KEYBOARD = InlineKeyboardMarkup(
    [
        [
            InlineKeyboardButton("Sì", callback_data="yes"),
            InlineKeyboardButton("No", callback_data="no"),
        ],
        [InlineKeyboardButton("Guida", url="https://example.com/guida")],
    ]
)


def ci(text: str) -> re.Pattern[str]:
    """Match text anywhere, ignoring case (PTB capitalizes error messages)."""
    return re.compile(re.escape(text), re.IGNORECASE)


def png(width: int, height: int) -> bytes:
    """A valid RGB PNG of the given size."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = b"".join(b"\x00" + b"\xc0\x40\x20" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


@pytest.fixture
async def tg() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram(token=TOKEN) as fake:
        yield fake
        fake.assert_clean()


@pytest.fixture
async def bot(tg: FakeTelegram) -> AsyncIterator[Bot]:
    async with Bot(TOKEN, base_url=f"{tg.url}/bot", base_file_url=f"{tg.url}/file/bot") as ptb:
        yield ptb


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


def take_errors(tg: FakeTelegram) -> list[str]:
    """Return and clear the fake's unexpected errors (for tests that provoke them)."""
    errors = list(tg.errors)
    tg.errors.clear()
    return errors


async def test_get_me_has_the_bot_flags(
    tg: FakeTelegram, bot: Bot, http: aiohttp.ClientSession
) -> None:
    me = await bot.get_me()
    assert me.is_bot and me.username == "fake_coach_bot" and me.id == 123456
    async with http.get(f"{tg.url}/bot{TOKEN}/getMe") as response:
        result = (await response.json())["result"]
    for flag in ("can_join_groups", "can_read_all_group_messages", "supports_inline_queries"):
        assert isinstance(result[flag], bool)
    assert result["can_connect_to_business"] is False and result["has_main_web_app"] is False


async def test_send_message_with_html_and_inline_keyboard(tg: FakeTelegram, bot: Bot) -> None:
    user = tg.user(42, "Anna", "it")
    html = "<b>Ciao</b> &amp; benvenuta 👋 <i>Anna</i> &#x1F600;"
    sent = await bot.send_message(user.id, html, parse_mode=ParseMode.HTML, reply_markup=KEYBOARD)
    assert sent.text == "Ciao & benvenuta 👋 Anna 😀"
    assert sent.entities == (
        MessageEntity(MessageEntity.BOLD, 0, 4),
        MessageEntity(MessageEntity.ITALIC, 20, 4),  # 👋 is two UTF-16 code units
    )
    assert sent.text_html == "<b>Ciao</b> &amp; benvenuta 👋 <i>Anna</i> 😀"
    assert sent.from_user is not None and sent.from_user.is_bot
    assert sent.reply_markup == KEYBOARD
    assert 1_000_000_000 < sent.date.timestamp() < 10_000_000_000  # seconds, not ms

    seen = await user.next_bot_message()
    assert (seen.message_id, seen.chat_id, seen.text, seen.html) == (
        sent.message_id,
        42,
        sent.text,
        html,
    )
    assert seen.buttons == [[("Sì", "yes"), ("No", "no")], [("Guida", None)]]
    assert not seen.edited and seen.from_bot
    assert [m.message_id for m in tg.messages(42)] == [sent.message_id]
    assert [call[0] for call in tg.calls_in(42)] == ["sendMessage"]


async def test_tap_gives_a_callback_query_ptb_parses(tg: FakeTelegram, bot: Bot) -> None:
    user = tg.user(42, "Anna")
    sent = await bot.send_message(user.id, "Ti piace?", reply_markup=KEYBOARD)
    query_id = await user.tap(await user.next_bot_message(), button_text="No")
    (update,) = await bot.get_updates(timeout=0)
    query = update.callback_query
    assert query is not None
    assert (query.id, query.data, query.from_user.id) == (query_id, "no", 42)
    assert query.chat_instance and query.message is not None
    assert query.message.message_id == sent.message_id
    assert await query.answer("Fatto")
    assert tg.callback_answers[0]["text"] == "Fatto"

    with pytest.raises(BadRequest, match=ci("query is too old")):
        await bot.answer_callback_query(query_id)  # answered twice: a bot bug
    assert take_errors(tg) == [f"answerCallbackQuery: {QUERY_TOO_OLD}"]
    with pytest.raises(AssertionError, match="no button"):
        await user.tap(sent.message_id, callback_data="maybe")


async def test_expired_callback_query_is_an_expected_error(tg: FakeTelegram, bot: Bot) -> None:
    user = tg.user(42, "Anna")
    await bot.send_message(user.id, "Ti piace?", reply_markup=KEYBOARD)
    query_id = await user.tap(await user.next_bot_message(), callback_data="yes")
    tg.callback_ttl = 0.0
    with pytest.raises(BadRequest, match=ci("query is too old")):
        await bot.answer_callback_query(query_id)
    assert tg.expected_errors == [f"answerCallbackQuery: {QUERY_TOO_OLD}"] and not tg.errors


async def test_edits_and_not_modified(tg: FakeTelegram, bot: Bot) -> None:
    user = tg.user(42, "Anna")
    sent = await bot.send_message(
        user.id, "<b>Domanda 1</b>", parse_mode="HTML", reply_markup=KEYBOARD
    )
    with pytest.raises(BadRequest, match=ci("message is not modified")):
        await bot.edit_message_text(
            "<b>Domanda 1</b>", user.id, sent.message_id, parse_mode="HTML", reply_markup=KEYBOARD
        )
    assert tg.expected_errors == [f"editMessageText: {NOT_MODIFIED}"]

    edited = await bot.edit_message_text("Domanda 2", user.id, sent.message_id)
    assert not isinstance(edited, bool)
    assert edited.text == "Domanda 2" and edited.edit_date is not None
    assert edited.reply_markup is None  # no reply_markup in the edit removes the keyboard
    assert (await user.next_bot_message()).text == "Domanda 1"
    latest = await user.next_bot_message()
    assert latest.edited and latest.text == "Domanda 2" and latest.buttons == []

    with pytest.raises(BadRequest, match=ci("not modified")):
        await bot.edit_message_reply_markup(user.id, sent.message_id)
    await bot.edit_message_reply_markup(user.id, sent.message_id, reply_markup=KEYBOARD)
    assert (await user.next_bot_message()).buttons[0] == [("Sì", "yes"), ("No", "no")]

    with pytest.raises(BadRequest, match=ci("message to edit not found")):
        await bot.edit_message_text("x", user.id, 999)
    assert take_errors(tg) == ["editMessageText: Bad Request: message to edit not found"]


@pytest.mark.parametrize(
    ("html", "fragment"),
    [
        ("<b>open", 'end tag corresponding to start tag "b"'),
        ("<foo>x</foo>", 'Unsupported start tag "foo"'),
        ("<b><i>x</b></i>", 'expected "</i>", found "</b>"'),
        ("3 < 4", 'Unexpected "<"'),
        ("AT&T", 'Character "&"'),
        ("&nbsp;", 'Character "&"'),
        ("<a>link</a>", 'must have attribute "href"'),
        ('<span class="x">x</span>', 'class "tg-spoiler"'),
        ("x</b>", 'Unexpected end tag "b"'),
        ("<code><b>x</b></code>", "can't be nested"),
        ('<a href="https://x.it"', "Unclosed start tag"),
    ],
)
async def test_invalid_html_is_rejected(
    tg: FakeTelegram, bot: Bot, html: str, fragment: str
) -> None:
    tg.user(42, "Anna")
    with pytest.raises(BadRequest, match=ci("can't parse entities")):
        await bot.send_message(42, html, parse_mode="HTML")
    (error,) = take_errors(tg)
    assert error.startswith("sendMessage: Bad Request: can't parse entities: ")
    assert fragment in error


def test_parse_html_builds_entities() -> None:
    text, entities = parse_html(
        '<pre><code class="language-python">x = 1</code></pre>'
        '<blockquote expandable>q</blockquote><span class="tg-spoiler">s</span>'
        '<a href="https://e.it/?a=1&amp;b=2">l</a><tg-emoji emoji-id="5368">👍</tg-emoji>'
        "<s>&lt;&gt;&quot;&#39;</s>"
    )
    assert text == "x = 1qsl👍<>\"'"
    assert [e["type"] for e in entities] == [
        "pre",
        "expandable_blockquote",
        "spoiler",
        "text_link",
        "custom_emoji",
        "strikethrough",
    ]
    assert entities[0]["language"] == "python"
    assert entities[3]["url"] == "https://e.it/?a=1&b=2"
    assert entities[4] == {
        "type": "custom_emoji",
        "offset": 8,
        "length": 2,
        "custom_emoji_id": "5368",
    }


async def test_callback_data_is_at_most_64_bytes(tg: FakeTelegram, bot: Bot) -> None:
    tg.user(42, "Anna")
    ok = InlineKeyboardMarkup([[InlineKeyboardButton("ok", callback_data="é" * 32)]])
    await bot.send_message(42, "64 bytes", reply_markup=ok)
    too_long = InlineKeyboardMarkup([[InlineKeyboardButton("no", callback_data="é" * 32 + "x")]])
    with pytest.raises(BadRequest, match=ci("button_data_invalid")):
        await bot.send_message(42, "65 bytes", reply_markup=too_long)
    assert take_errors(tg) == ["sendMessage: Bad Request: BUTTON_DATA_INVALID"]


async def test_text_limits_and_unknown_chat(tg: FakeTelegram, bot: Bot) -> None:
    tg.user(42, "Anna")
    await bot.send_message(42, "<b>" + "a" * 4096 + "</b>", parse_mode="HTML")  # visible length
    with pytest.raises(BadRequest, match=ci("message is too long")):
        await bot.send_message(42, "a" * 4097)
    with pytest.raises(BadRequest, match=ci("message text is empty")):
        await bot.send_message(42, "<b> </b>", parse_mode="HTML")
    with pytest.raises(BadRequest, match=ci("chat not found")):
        await bot.send_message(777, "hello")
    with pytest.raises(BadRequest, match=ci("caption is too long")):
        await bot.send_photo(42, png(2, 2), caption="c" * 1025)
    with pytest.raises(BadRequest, match=ci("message to be replied not found")):
        await bot.send_message(42, "hi", reply_parameters=ReplyParameters(555))
    assert [error.split(": ", 2)[2] for error in take_errors(tg)] == [
        "message is too long",
        "message text is empty",
        "chat not found",
        "message caption is too long",
        "message to be replied not found",
    ]


async def test_long_polling_returns_as_soon_as_an_update_arrives(
    tg: FakeTelegram, bot: Bot
) -> None:
    loop = asyncio.get_running_loop()
    user = tg.user(42, "Anna")
    poll = asyncio.create_task(bot.get_updates(timeout=10))
    await asyncio.sleep(0.2)
    assert not poll.done()
    started = loop.time()
    await user.send("/start promo-2024")
    (update,) = await asyncio.wait_for(poll, 2)
    assert loop.time() - started < 1
    assert update.message is not None and update.message.text == "/start promo-2024"
    assert update.message.entities == (MessageEntity(MessageEntity.BOT_COMMAND, 0, 6),)
    assert update.message.from_user is not None and update.message.from_user.language_code == "en"

    assert await bot.get_updates(offset=update.update_id + 1, timeout=0) == ()
    started = loop.time()
    assert await bot.get_updates(timeout=1) == ()
    assert 0.9 < loop.time() - started < 2


async def test_user_side_media_and_group_force_reply(tg: FakeTelegram, bot: Bot) -> None:
    group = tg.group_chat(1001, "Bottega")
    user = tg.user(7, "Marco")
    await user.send("/start@fake_coach_bot", chat=group)
    await user.send_sticker()
    await user.send_photo(caption="vetrina")
    await user.send_voice()
    updates = await bot.get_updates()
    command, sticker, photo, voice = (u.message for u in updates)
    assert command is not None and command.chat.type == "group" and command.chat.id == -1001
    assert command.entities[0].length == len("/start@fake_coach_bot")
    assert sticker is not None and sticker.sticker is not None
    assert photo is not None and photo.photo and photo.caption == "vetrina"
    assert voice is not None and voice.voice is not None

    question = await bot.send_message(
        group.id,
        "Come si chiama il negozio?",
        reply_markup=ForceReply(selective=True, input_field_placeholder="Nome"),
        reply_parameters=ReplyParameters(command.message_id),
    )
    assert question.reply_to_message is not None
    seen = await user.next_bot_message(group)
    assert seen.reply_markup == {
        "force_reply": True,
        "selective": True,
        "input_field_placeholder": "Nome",
    }
    await user.reply(seen, "Bottega Rossi")
    (answer,) = await bot.get_updates(offset=updates[-1].update_id + 1)
    assert answer.message is not None and answer.message.reply_to_message is not None
    assert answer.message.reply_to_message.message_id == question.message_id
    assert answer.message.chat.id == group.id
    with pytest.raises(BadRequest, match=ci("placeholder")):
        await bot.send_message(
            group.id, "x", reply_markup=ForceReply(input_field_placeholder="n" * 65)
        )
    take_errors(tg)


async def test_unknown_method_via_ptb_is_recorded(tg: FakeTelegram, bot: Bot) -> None:
    tg.user(42, "Anna")
    with pytest.raises(EndPointNotFound):
        await bot.do_api_request("sendSurvey", api_kwargs={"chat_id": 42})
    with pytest.raises(InvalidToken, match="Not Found"):  # PTB maps any 404 to InvalidToken
        await bot.send_dice(42)
    assert tg.unknown_calls == ["sendSurvey", "sendDice"]
    tg.unknown_calls.clear()


async def test_unknown_method_and_error_shapes(
    tg: FakeTelegram, http: aiohttp.ClientSession
) -> None:
    async with http.post(f"{tg.url}/bot{TOKEN}/sendSurvey", json={"chat_id": 1}) as response:
        assert response.status == 404
        assert await response.json() == {"ok": False, "error_code": 404, "description": "Not Found"}
    assert tg.unknown_calls == ["sendSurvey"]
    with pytest.raises(AssertionError, match="unknown method: sendSurvey"):
        tg.assert_clean()
    tg.unknown_calls.clear()

    async with http.post(f"{tg.url}/bot999:wrong/getMe") as response:
        assert response.status == 401
        assert await response.json() == {
            "ok": False,
            "error_code": 401,
            "description": "Unauthorized",
        }
    async with http.post(
        f"{tg.url}/bot{TOKEN}/sendMessage", json={"chat_id": 5, "text": "x"}
    ) as response:
        assert response.status == 400
        assert await response.json() == {
            "ok": False,
            "error_code": 400,
            "description": "Bad Request: chat not found",
        }
    assert take_errors(tg) == ["getMe: Unauthorized", "sendMessage: Bad Request: chat not found"]


async def test_parameters_as_json_form_and_multipart(
    tg: FakeTelegram, http: aiohttp.ClientSession
) -> None:
    tg.user(42, "Anna")
    markup = '{"inline_keyboard": [[{"text": "A", "callback_data": "a"}]]}'
    url = f"{tg.url}/bot{TOKEN}/sendMessage"
    bodies: list[dict[str, object]] = [
        {"json": {"chat_id": 42, "text": "json", "reply_markup": {"remove_keyboard": True}}},
        {"data": {"chat_id": "42", "text": "form", "reply_markup": markup}},
    ]
    form = aiohttp.FormData()
    form.add_field("chat_id", "42")
    form.add_field("text", "multipart")
    form.add_field("reply_markup", markup)
    bodies.append({"data": form})
    for body in bodies:
        async with http.post(url, **body) as response:  # type: ignore[arg-type]
            assert (await response.json())["ok"] is True
    assert [call[1]["chat_id"] for call in tg.calls] == [42, 42, 42]
    assert tg.calls[1][1]["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "a"
    async with http.post(
        url, data={"chat_id": "42", "text": "x", "reply_markup": "{bad"}
    ) as response:
        assert (await response.json())["description"].startswith("Bad Request: can't parse")
    take_errors(tg)


async def test_send_photo_and_document_via_ptb(tg: FakeTelegram, bot: Bot) -> None:
    user = tg.user(42, "Anna")
    image = png(40, 30)
    sent = await bot.send_photo(user.id, image, caption="<i>La tua scheda</i>", parse_mode="HTML")
    assert sent.photo[-1].width == 40 and sent.photo[-1].height == 30
    assert sent.photo[-1].file_size == len(image) and sent.caption == "La tua scheda"
    seen = await user.next_bot_message()
    assert seen.photo == image and seen.text == "La tua scheda"
    again = await bot.send_photo(user.id, sent.photo[-1].file_id)  # re-send by file_id
    assert again.photo[-1].width == 40

    doc = await bot.send_document(user.id, b"# Piano\n", filename="piano.txt", caption="Piano")
    assert doc.document is not None
    assert (doc.document.file_name, doc.document.mime_type) == ("piano.txt", "text/plain")
    await user.next_bot_message()
    seen_doc = await user.next_bot_message()
    assert (seen_doc.document, seen_doc.document_name) == (b"# Piano\n", "piano.txt")

    with pytest.raises(BadRequest, match=ci("image_process_failed")):
        await bot.send_photo(user.id, b"not an image")
    with pytest.raises(BadRequest, match=ci("wrong file identifier")):
        await bot.send_photo(user.id, "https://example.com/x.png")
    assert len(take_errors(tg)) == 2


async def test_send_media_group_via_ptb(tg: FakeTelegram, bot: Bot) -> None:
    user = tg.user(42, "Anna")
    pages = [png(40, 70), png(40, 71), png(40, 72)]
    album = [InputMediaPhoto(page, filename=f"page{i}.png") for i, page in enumerate(pages)]
    sent = await bot.send_media_group(
        user.id, album, caption="<b>La tua scheda</b>", parse_mode=ParseMode.HTML
    )
    assert [m.photo[-1].height for m in sent] == [70, 71, 72]
    assert len({m.media_group_id for m in sent}) == 1 and sent[0].media_group_id
    assert [m.caption for m in sent] == ["La tua scheda", None, None]
    assert sent[0].caption_entities[0].type == MessageEntity.BOLD
    seen = [m for m in tg.messages(user.id) if m.from_bot]
    assert [m.photo for m in seen] == pages and [m.text for m in seen] == ["La tua scheda", "", ""]
    again = await bot.send_media_group(
        user.id, [InputMediaPhoto(m.photo[-1].file_id) for m in sent]
    )
    assert again[0].media_group_id != sent[0].media_group_id

    files = [InputMediaDocument(b"a", filename="a.txt"), InputMediaDocument(b"b", filename="b.txt")]
    documents = await bot.send_media_group(user.id, files)
    assert [m.document.file_name for m in documents if m.document] == ["a.txt", "b.txt"]
    assert [m.document for m in tg.messages(user.id)[-2:]] == [b"a", b"b"]

    refused: tuple[tuple[list[InputMediaPhoto | InputMediaDocument], str], ...] = (
        ([InputMediaPhoto(pages[0])], "2-10 items"),
        ([InputMediaPhoto(pages[0])] * 11, "too much messages"),
        ([InputMediaPhoto(pages[0]), InputMediaDocument(b"a")], "can't be mixed"),
        ([InputMediaPhoto(pages[0]), InputMediaPhoto(b"not an image")], "image_process_failed"),
        ([InputMediaPhoto(pages[0]), InputMediaPhoto("no-such-file-id")], "wrong file identifier"),
    )
    for media, error in refused:
        with pytest.raises(BadRequest, match=ci(error)):
            await bot.send_media_group(user.id, media)
    assert len(take_errors(tg)) == 5
    assert len(tg.messages(user.id)) == 8, "a refused album sends none of its items"


async def test_chat_action_commands_and_descriptions(tg: FakeTelegram, bot: Bot) -> None:
    tg.user(42, "Anna")
    assert await bot.send_chat_action(42, ChatAction.TYPING)
    with pytest.raises(BadRequest, match=ci("wrong parameter action")):
        await bot.send_chat_action(42, "dancing")

    commands = [BotCommand("start", "Inizia"), BotCommand("back", "Torna indietro")]
    assert await bot.set_my_commands(commands, language_code="it")
    await bot.set_my_commands([BotCommand("help", "Help")], scope=BotCommandScopeAllPrivateChats())
    assert tg.commands[("default", "it")][0] == {"command": "start", "description": "Inizia"}
    assert tg.commands[("all_private_chats", "")] == [{"command": "help", "description": "Help"}]
    assert await bot.get_my_commands(language_code="it") == tuple(commands)
    with pytest.raises(BadRequest, match=ci("bot_command_invalid")):
        await bot.set_my_commands([BotCommand("Start!", "x")])

    assert await bot.set_my_description("d" * 512, language_code="en")
    assert await bot.set_my_short_description("Coach social", language_code="it")
    assert tg.descriptions == {"en": "d" * 512} and tg.short_descriptions == {"it": "Coach social"}
    with pytest.raises(BadRequest, match=ci("too long")):
        await bot.set_my_short_description("s" * 121)
    assert len(take_errors(tg)) == 3


async def test_webhook_delivery_with_secret_and_retries(tg: FakeTelegram, bot: Bot) -> None:
    received: list[tuple[str | None, dict[str, object]]] = []
    answers = [500, 200, 200]

    async def receive(request: web.Request) -> web.Response:
        received.append(
            (request.headers.get("X-Telegram-Bot-Api-Secret-Token"), await request.json())
        )
        return web.Response(status=answers[len(received) - 1])

    app = web.Application()
    app.router.add_post("/hook", receive)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    url = f"http://127.0.0.1:{runner.addresses[0][1]}/hook"
    try:
        user = tg.user(42, "Anna")
        assert await bot.set_webhook(url, secret_token="s3cr3t_-Tok", allowed_updates=["message"])
        assert (await bot.get_webhook_info()).url == url
        with pytest.raises(Conflict, match="webhook is active"):
            await bot.get_updates()
        assert take_errors(tg) == [
            "getUpdates: Conflict: can't use getUpdates method while webhook is active;"
            " use deleteWebhook to delete the webhook first"
        ]
        update = await user.send("ciao")
        await tg.wait_for(lambda: len(tg.webhook_deliveries) == 2)
        assert [status for _, status in tg.webhook_deliveries] == [500, 200]
        assert [secret for secret, _ in received] == ["s3cr3t_-Tok", "s3cr3t_-Tok"]
        assert received[1][1]["message"] == update
        parsed = Update.de_json(received[1][1], bot)
        assert parsed.message is not None and parsed.message.text == "ciao"

        with pytest.raises(BadRequest, match=ci("secret token")):
            await bot.set_webhook(url, secret_token="not allowed!")
        take_errors(tg)

        await bot.delete_webhook()
        await user.send("di nuovo")
        (polled,) = await bot.get_updates()
        assert polled.message is not None and polled.message.text == "di nuovo"
        await user.send("dimenticato")
        assert await bot.delete_webhook(drop_pending_updates=True)
        assert await bot.get_updates(offset=polled.update_id + 1) == ()
    finally:
        await runner.cleanup()


async def test_undeliverable_webhook_is_an_error() -> None:
    async with FakeTelegram(token=TOKEN, webhook_attempts=2, webhook_backoff=0.01) as fake:
        async with Bot(TOKEN, base_url=f"{fake.url}/bot") as bot:
            await bot.set_webhook("http://127.0.0.1:9/hook")  # discard port: nothing listens
            update = await fake.user(42, "Anna").send("ciao")
            await fake.wait_for(lambda: fake.errors)
            info = await bot.get_webhook_info()
            assert info.last_error_message and info.last_error_message.startswith("Connection")
            await bot.delete_webhook()
        update_id = fake.webhook_deliveries[0][0]
        assert fake.webhook_deliveries == [(update_id, 0), (update_id, 0)]
        assert fake.errors[0].startswith(f"webhook: update {update_id} not delivered")
        assert update["text"] == "ciao"


def test_image_size_reads_png_and_jpeg_headers() -> None:
    assert image_size(png(3, 2)) == (3, 2)
    app0 = b"\xff\xe0" + struct.pack(">H", 16) + b"JFIF\x00" + bytes(9)
    sof0 = b"\xff\xc0" + struct.pack(">HBHHB", 17, 8, 480, 640, 3) + bytes(9)
    assert image_size(b"\xff\xd8" + app0 + sof0) == (640, 480)
    assert image_size(b"GIF89a") is None


async def test_clean_shutdown_releases_long_polls(http: aiohttp.ClientSession) -> None:
    loop = asyncio.get_running_loop()

    async def poll(url: str) -> object:
        async with http.post(f"{url}/bot{TOKEN}/getUpdates", json={"timeout": 30}) as response:
            return await response.json()

    async with FakeTelegram(token=TOKEN) as fake:
        task = asyncio.create_task(poll(fake.url))
        await asyncio.sleep(0.2)
        assert not task.done()
        started = loop.time()
    assert await asyncio.wait_for(task, 3) == {"ok": True, "result": []}
    assert loop.time() - started < 3


async def test_a_ptb_application_round_trip(tg: FakeTelegram) -> None:
    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.message is not None
        await update.message.reply_html("<b>Ciao!</b> Pronta?", reply_markup=KEYBOARD)

    async def button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query is not None
        await query.answer()
        await query.edit_message_text(f"Scelto: {query.data}")

    app = (
        Application.builder()
        .token(TOKEN)
        .base_url(f"{tg.url}/bot")
        .base_file_url(f"{tg.url}/file/bot")
        .build()
    )
    app.add_handler(CommandHandler("start", start))
    app.add_handler(CallbackQueryHandler(button))
    async with app:
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0, timeout=1)
        try:
            user = tg.user(5, "Lia", "it")
            await user.send("/start")
            message = await user.next_bot_message()
            assert message.text == "Ciao! Pronta?" and message.html == "<b>Ciao!</b> Pronta?"
            await user.tap(message, "Sì")
            edited = await user.next_bot_message()
            assert edited.edited and edited.text == "Scelto: yes"
            await tg.wait_for(lambda: tg.callback_answers)
        finally:
            await app.updater.stop()
            await app.stop()


# --------------------------------------------------------------------------- polls


class Clock:
    """A clock a test moves by hand (FakeTelegram(clock=...))."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def test_send_poll_votes_and_stop_poll_via_ptb(tg: FakeTelegram, bot: Bot) -> None:
    group = tg.group_chat(1001, "Bottega")
    anna, ben = tg.user(7, "Anna"), tg.user(8, "Ben")
    sent = await bot.send_poll(
        group.id,
        "Quali canali usi?",
        ["Instagram", InputPollOption("TikTok"), "Facebook"],
        is_anonymous=False,
        allows_multiple_answers=True,
        reply_markup=KEYBOARD,
    )
    poll = sent.poll
    assert poll is not None and sent.reply_markup == KEYBOARD
    assert (poll.question, poll.type, poll.total_voter_count) == ("Quali canali usi?", "regular", 0)
    assert [(o.text, o.voter_count) for o in poll.options] == [
        ("Instagram", 0),
        ("TikTok", 0),
        ("Facebook", 0),
    ]
    assert not poll.is_closed and not poll.is_anonymous and poll.allows_multiple_answers
    assert len({o.persistent_id for o in poll.options}) == 3

    seen = await anna.next_bot_message(group)
    assert (seen.message_id, seen.poll_id, seen.poll_question) == (
        sent.message_id,
        poll.id,
        "Quali canali usi?",
    )
    assert seen.text == "" and seen.from_bot and not seen.poll_closed
    assert seen.buttons[0] == [("Sì", "yes"), ("No", "no")]
    assert [m.poll_id for m in tg.messages(group.id)] == [poll.id]

    await anna.vote(seen, [2, 0])
    await ben.vote(sent.message_id, [1], chat=group)
    await anna.vote(seen, [1])  # replaces Anna's vote
    updates = await bot.get_updates()
    assert [u.poll_answer is not None for u in updates] == [True, False] * 3
    answers = [u.poll_answer for u in updates if u.poll_answer is not None]
    assert [(a.poll_id, a.user and a.user.id, a.option_ids) for a in answers] == [
        (poll.id, 7, (0, 2)),
        (poll.id, 8, (1,)),
        (poll.id, 7, (1,)),
    ]
    persistent_ids = [option.persistent_id for option in poll.options]
    assert list(answers[0].option_persistent_ids) == [persistent_ids[0], persistent_ids[2]]
    latest = updates[-1].poll
    assert latest is not None and latest.total_voter_count == 2
    assert [o.voter_count for o in latest.options] == [0, 2, 0]
    assert tg.messages(group.id)[0].poll_options == [
        ("Instagram", 0),
        ("TikTok", 2),
        ("Facebook", 0),
    ]

    await ben.vote(sent.message_id, [], chat=group)  # retracts
    (retracted, counts) = await bot.get_updates(offset=updates[-1].update_id + 1)
    assert retracted.poll_answer is not None and retracted.poll_answer.option_ids == ()
    assert counts.poll is not None and counts.poll.total_voter_count == 1

    closed = await bot.stop_poll(group.id, sent.message_id)
    assert closed.is_closed and closed.id == poll.id and closed.total_voter_count == 1
    stopped = await anna.next_bot_message(group)
    assert stopped.poll_closed and stopped.buttons == []  # no reply_markup removes the keyboard
    (final,) = await bot.get_updates(offset=counts.update_id + 1)
    assert final.poll is not None and final.poll.is_closed

    with pytest.raises(BadRequest, match=ci("poll has already been closed")):
        await bot.stop_poll(group.id, sent.message_id)
    assert take_errors(tg) == [f"stopPoll: {POLL_CLOSED}"]
    with pytest.raises(AssertionError, match="closed"):
        await anna.vote(stopped, [0])


async def test_anonymous_poll_sends_only_counts(tg: FakeTelegram, bot: Bot) -> None:
    user = tg.user(42, "Anna")
    sent = await bot.send_poll(user.id, "Ti è utile?", ["Sì", "No"])
    assert (
        sent.poll is not None and sent.poll.is_anonymous and not sent.poll.allows_multiple_answers
    )
    message = await user.next_bot_message()
    await user.vote(message, [0])
    await user.vote(message, [0])  # the same vote again changes nothing
    (update,) = await bot.get_updates()
    assert update.poll is not None and update.poll_answer is None
    assert [o.voter_count for o in update.poll.options] == [1, 0]
    with pytest.raises(AssertionError, match="takes one answer"):
        await user.vote(message, [0, 1])
    with pytest.raises(AssertionError, match="no options"):
        await user.vote(message, [2])
    text = await bot.send_message(user.id, "non un sondaggio")
    with pytest.raises(AssertionError, match="no poll"):
        await user.vote(text.message_id, [0])
    with pytest.raises(BadRequest, match=ci("message with poll to stop not found")):
        await bot.stop_poll(user.id, text.message_id)
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Grazie", callback_data="thanks")]])
    final = await bot.stop_poll(user.id, sent.message_id, reply_markup=keyboard)
    assert final.is_closed and [o.voter_count for o in final.options] == [1, 0]
    assert tg.messages(user.id)[0].buttons == [[("Grazie", "thanks")]]
    assert take_errors(tg) == ["stopPoll: Bad Request: message with poll to stop not found"]


@pytest.mark.parametrize(
    ("changes", "description"),
    [
        ({"question": " "}, "poll question must be non-empty"),
        ({"question": "q" * 301}, "poll question length must not exceed 300"),
        ({"options": ["solo"]}, "poll must have at least 2 option"),
        ({"options": [f"o{i}" for i in range(11)]}, "poll can't have more than 10 options"),
        ({"options": ["a", ""]}, "poll options must be non-empty"),
        ({"options": ["a", {"text": "b" * 101}]}, "poll options length must not exceed 100"),
        ({"options": ["a", {"label": "b"}]}, "can't parse InputPollOption JSON object"),
        ({"type": "quiz"}, "the fake server supports only regular polls, not quizzes"),
        ({"open_period": 3}, "wrong poll open period specified"),
        (
            {"reply_markup": {"inline_keyboard": [[{"text": "x"}]]}},
            "text buttons are unallowed in the inline keyboard",
        ),
    ],
)
async def test_send_poll_is_validated(
    tg: FakeTelegram, http: aiohttp.ClientSession, changes: dict[str, object], description: str
) -> None:
    tg.user(42, "Anna")
    body = {"chat_id": 42, "question": "Q?", "options": ["a", {"text": "b"}]} | changes
    async with http.post(f"{tg.url}/bot{TOKEN}/sendPoll", json=body) as response:
        assert response.status == 400
        assert (await response.json())["description"] == f"Bad Request: {description}"
    assert take_errors(tg) == [f"sendPoll: Bad Request: {description}"]
    assert tg.messages(42) == []


async def test_send_poll_takes_plain_string_options_as_form_fields(
    tg: FakeTelegram, http: aiohttp.ClientSession
) -> None:
    tg.user(42, "Anna")
    form = {"chat_id": "42", "question": "Q?", "options": '["a", "b"]', "is_anonymous": "false"}
    async with http.post(f"{tg.url}/bot{TOKEN}/sendPoll", data=form) as response:
        poll = (await response.json())["result"]["poll"]
    assert [o["text"] for o in poll["options"]] == ["a", "b"] and poll["is_anonymous"] is False
    (message,) = tg.messages(42)
    assert message.poll_options == [("a", 0), ("b", 0)]


async def test_poll_open_period_runs_on_the_clock() -> None:
    clock = Clock()
    async with (
        FakeTelegram(token=TOKEN, clock=clock) as fake,
        Bot(TOKEN, base_url=f"{fake.url}/bot") as bot,
    ):
        user = fake.user(42, "Anna")
        sent = await bot.send_poll(user.id, "Pronta?", ["Sì", "No"], open_period=30)
        assert sent.poll is not None and sent.poll.close_date is not None
        assert sent.poll.to_dict()["open_period"] == 30
        clock.now += 29
        await user.vote(sent.message_id, [0])
        clock.now += 1
        assert fake.messages(user.id)[0].poll_closed
        with pytest.raises(AssertionError, match="closed"):
            await user.vote(sent.message_id, [1])
        counted, final = await bot.get_updates()
        assert counted.poll is not None and not counted.poll.is_closed
        assert final.poll is not None and final.poll.is_closed
        assert [o.voter_count for o in final.poll.options] == [1, 0]
        with pytest.raises(BadRequest, match=ci("poll has already been closed")):
            await bot.stop_poll(user.id, sent.message_id)
        assert fake.errors == [f"stopPoll: {POLL_CLOSED}"]


async def test_a_ptb_application_receives_poll_answers_and_polls(tg: FakeTelegram) -> None:
    answers: list[PollAnswer] = []
    polls: list[Poll] = []

    async def ask(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_chat is not None
        await context.bot.send_poll(
            update.effective_chat.id, "Obiettivo?", ["Vendere", "Farsi conoscere"], False
        )

    async def answer(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        poll_answer = update.poll_answer
        assert poll_answer is not None and poll_answer.user is not None
        answers.append(poll_answer)
        await context.bot.send_message(poll_answer.user.id, "Grazie!")

    async def count(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.poll is not None
        polls.append(update.poll)

    app = Application.builder().token(TOKEN).base_url(f"{tg.url}/bot").build()
    app.add_handler(CommandHandler("sondaggio", ask))
    app.add_handler(PollAnswerHandler(answer))
    app.add_handler(PollHandler(count))
    async with app:
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0, timeout=1)
        try:
            user = tg.user(5, "Lia", "it")
            await user.send("/sondaggio")
            poll_message = await user.next_bot_message()
            assert poll_message.poll_question == "Obiettivo?"
            await user.vote(poll_message, [1])
            thanks = await user.next_bot_message()
            assert thanks.text == "Grazie!"
            await tg.wait_for(lambda: polls)
        finally:
            await app.updater.stop()
            await app.stop()
    assert [(a.poll_id, a.option_ids) for a in answers] == [(poll_message.poll_id, (1,))]
    assert [o.voter_count for o in polls[0].options] == [0, 1]


# --------------------------------------------------------------------------- chat members


async def test_chat_administrators_and_members(tg: FakeTelegram, bot: Bot) -> None:
    group = tg.group_chat(2002, "Negozio", type="supergroup")
    owner, admin, member, lurker = (tg.user(i, name) for i, name in enumerate("OAML", start=1))
    tg.set_admins(group.id, [admin.id, owner.id], creator=owner.id)
    await member.send("ciao a tutti", chat=group)

    admins = await bot.get_chat_administrators(group.id)
    assert [type(m) for m in admins] == [ChatMemberOwner, ChatMemberAdministrator]
    assert [(m.status, m.user.id) for m in admins] == [
        (ChatMemberStatus.OWNER, owner.id),
        (ChatMemberStatus.ADMINISTRATOR, admin.id),
    ]
    assert isinstance(admins[1], ChatMemberAdministrator) and admins[1].can_delete_messages
    statuses = [
        (await bot.get_chat_member(group.id, user_id)).status
        for user_id in (owner.id, admin.id, member.id, lurker.id, bot.id)
    ]
    assert statuses == ["creator", "administrator", "member", "left", "member"]
    assert isinstance(await bot.get_chat_member(group.id, member.id), ChatMemberMember)
    assert isinstance(await bot.get_chat_member(group.id, lurker.id), ChatMemberLeft)
    assert (await bot.get_chat_member(member.id, member.id)).status == "member"

    tg.set_admins(group, [bot.id])  # replaces: no creator any more
    assert [m.user.id for m in await bot.get_chat_administrators(group.id)] == [bot.id]
    assert (await bot.get_chat_member(group.id, owner.id)).status == "left"
    with pytest.raises(AssertionError, match=r"tg\.user"):
        tg.set_admins(group.id, [999])
    with pytest.raises(AssertionError, match="not a group"):
        tg.set_admins(member.id, [member.id])

    with pytest.raises(BadRequest, match=ci("user not found")):
        await bot.get_chat_member(group.id, 999)
    with pytest.raises(BadRequest, match=ci("no administrators in the private chat")):
        await bot.get_chat_administrators(member.id)
    assert take_errors(tg) == [
        "getChatMember: Bad Request: user not found",
        "getChatAdministrators: Bad Request: there are no administrators in the private chat",
    ]


# --------------------------------------------------------------------------- rates


async def test_max_calls_per_minute_uses_the_clock() -> None:
    clock = Clock()
    async with (
        FakeTelegram(token=TOKEN, clock=clock) as fake,
        Bot(TOKEN, base_url=f"{fake.url}/bot") as bot,
    ):
        group, other = fake.group_chat(3003, "A"), fake.group_chat(3004, "B")
        for moment in (0, 10, 30, 59.9, 60, 70, 130):
            clock.now = 1000.0 + moment
            sent = await bot.send_message(group.id, f"t={moment}")
            await bot.send_chat_action(group.id, ChatAction.TYPING)  # not counted
        await bot.edit_message_text("edited", group.id, sent.message_id)  # at t=130
        await bot.send_poll(group.id, "Q?", ["a", "b"])  # at t=130
        await bot.send_message(other.id, "elsewhere")
        assert fake.calls[0][2] == 1000.0
        # Four calls in t=0..59.9 (the one at 60 is a minute after 0: windows are half-open),
        # four in 10..60 and 30..70, three at 130 (message, edit, poll).
        assert fake.max_calls_per_minute(group.id) == 4
        clock.now += 0.05  # two more at t=130.05 make that minute the busiest
        await bot.send_message(group.id, "one more")
        await bot.send_message(group.id, "and another")
        assert fake.max_calls_per_minute(group.id) == 5
        assert fake.max_calls_per_minute(group.id, methods=("sendPoll",)) == 1
        assert fake.max_calls_per_minute(group.id, methods=["sendChatAction"]) == 4
        assert fake.max_calls_per_minute(other.id) == 1
        assert fake.max_calls_per_minute(-1) == 0


# --------------------------------------------------------------------------- links and /start


async def test_url_buttons_and_deep_links(tg: FakeTelegram, bot: Bot) -> None:
    user = tg.user(42, "Anna")
    me = await bot.get_me()
    link = f"https://t.me/{me.username}?start=invite-42"
    keyboard = InlineKeyboardMarkup(
        [
            [InlineKeyboardButton("Invita", url=link)],
            [InlineKeyboardButton("Apri", url="tg://resolve?domain=fake_coach_bot")],
            [InlineKeyboardButton("Avanti", callback_data="next")],
        ]
    )
    sent = await bot.send_message(user.id, "Condividi", reply_markup=keyboard)
    assert sent.reply_markup == keyboard
    seen = await user.next_bot_message()
    assert seen.buttons == [[("Invita", None)], [("Apri", None)], [("Avanti", "next")]]
    assert seen.button_url("Invita") == "https://t.me/fake_coach_bot?start=invite-42"
    assert seen.button_url("Apri") == "tg://resolve?domain=fake_coach_bot"
    assert seen.reply_markup is not None
    assert seen.reply_markup["inline_keyboard"][0][0] == {"text": "Invita", "url": link}
    for missing in ("Avanti", "Nessuno"):
        with pytest.raises(KeyError):
            seen.button_url(missing)

    for bad in ("http://localhost:8080/x", "ftp://example.com", "javascript:alert(1)", "https://"):
        markup = InlineKeyboardMarkup([[InlineKeyboardButton("x", url=bad)]])
        with pytest.raises(BadRequest, match=ci("button_url_invalid")):
            await bot.send_message(user.id, "x", reply_markup=markup)
    assert take_errors(tg) == ["sendMessage: Bad Request: BUTTON_URL_INVALID"] * 4


async def test_start_with_a_payload_has_one_command_entity(tg: FakeTelegram) -> None:
    seen_args: list[list[str]] = []

    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.message is not None
        assert update.message.entities == (MessageEntity(MessageEntity.BOT_COMMAND, 0, 6),)
        seen_args.append(list(context.args or []))
        await update.message.reply_text("Benvenuta")

    app = Application.builder().token(TOKEN).base_url(f"{tg.url}/bot").build()
    app.add_handler(CommandHandler("start", start))
    async with app:
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0, timeout=1)
        try:
            user = tg.user(5, "Lia", "it")
            link = f"https://t.me/{app.bot.username}?start=invite-42"
            payload = link.split("?start=", 1)[1]
            update = await user.send(f"/start {payload}")
            assert update["entities"] == [{"type": "bot_command", "offset": 0, "length": 6}]
            assert (await user.next_bot_message()).text == "Benvenuta"
        finally:
            await app.updater.stop()
            await app.stop()
    assert seen_args == [["invite-42"]]

"""A fake Telegram Bot API server: the real bot talks to it over HTTP, tests play the users.

Point PTB at it with ``.base_url(f"{tg.url}/bot").base_file_url(f"{tg.url}/file/bot")``.
Calls the fake does not implement are recorded in ``unknown_calls`` and answered 404; bad
requests are answered 400 like Telegram does and recorded in ``errors`` (the two errors a
correct bot meets in normal life, "message is not modified" and an expired callback query, go
to ``expected_errors``). ``assert_clean()`` fails a test that left either list non-empty.

Besides messages, photos, documents, albums (``sendMediaGroup``) and inline keyboards the fake
knows regular polls (users vote with ``FakeUser.vote``), chat members (set a group's admins with
``set_admins``; users who act in a group are its members) and can measure per-chat rates
(``max_calls_per_minute``, on the timestamps of an injectable ``clock``).
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import random
import re
import struct
import time
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, Self, TypeVar
from urllib.parse import urlsplit

import aiohttp
from aiohttp import web

JSON = dict[str, Any]
_T = TypeVar("_T")

CANNOT_INITIATE = "Forbidden: bot can't initiate conversation with a user"
NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup are"
    " exactly the same as a current content and reply markup of the message"
)
# The users Telegram shows as the sender of messages sent as a group or as a channel.
ANONYMOUS_ADMIN: JSON = {
    "id": 1087968824,
    "is_bot": True,
    "first_name": "Group",
    "username": "GroupAnonymousBot",
}
CHANNEL_BOT: JSON = {
    "id": 136817688,
    "is_bot": True,
    "first_name": "Channel",
    "username": "Channel_Bot",
}
QUERY_TOO_OLD = "Bad Request: query is too old and response timeout expired or query ID is invalid"
WEBHOOK_CONFLICT = (
    "Conflict: can't use getUpdates method while webhook is active;"
    " use deleteWebhook to delete the webhook first"
)
CHAT_ACTIONS = frozenset(
    {"typing", "upload_photo", "record_video", "upload_video", "record_voice", "upload_voice"}
    | {"upload_document", "choose_sticker", "find_location", "record_video_note"}
    | {"upload_video_note"}
)
SCOPE_TYPES = frozenset(
    {"default", "all_private_chats", "all_group_chats", "all_chat_administrators", "chat"}
    | {"chat_administrators", "chat_member"}
)
_NOT_DEFAULT_UPDATES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})
_BUTTON_ACTIONS = frozenset(
    {"callback_data", "url", "web_app", "login_url", "copy_text", "callback_game", "pay"}
    | {"switch_inline_query", "switch_inline_query_current_chat"}
    | {"switch_inline_query_chosen_chat"}
)
# PTB sends every parameter as a form field: numbers and booleans JSON-encoded, nested objects
# as JSON strings, plain strings as they are. Telegram decodes them by the parameter's type.
_INT_PARAMS = frozenset(
    {"message_id", "offset", "limit", "timeout", "cache_time", "max_connections"}
    | {"message_thread_id", "reply_to_message_id", "user_id", "open_period", "close_date"}
)
_BOOL_PARAMS = frozenset(
    {"show_alert", "drop_pending_updates", "disable_notification", "protect_content"}
    | {"allow_sending_without_reply", "disable_web_page_preview", "has_spoiler"}
    | {"is_anonymous", "allows_multiple_answers", "allows_revoting", "is_closed"}
)
_JSON_PARAMS = {
    "reply_markup": "reply keyboard markup",
    "allowed_updates": "allowed updates",
    "commands": "bot commands",
    "scope": "bot command scope",
    "entities": "entities",
    "caption_entities": "caption entities",
    "reply_parameters": "reply parameters",
    "link_preview_options": "link preview options",
    "options": "poll options",
    "question_entities": "question entities",
    "media": "media",
}
# Methods that send or change messages: what Telegram's per-chat flood limits count.
RATE_LIMITED_METHODS = (
    "sendMessage",
    "editMessageText",
    "editMessageReplyMarkup",
    "sendPhoto",
    "sendDocument",
    "sendMediaGroup",
    "sendPoll",
    "stopPoll",
)
POLL_MAX_QUESTION = 300
POLL_MIN_OPTIONS = 2
POLL_MAX_OPTIONS = 10
POLL_MAX_OPTION = 100
POLL_OPEN_PERIOD = (5, 2_628_000)
POLL_CLOSED = "Bad Request: poll has already been closed"
MEDIA_GROUP_SIZE = (2, 10)
MEDIA_GROUP_TYPES = frozenset({"photo", "document"})
# What a group admin may do in the fake's ChatMemberAdministrator objects.
_ADMIN_RIGHTS = {
    "can_manage_chat": True,
    "can_delete_messages": True,
    "can_manage_video_chats": True,
    "can_restrict_members": True,
    "can_change_info": True,
    "can_invite_users": True,
    "can_pin_messages": True,
    "can_promote_members": False,
    "can_post_stories": False,
    "can_edit_stories": False,
    "can_delete_stories": False,
    "can_manage_topics": False,
}


def utf16_len(text: str) -> int:
    """Length of text in UTF-16 code units, the unit of Telegram entity offsets."""
    return len(text.encode("utf-16-le")) // 2


# --------------------------------------------------------------------------- HTML parse mode


class HtmlError(ValueError):
    """Text is not valid Telegram HTML."""


_TAG_ENTITY = dict.fromkeys(("b", "strong"), "bold") | dict.fromkeys(("i", "em"), "italic")
_TAG_ENTITY |= dict.fromkeys(("u", "ins"), "underline")
_TAG_ENTITY |= dict.fromkeys(("s", "strike", "del"), "strikethrough")
_TAG_ENTITY |= dict.fromkeys(("span", "tg-spoiler"), "spoiler")
_TAG_ENTITY |= {"a": "text_link", "code": "code", "pre": "pre", "blockquote": "blockquote"}
_TAG_ENTITY |= {"tg-emoji": "custom_emoji"}
_REQUIRED_ATTR = {"a": "href", "tg-emoji": "emoji-id"}
_TAG_NAME = re.compile(r"[A-Za-z][A-Za-z0-9-]*")
_ATTR_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_-]*")
_UNQUOTED = re.compile(r"[^\s>\"']+")
_PLAIN = re.compile(r"[^<&]+")
_CHAR_REF = re.compile(r"&(?:(lt|gt|amp|quot)|#([0-9]{1,8})|#[xX]([0-9A-Fa-f]{1,8}));")
_NAMED_REFS = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}


def _ref_char(match: re.Match[str]) -> str | None:
    """The character a matched character reference stands for, or None if it is invalid."""
    if match.group(1):
        return _NAMED_REFS[match.group(1)]
    code = int(match.group(2)) if match.group(2) else int(match.group(3), 16)
    if not 0 < code <= 0x10FFFF or 0xD800 <= code <= 0xDFFF:
        return None
    return chr(code)


@dataclass
class _OpenTag:
    name: str
    attrs: dict[str, str]
    start: int
    language: str | None = None


class _HtmlParser:
    def __init__(self, raw: str) -> None:
        self.raw = raw
        self.i = 0
        self.pos = 0  # UTF-16 length of the visible text so far
        self.parts: list[str] = []
        self.entities: list[JSON] = []
        self.stack: list[_OpenTag] = []

    def error(self, message: str, index: int) -> HtmlError:
        return HtmlError(f"{message} at byte offset {len(self.raw[:index].encode())}")

    def run(self) -> tuple[str, list[JSON]]:
        while self.i < len(self.raw):
            if self.raw.startswith("</", self.i):
                self.end_tag()
            elif self.raw[self.i] == "<":
                self.start_tag()
            elif self.raw[self.i] == "&":
                match = _CHAR_REF.match(self.raw, self.i)
                char = _ref_char(match) if match else None
                if match is None or char is None:
                    raise self.error('Character "&" must be escaped as "&amp;"', self.i)
                self.emit(char)
                self.i = match.end()
            else:
                plain = _PLAIN.match(self.raw, self.i)
                assert plain is not None
                self.emit(plain.group())
                self.i = plain.end()
        if self.stack:
            name = self.stack[-1].name
            raise HtmlError(f'Can\'t find end tag corresponding to start tag "{name}"')
        self.entities.sort(key=lambda entity: (entity["offset"], -entity["length"]))
        return "".join(self.parts), self.entities

    def emit(self, text: str) -> None:
        self.parts.append(text)
        self.pos += utf16_len(text)

    def skip_space(self) -> None:
        while self.i < len(self.raw) and self.raw[self.i].isspace():
            self.i += 1

    def start_tag(self) -> None:
        start = self.i
        match = _TAG_NAME.match(self.raw, start + 1)
        if match is None:
            raise self.error('Unexpected "<": escape it as "&lt;"', start)
        name = match.group().lower()
        self.i = match.end()
        attrs = self.attributes(name, start)
        if name not in _TAG_ENTITY:
            raise self.error(f'Unsupported start tag "{name}"', start)
        parent = self.stack[-1] if self.stack else None
        if parent and parent.name in ("code", "pre") and (parent.name, name) != ("pre", "code"):
            raise self.error(f'Tag "{name}" can\'t be nested in "{parent.name}"', start)
        if name == "blockquote" and any(tag.name == "blockquote" for tag in self.stack):
            raise self.error('Tag "blockquote" can\'t be nested in "blockquote"', start)
        required = _REQUIRED_ATTR.get(name)
        if required and not attrs.get(required):
            raise self.error(f'Tag "{name}" must have attribute "{required}"', start)
        if name == "span" and attrs.get("class") != "tg-spoiler":
            raise self.error('Tag "span" must have class "tg-spoiler"', start)
        self.stack.append(_OpenTag(name, attrs, self.pos))

    def attributes(self, name: str, start: int) -> dict[str, str]:
        attrs: dict[str, str] = {}
        while True:
            self.skip_space()
            if self.i >= len(self.raw):
                raise self.error(f'Unclosed start tag "{name}"', start)
            if self.raw[self.i] == ">":
                self.i += 1
                return attrs
            match = _ATTR_NAME.match(self.raw, self.i)
            if match is None:
                raise self.error(f'Unexpected character in start tag "{name}"', self.i)
            key = match.group().lower()
            self.i = match.end()
            self.skip_space()
            value = ""
            if self.raw.startswith("=", self.i):
                self.i += 1
                self.skip_space()
                quote = self.raw[self.i : self.i + 1]
                if quote in ('"', "'"):
                    end = self.raw.find(quote, self.i + 1)
                    if end == -1:
                        raise self.error(f'Unclosed attribute value in tag "{name}"', self.i)
                    value, self.i = self.raw[self.i + 1 : end], end + 1
                else:
                    unquoted = _UNQUOTED.match(self.raw, self.i)
                    if unquoted is None:
                        raise self.error(f'Empty attribute value in tag "{name}"', self.i)
                    value, self.i = unquoted.group(), unquoted.end()
            attrs[key] = _CHAR_REF.sub(lambda m: _ref_char(m) or m.group(), value)

    def end_tag(self) -> None:
        start = self.i
        match = _TAG_NAME.match(self.raw, start + 2)
        if match is None:
            raise self.error('Unexpected "</"', start)
        name = match.group().lower()
        self.i = match.end()
        self.skip_space()
        if not self.raw.startswith(">", self.i):
            raise self.error(f'Unclosed end tag "{name}"', start)
        self.i += 1
        if not self.stack:
            raise self.error(f'Unexpected end tag "{name}"', start)
        tag = self.stack.pop()
        if tag.name != name:
            offset = len(self.raw[:start].encode())
            raise HtmlError(
                f'Unmatched end tag at byte offset {offset}, expected "</{tag.name}>",'
                f' found "</{name}>"'
            )
        self.close(tag)

    def close(self, tag: _OpenTag) -> None:
        parent = self.stack[-1] if self.stack else None
        if tag.name == "code" and parent is not None and parent.name == "pre":
            css = tag.attrs.get("class", "")
            if css.startswith("language-"):
                parent.language = css.removeprefix("language-")
            return
        length = self.pos - tag.start
        if length == 0:
            return
        entity: JSON = {"type": _TAG_ENTITY[tag.name], "offset": tag.start, "length": length}
        if tag.name == "a":
            entity["url"] = tag.attrs["href"]
        elif tag.name == "pre" and tag.language:
            entity["language"] = tag.language
        elif tag.name == "blockquote" and "expandable" in tag.attrs:
            entity["type"] = "expandable_blockquote"
        elif tag.name == "tg-emoji":
            entity["custom_emoji_id"] = tag.attrs["emoji-id"]
        self.entities.append(entity)


def parse_html(raw: str) -> tuple[str, list[JSON]]:
    """Parse Telegram HTML into (visible text, entities); raise HtmlError like Telegram would."""
    return _HtmlParser(raw).run()


def image_size(data: bytes) -> tuple[int, int] | None:
    """Width and height of a PNG or JPEG image from its header, or None."""
    if data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR":
        width, height = struct.unpack(">II", data[16:24])
        return int(width), int(height)
    if data[:2] != b"\xff\xd8":
        return None
    i = 2
    while i + 9 <= len(data) and data[i] == 0xFF:
        marker = data[i + 1]
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            height, width = struct.unpack(">HH", data[i + 5 : i + 9])
            return int(width), int(height)
        i += 2 + int(struct.unpack(">H", data[i + 2 : i + 4])[0])
    return None


def valid_button_url(url: object) -> bool:
    """Whether Telegram takes url for a URL button: http(s) with a dotted host, or tg://."""
    if not isinstance(url, str) or not url or re.search(r"\s", url):
        return False
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:
        return False
    if parts.scheme in ("http", "https"):
        return bool(host) and "." in str(host).strip(".")  # Telegram refuses "localhost"
    return parts.scheme == "tg" and bool(parts.netloc)


# --------------------------------------------------------------------------- data


class _ApiError(Exception):
    def __init__(self, description: str, code: int = 400, *, expected: bool = False) -> None:
        super().__init__(description)
        self.description = description
        self.code = code
        self.expected = expected


@dataclass
class Fault:
    """An answer the server gives instead of the real one, to the next calls of a method."""

    method: str
    code: int = 500
    description: str = "Internal Server Error"
    retry_after: int | None = None
    hang: float = 0.0
    times: int = 1
    drop: bool = False
    """Close the connection without any answer, as a dropped network link does."""


@dataclass(frozen=True)
class UploadedFile:
    """A file part of a multipart request."""

    data: bytes
    filename: str
    content_type: str


@dataclass(frozen=True)
class FakeChat:
    """A chat known to the fake server."""

    id: int
    type: str
    title: str | None = None
    first_name: str | None = None
    username: str | None = None

    def to_api(self) -> JSON:
        """The Bot API Chat object."""
        chat: JSON = {"id": self.id, "type": self.type}
        for key in ("title", "first_name", "username"):
            if getattr(self, key) is not None:
                chat[key] = getattr(self, key)
        return chat


@dataclass(frozen=True)
class BotMessage:
    """A snapshot of a message as the user sees it (text is the caption for media).

    URL buttons appear in ``buttons`` as (text, None); ``button_url`` gives their url. A poll
    message has an empty text and its poll in the ``poll_*`` fields, counts as of the snapshot.
    """

    message_id: int
    chat_id: int
    text: str
    html: str | None
    reply_markup: JSON | None
    buttons: list[list[tuple[str, str | None]]]
    photo: bytes | None = None
    document: bytes | None = None
    document_name: str | None = None
    document_mime: str | None = None
    edited: bool = False
    from_bot: bool = True
    poll_id: str | None = None
    poll_question: str | None = None
    poll_options: list[tuple[str, int]] = field(default_factory=list)
    poll_closed: bool = False

    def button_data(self, text: str) -> str | None:
        """The callback_data of the button labelled text (KeyError if there is none)."""
        for row in self.buttons:
            for label, data in row:
                if label == text:
                    return data
        raise KeyError(text)

    def button_url(self, text: str) -> str:
        """The url of the URL button labelled text (KeyError if there is none)."""
        for row in (self.reply_markup or {}).get("inline_keyboard", []):
            for button in row:
                if button.get("text") == text and "url" in button:
                    return str(button["url"])
        raise KeyError(text)


@dataclass
class _Stored:
    chat_id: int
    payload: JSON
    from_bot: bool
    text: str = ""
    html: str | None = None
    markup: JSON | None = None
    photo: bytes | None = None
    document: UploadedFile | None = None
    edited: bool = False

    def snapshot(self) -> BotMessage:
        rows = (self.markup or {}).get("inline_keyboard", [])
        buttons = [[(b["text"], b.get("callback_data")) for b in row] for row in rows]
        doc = self.document
        poll = self.payload.get("poll") or {}
        return BotMessage(
            message_id=self.payload["message_id"],
            chat_id=self.chat_id,
            text=self.text,
            html=self.html,
            reply_markup=self.markup,
            buttons=buttons,
            photo=self.photo,
            document=doc.data if doc else None,
            document_name=doc.filename if doc else None,
            document_mime=doc.content_type if doc else None,
            edited=self.edited,
            from_bot=self.from_bot,
            poll_id=poll.get("id"),
            poll_question=poll.get("question"),
            poll_options=[(o["text"], o["voter_count"]) for o in poll.get("options", [])],
            poll_closed=bool(poll.get("is_closed", False)),
        )


@dataclass
class _Poll:
    """A regular poll the bot sent; votes maps a user id to their chosen option ids."""

    id: str
    question: str
    question_entities: list[JSON]
    options: list[JSON]  # text, persistent_id and maybe text_entities
    is_anonymous: bool
    allows_multiple_answers: bool
    allows_revoting: bool
    is_closed: bool = False
    open_period: int | None = None
    close_date: int | None = None
    deadline: float | None = None  # on the fake's clock
    votes: dict[int, list[int]] = field(default_factory=dict)
    chat_id: int = 0
    message_id: int = 0

    def to_api(self) -> JSON:
        """The Bot API Poll object."""
        counts = [0] * len(self.options)
        for chosen in self.votes.values():
            for option_id in chosen:
                counts[option_id] += 1
        options = [
            {"text": option["text"], "voter_count": count, "persistent_id": option["persistent_id"]}
            | ({"text_entities": option["text_entities"]} if option.get("text_entities") else {})
            for option, count in zip(self.options, counts, strict=True)
        ]
        poll: JSON = {"id": self.id, "question": self.question, "options": options}
        poll |= {"total_voter_count": len(self.votes), "is_closed": self.is_closed}
        poll |= {"is_anonymous": self.is_anonymous, "type": "regular"}
        poll |= {"allows_multiple_answers": self.allows_multiple_answers}
        poll |= {"allows_revoting": self.allows_revoting, "members_only": False}
        if self.question_entities:
            poll["question_entities"] = self.question_entities
        if self.open_period is not None:
            poll["open_period"] = self.open_period
        if self.close_date is not None:
            poll["close_date"] = self.close_date
        return poll


@dataclass
class _Query:
    created: float
    answered: bool = False


@dataclass
class WebhookState:
    """The webhook set by setWebhook."""

    url: str
    secret_token: str | None
    max_connections: int = 40
    last_error: str | None = None
    last_error_date: int | None = None


def _chat_of(update: JSON) -> object:
    """The chat (or, for chat-less updates, the user) whose updates keep their order."""
    for value in update.values():
        if isinstance(value, dict):
            chat = value.get("chat") or (value.get("message") or {}).get("chat")
            if isinstance(chat, dict):
                return chat.get("id")
            sender = value.get("from") or value.get("user")
            if isinstance(sender, dict):
                return ("user", sender.get("id"))
    return None


# --------------------------------------------------------------------------- user side


class FakeUser:
    """A simulated Telegram user who sends messages and taps buttons."""

    def __init__(self, tg: FakeTelegram, user: JSON, chat: FakeChat) -> None:
        self._tg = tg
        self.user = user
        self.chat = chat
        self._cursor: dict[int, int] = {}

    @property
    def id(self) -> int:
        """The user's id."""
        return int(self.user["id"])

    def _chat(self, chat: FakeChat | int | None) -> FakeChat:
        if chat is None:
            return self.chat
        return self._tg.chats[chat if isinstance(chat, int) else chat.id]

    async def send(self, text: str, chat: FakeChat | int | None = None) -> JSON:
        """Send a text message; a leading /command gets its bot_command entity."""
        fields: JSON = {"text": text}
        command = re.match(r"/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?", text)
        if command:
            length = utf16_len(command.group())
            fields["entities"] = [{"type": "bot_command", "offset": 0, "length": length}]
        target = self._chat(chat)
        if target.type == "private":
            self._tg.not_started.discard(self.id)  # writing to the bot opens the private chat
        return self._tg._user_message(self, target, fields, text=text)

    async def reply(
        self, to_message: BotMessage | int, text: str, chat: FakeChat | int | None = None
    ) -> JSON:
        """Send a text message replying to a message (how ForceReply answers arrive)."""
        if isinstance(to_message, BotMessage):
            target, message_id = self._tg.chats[to_message.chat_id], to_message.message_id
        else:
            target, message_id = self._chat(chat), to_message
        original = self._tg._message(target.id, message_id).payload
        replied = {key: value for key, value in original.items() if key != "reply_to_message"}
        fields: JSON = {"text": text, "reply_to_message": replied}
        return self._tg._user_message(self, target, fields, text=text)

    async def send_sticker(self, chat: FakeChat | int | None = None) -> JSON:
        """Send a sticker."""
        ids = self._tg._file_ids("CAACAgIAAxk")
        sticker = {**ids, "type": "regular", "width": 512, "height": 512, "emoji": "👍"}
        sticker |= {"is_animated": False, "is_video": False, "file_size": 20480}
        return self._tg._user_message(self, self._chat(chat), {"sticker": sticker})

    async def send_photo(self, chat: FakeChat | int | None = None, caption: str = "") -> JSON:
        """Send a photo (two sizes), optionally with a caption."""
        sizes = [(90, 67, 1200), (1280, 960, 98000)]
        photo = [
            {**self._tg._file_ids("AgACAgIAAxk"), "width": w, "height": h, "file_size": size}
            for w, h, size in sizes
        ]
        fields: JSON = {"photo": photo} | ({"caption": caption} if caption else {})
        return self._tg._user_message(self, self._chat(chat), fields, text=caption)

    async def send_voice(self, chat: FakeChat | int | None = None) -> JSON:
        """Send a voice note."""
        voice = {**self._tg._file_ids("AwACAgIAAxk"), "duration": 3, "mime_type": "audio/ogg"}
        voice["file_size"] = 9000
        return self._tg._user_message(self, self._chat(chat), {"voice": voice})

    async def edit(self, sent: JSON, text: str) -> JSON:
        """Edit a message this user sent earlier (Telegram delivers an edited_message)."""
        edited = {**sent, "text": text, "edit_date": int(time.time())}
        self._tg.enqueue("edited_message", edited)
        return edited

    async def forge_tap(
        self, message: BotMessage, callback_data: str, *, inaccessible: bool = False
    ) -> str:
        """Tap with callback data of one's choosing, as a modified client can send.

        With `inaccessible`, the message comes as Telegram sends one older than 48 hours:
        chat, id and a zero date, without its text or buttons.
        """
        stored = self._tg._message(message.chat_id, message.message_id)
        return self._tg._callback_query(self, stored, callback_data, inaccessible=inaccessible)

    async def tap(
        self,
        message: BotMessage | int,
        button_text: str | None = None,
        callback_data: str | None = None,
        chat: FakeChat | int | None = None,
    ) -> str:
        """Tap an inline button (by text or data) on the message's current keyboard."""
        chat_id = message.chat_id if isinstance(message, BotMessage) else self._chat(chat).id
        message_id = message.message_id if isinstance(message, BotMessage) else message
        stored = self._tg._message(chat_id, message_id)
        for row in (stored.markup or {}).get("inline_keyboard", []):
            for button in row:
                if (button_text is None or button["text"] == button_text) and (
                    callback_data is None or button.get("callback_data") == callback_data
                ):
                    if "callback_data" not in button:
                        raise AssertionError(f"button {button['text']!r} has no callback_data")
                    return self._tg._callback_query(self, stored, button["callback_data"])
        raise AssertionError(
            f"no button text={button_text!r} data={callback_data!r} on message {message_id}:"
            f" {stored.snapshot().buttons}"
        )

    async def vote(
        self,
        message: BotMessage | int,
        option_ids: Sequence[int],
        chat: FakeChat | int | None = None,
    ) -> JSON:
        """Vote in the poll of the message, replacing an earlier vote; [] retracts it.

        The bot gets a ``poll_answer`` update if the poll is not anonymous and a ``poll`` update
        with the new counts. Returns the Poll object. Voting on a closed poll, on a message without
        a poll, for options the poll does not have, or for several options when the poll takes
        one, raises AssertionError: a Telegram client would not let the user do it.
        """
        chat_id = message.chat_id if isinstance(message, BotMessage) else self._chat(chat).id
        message_id = message.message_id if isinstance(message, BotMessage) else message
        return self._tg._vote(self, self._tg._message(chat_id, message_id), list(option_ids))

    async def next_bot_message(
        self, chat: FakeChat | int | None = None, timeout: float = 5.0
    ) -> BotMessage:
        """Wait for the next message the bot sent (or edited) in the chat since the last call."""
        chat_id = self._chat(chat).id
        start = self._cursor.get(chat_id, 0)
        events = self._tg.bot_events

        def find() -> tuple[int, BotMessage] | None:
            for index in range(start, len(events)):
                if events[index].chat_id == chat_id:
                    return index, events[index]
            return None

        index, message = await self._tg.wait_for(find, timeout)
        self._cursor[chat_id] = index + 1
        return message


# --------------------------------------------------------------------------- the server


class FakeTelegram:
    """A fake Bot API server on 127.0.0.1 that records and validates what the bot sends."""

    def __init__(
        self,
        token: str = "123456:TEST-fake-token",
        *,
        username: str = "fake_coach_bot",
        first_name: str = "Fake Coach",
        callback_ttl: float = 900.0,
        webhook_attempts: int = 4,
        webhook_backoff: float = 0.05,
        clock: Callable[[], float] = time.monotonic,
        latency: float = 0.0,
        jitter: float = 0.0,
    ) -> None:
        self.token = token
        # Seconds every call waits before it is handled, like the network to Telegram and back.
        self.latency = latency
        self.jitter = jitter
        self.faults: list[Fault] = []
        self.not_started: set[int] = set()
        """Users who never opened their private chat: the bot may not write to them first."""
        # Seconds, for the timestamps in ``calls``, callback query expiry and poll open periods;
        # a test can pass its own to compress time.
        self.clock = clock
        self.bot_user: JSON = {
            "id": int(token.split(":", 1)[0]),
            "is_bot": True,
            "first_name": first_name,
            "username": username,
        }
        self.callback_ttl = callback_ttl
        self.webhook_attempts = webhook_attempts
        self.webhook_backoff = webhook_backoff
        self.url = ""
        self.chats: dict[int, FakeChat] = {}
        self.users: dict[int, FakeUser] = {}
        self.calls: list[tuple[str, JSON, float]] = []
        self.unknown_calls: list[str] = []
        self.errors: list[str] = []
        self.expected_errors: list[str] = []
        self.bot_events: list[BotMessage] = []
        self.callback_answers: list[JSON] = []
        self.commands: dict[tuple[str, str], list[JSON]] = {}
        self.descriptions: dict[str, str] = {}
        self.short_descriptions: dict[str, str] = {}
        self.files: dict[str, UploadedFile] = {}
        self.webhook: WebhookState | None = None
        self.webhook_deliveries: list[tuple[int, int]] = []
        self.allowed_updates: list[str] | None = None
        self._pending: list[JSON] = []
        self._messages: dict[int, dict[int, _Stored]] = {}
        self._queries: dict[str, _Query] = {}
        self._update_ids = itertools.count(10_001)
        self._file_counter = itertools.count(1)
        self._query_ids = itertools.count(4_000_000_001)
        self._poll_ids = itertools.count(5_360_000_000_000_000_001)
        self._media_groups = itertools.count(13_900_000_000_000_001)
        self._polls: dict[str, _Poll] = {}
        self._admins: dict[int, list[int]] = {}
        self._creators: dict[int, int] = {}
        self._members: dict[int, set[int]] = {}
        self._changed = asyncio.Event()
        self._closing = False
        self._runner: web.AppRunner | None = None
        self._session: aiohttp.ClientSession | None = None
        self._worker: asyncio.Task[None] | None = None
        self._methods: dict[str, Callable[[JSON], Awaitable[Any]]] = {
            "getme": self._get_me,
            "getupdates": self._get_updates,
            "sendmessage": self._send_message,
            "editmessagetext": self._edit_message_text,
            "editmessagereplymarkup": self._edit_message_reply_markup,
            "answercallbackquery": self._answer_callback_query,
            "sendchataction": self._send_chat_action,
            "sendphoto": self._send_photo,
            "senddocument": self._send_document,
            "sendmediagroup": self._send_media_group,
            "sendpoll": self._send_poll,
            "stoppoll": self._stop_poll,
            "getchatadministrators": self._get_chat_administrators,
            "getchatmember": self._get_chat_member,
            "setmycommands": self._set_my_commands,
            "getmycommands": self._get_my_commands,
            "setmydescription": self._set_my_description,
            "setmyshortdescription": self._set_my_short_description,
            "setwebhook": self._set_webhook,
            "deletewebhook": self._delete_webhook,
            "getwebhookinfo": self._get_webhook_info,
        }

    # ------------------------------------------------------------------ lifecycle

    async def __aenter__(self) -> Self:
        app = web.Application(client_max_size=60 * 1024 * 1024)
        app.router.add_route("*", "/{tail:.*}", self._handle)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=2.0)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        host, port = self._runner.addresses[0][:2]
        self.url = f"http://{host}:{port}"
        self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=5))
        self._worker = asyncio.create_task(self._webhook_worker())
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._closing = True
        self._notify()  # releases pending long polls
        if self._worker is not None:
            self._worker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._worker
        if self._session is not None:
            await self._session.close()
        if self._runner is not None:
            await self._runner.cleanup()

    def assert_clean(self) -> None:
        """Raise AssertionError if the bot called unknown methods or sent bad requests."""
        problems = [f"unknown method: {name}" for name in self.unknown_calls] + self.errors
        if problems:
            raise AssertionError("fake Telegram saw problems:\n  " + "\n  ".join(problems))

    # ------------------------------------------------------------------ user side

    def private_chat(self, user_id: int, first_name: str, language_code: str = "en") -> FakeChat:
        """Create (or get) a user and their private chat with the bot."""
        return self.user(user_id, first_name, language_code).chat

    def group_chat(self, chat_id: int, title: str, type: str = "group") -> FakeChat:
        """Create a group chat (ids of groups are negative)."""
        chat = FakeChat(id=-abs(chat_id), type=type, title=title)
        self.chats[chat.id] = chat
        return chat

    def user(self, user_id: int, first_name: str = "Test", language_code: str = "en") -> FakeUser:
        """The simulated user with this id (created with a private chat on first use)."""
        if user_id not in self.users:
            api_user = {"id": user_id, "is_bot": False, "first_name": first_name}
            api_user["language_code"] = language_code
            chat = FakeChat(id=user_id, type="private", first_name=first_name)
            self.chats[chat.id] = chat
            self.users[user_id] = FakeUser(self, api_user, chat)
        return self.users[user_id]

    def set_admins(
        self, chat: FakeChat | int, user_ids: Iterable[int], creator: int | None = None
    ) -> None:
        """Make these users (tg.user() ones, or the bot) the group's admins and creator.

        Replaces what an earlier call set; getChatAdministrators lists the creator first.
        """
        chat_id = chat.id if isinstance(chat, FakeChat) else chat
        if chat_id not in self.chats or self.chats[chat_id].type == "private":
            raise AssertionError(f"set_admins: {chat_id} is not a group the fake knows")
        admins = list(dict.fromkeys(user_ids))
        for user_id in [*admins, *([] if creator is None else [creator])]:
            if self._known_user(user_id) is None:
                raise AssertionError(f"set_admins: create user {user_id} with tg.user() first")
        self._admins[chat_id] = [user_id for user_id in admins if user_id != creator]
        self._creators.pop(chat_id, None)
        if creator is not None:
            self._creators[chat_id] = creator

    def max_calls_per_minute(
        self, chat_id: int, methods: Iterable[str] = RATE_LIMITED_METHODS
    ) -> int:
        """The most calls of these methods to the chat inside any 60-second window.

        Windows are half-open: two calls exactly 60 seconds apart are in different minutes.
        Timestamps come from ``clock`` when the call arrived; refused calls count too.
        """
        wanted = {method.lower() for method in methods}
        times = sorted(
            moment
            for method, params, moment in self.calls
            if method.lower() in wanted and params.get("chat_id") == chat_id
        )
        most, first = 0, 0
        for last, moment in enumerate(times):
            while moment - times[first] >= 60:
                first += 1
            most = max(most, last - first + 1)
        return most

    def messages(self, chat_id: int) -> list[BotMessage]:
        """The chat's current messages (user and bot), oldest first."""
        self._expire_polls()
        stored = self._messages.get(chat_id, {})
        return [stored[message_id].snapshot() for message_id in sorted(stored)]

    def calls_in(self, chat_id: int) -> list[tuple[str, JSON, float]]:
        """The chat-bound calls made to this chat."""
        return [call for call in self.calls if call[1].get("chat_id") == chat_id]

    async def wait_for(self, predicate: Callable[[], _T | None], timeout: float = 5.0) -> _T:
        """Wait until predicate() returns something truthy; return it (TimeoutError if not)."""
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            result = predicate()
            if result:
                return result
            remaining = deadline - asyncio.get_running_loop().time()
            if remaining <= 0 or self._closing:
                errors = "; ".join(self.errors + self.unknown_calls) or "none"
                raise TimeoutError(f"condition not met within {timeout}s (bot errors: {errors})")
            await self._wait_change(min(remaining, 0.05))  # also sees state outside the fake

    @property
    def pending_updates(self) -> int:
        """How many updates the bot has not yet confirmed having received."""
        return len(self._pending)

    def enqueue(self, kind: str, payload: JSON) -> JSON:
        """Queue an Update of the given kind ("message", "callback_query", ...)."""
        update = {"update_id": next(self._update_ids), kind: payload}
        self._pending.append(update)
        self._notify()
        return update

    def send_as_chat(
        self, chat: FakeChat, text: str, sender: FakeChat | None = None, reply_to: int | None = None
    ) -> JSON:
        """A group message sent as the group (an anonymous admin) or as a channel (`sender`)."""
        robot = ANONYMOUS_ADMIN if sender is None else CHANNEL_BOT
        fields: JSON = {"text": text, "sender_chat": (sender or chat).to_api()}
        if text.startswith("/"):
            length = utf16_len(text.split(maxsplit=1)[0])
            fields["entities"] = [{"type": "bot_command", "offset": 0, "length": length}]
        if reply_to is not None:
            fields["reply_to_message"] = self._message(chat.id, reply_to).payload
        stored = self._store(chat, robot, fields, from_bot=False, text=text)
        self.enqueue("message", stored.payload)
        return stored.payload

    def channel_post(self, channel: FakeChat, text: str) -> JSON:
        """A post in a channel the bot belongs to: it has no sender."""
        stored = self._store(channel, None, {"text": text}, from_bot=False, text=text)
        self.enqueue("channel_post", stored.payload)
        return stored.payload

    def _file_ids(self, prefix: str) -> JSON:
        number = next(self._file_counter)
        return {"file_id": f"{prefix}{number:06d}FAKE", "file_unique_id": f"AgAD{number:06d}"}

    def _user_message(self, user: FakeUser, chat: FakeChat, fields: JSON, text: str = "") -> JSON:
        stored = self._store(chat, user.user, fields, from_bot=False, text=text)
        self._joined(user, stored.chat_id)
        self.enqueue("message", stored.payload)
        return stored.payload

    def _joined(self, user: FakeUser, chat_id: int) -> None:
        """A user who acts in a group (sends, taps, votes) is one of its members."""
        if self.chats[chat_id].type != "private":
            self._members.setdefault(chat_id, set()).add(user.id)

    def _callback_query(
        self, user: FakeUser, stored: _Stored, data: str, *, inaccessible: bool = False
    ) -> str:
        self._joined(user, stored.chat_id)
        query_id = str(next(self._query_ids))
        self._queries[query_id] = _Query(created=self.clock())
        chat_instance = str(abs(stored.chat_id) * 1_000_003 + 4242)
        message = dict(stored.payload)
        if inaccessible:
            message = {"chat": message["chat"], "message_id": message["message_id"], "date": 0}
        query = {"id": query_id, "from": user.user, "message": message}
        self.enqueue("callback_query", query | {"chat_instance": chat_instance, "data": data})
        return query_id

    def _vote(self, user: FakeUser, stored: _Stored, option_ids: list[int]) -> JSON:
        where = f"message {stored.payload['message_id']} in chat {stored.chat_id}"
        if "poll" not in stored.payload:
            raise AssertionError(f"{where} has no poll to vote in")
        self._expire_polls()
        poll = self._polls[stored.payload["poll"]["id"]]
        if poll.is_closed:
            raise AssertionError(f"the poll of {where} is closed: nobody can vote in it")
        if len(set(option_ids)) != len(option_ids) or not all(
            0 <= option_id < len(poll.options) for option_id in option_ids
        ):
            raise AssertionError(f"the poll of {where} has no options {option_ids}")
        if len(option_ids) > 1 and not poll.allows_multiple_answers:
            raise AssertionError(f"the poll of {where} takes one answer, not {option_ids}")
        previous = poll.votes.get(user.id, [])
        chosen = sorted(option_ids)
        if previous and chosen != previous and not poll.allows_revoting:
            raise AssertionError(f"the poll of {where} does not let voters change their vote")
        self._joined(user, stored.chat_id)
        if chosen == previous:
            return poll.to_api()  # nothing changed: Telegram tells the bot nothing
        if chosen:
            poll.votes[user.id] = chosen
        else:
            poll.votes.pop(user.id)
        stored.payload["poll"] = poll.to_api()
        if not poll.is_anonymous:
            persistent = [poll.options[option_id]["persistent_id"] for option_id in chosen]
            answer = {"poll_id": poll.id, "user": user.user, "option_ids": chosen}
            self.enqueue("poll_answer", answer | {"option_persistent_ids": persistent})
        self.enqueue("poll", poll.to_api())
        return poll.to_api()

    def _close_poll(self, poll: _Poll) -> JSON:
        """Close the poll; the bot gets a ``poll`` update with the final state."""
        poll.is_closed = True
        self._messages[poll.chat_id][poll.message_id].payload["poll"] = poll.to_api()
        self.enqueue("poll", poll.to_api())
        return poll.to_api()

    def _expire_polls(self) -> None:
        """Close the polls whose open period or close date has passed on the clock."""
        now = self.clock()
        for poll in self._polls.values():
            if not poll.is_closed and poll.deadline is not None and now >= poll.deadline:
                self._close_poll(poll)

    def _known_user(self, user_id: int) -> JSON | None:
        """The User object of the bot or of a simulated user, as getChatMember shows it."""
        if user_id == self.bot_user["id"]:
            return dict(self.bot_user)
        if user_id in self.users:
            return {k: v for k, v in self.users[user_id].user.items() if k != "language_code"}
        return None

    # ------------------------------------------------------------------ state helpers

    def _notify(self) -> None:
        self._changed.set()
        self._changed = asyncio.Event()

    async def _wait_change(self, timeout: float | None) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._changed.wait(), timeout)

    def _store(
        self, chat: FakeChat, sender: JSON | None, fields: JSON, *, from_bot: bool, text: str = ""
    ) -> _Stored:
        chat_messages = self._messages.setdefault(chat.id, {})
        message_id = max(chat_messages, default=0) + 1
        payload: JSON = {"message_id": message_id, "chat": chat.to_api()}
        if sender is not None:  # channel posts have no sender
            payload["from"] = sender
        payload |= {"date": int(time.time()), **fields}
        stored = _Stored(chat_id=chat.id, payload=payload, from_bot=from_bot, text=text)
        chat_messages[message_id] = stored
        return stored

    def _message(self, chat_id: int, message_id: int) -> _Stored:
        try:
            return self._messages[chat_id][message_id]
        except KeyError:
            raise AssertionError(f"no message {message_id} in chat {chat_id}") from None

    def _chat(self, params: JSON) -> FakeChat:
        chat_id = params.get("chat_id")
        if chat_id is None or chat_id == "":
            raise _ApiError("Bad Request: chat_id is empty")
        if isinstance(chat_id, int) and chat_id in self.chats:
            return self.chats[chat_id]
        for chat in self.chats.values():
            if chat.username and f"@{chat.username}" == chat_id:
                return chat
        raise _ApiError("Bad Request: chat not found")

    def _bot_stored(self, params: JSON) -> _Stored:
        chat = self._chat(params)
        if params.get("inline_message_id"):
            raise _ApiError("Bad Request: the fake does not support inline_message_id")
        stored = self._messages.get(chat.id, {}).get(params.get("message_id", 0))
        if stored is None:
            raise _ApiError("Bad Request: message to edit not found")
        if not stored.from_bot:
            raise _ApiError("Bad Request: message can't be edited")
        return stored

    def _emit(self, stored: _Stored, *, edited: bool) -> None:
        stored.edited = stored.edited or edited
        self.bot_events.append(stored.snapshot())

    # ------------------------------------------------------------------ HTTP

    async def _handle(self, request: web.Request) -> web.Response:
        path = request.match_info["tail"]
        if not path.startswith("bot") or "/" not in path:
            return self._reply({"ok": False, "error_code": 404, "description": "Not Found"}, 404)
        token, method = path[3:].split("/", 1)
        if self.latency or self.jitter:
            await asyncio.sleep(self.latency + random.uniform(0, self.jitter))
        if fault := self._take_fault(method):
            return await self._inject(fault, request)
        try:
            if token != self.token:
                raise _ApiError("Unauthorized", 401)
            params = await self._read_params(request)
            handler = self._methods.get(method.lower())
            if handler is None:
                self.unknown_calls.append(method)
                return self._reply({"ok": False, "error_code": 404, "description": "Not Found"})
            if "chat_id" in params:
                self.calls.append((method, params, self.clock()))
            result = await handler(params)
        except _ApiError as exc:
            (self.expected_errors if exc.expected else self.errors).append(
                f"{method}: {exc.description}"
            )
            body = {"ok": False, "error_code": exc.code, "description": exc.description}
            return self._reply(body, exc.code)
        except Exception as exc:  # a bug in the fake: fail the test, answer like a server error
            self.errors.append(f"{method}: fake Telegram crashed: {exc!r}")
            body = {
                "ok": False,
                "error_code": 500,
                "description": f"Internal Server Error: {exc!r}",
            }
            return self._reply(body, 500)
        finally:
            self._notify()
        return self._reply({"ok": True, "result": result})

    def fail(self, fault: Fault) -> None:
        """Answer the next ``fault.times`` calls of ``fault.method`` with this fault."""
        self.faults.append(fault)

    def _take_fault(self, method: str) -> Fault | None:
        for fault in self.faults:
            if fault.method.lower() == method.lower() and fault.times > 0:
                fault.times -= 1
                return fault
        return None

    async def _inject(self, fault: Fault, request: web.Request) -> web.Response:
        if fault.hang:
            await asyncio.sleep(fault.hang)
        if fault.drop and request.transport is not None:
            request.transport.abort()
        body: JSON = {"ok": False, "error_code": fault.code, "description": fault.description}
        if fault.retry_after is not None:
            body["parameters"] = {"retry_after": fault.retry_after}
        return self._reply(body, fault.code)

    @staticmethod
    def _reply(body: JSON, status: int | None = None) -> web.Response:
        code = status if status is not None else int(body.get("error_code", 200))
        return web.json_response(body, status=code)

    async def _read_params(self, request: web.Request) -> JSON:
        params: JSON = dict(request.query)
        if request.content_type == "application/json":
            body = await request.read()
            try:
                data = json.loads(body) if body else {}
            except ValueError:
                raise _ApiError("Bad Request: can't parse JSON object") from None
            if not isinstance(data, dict):
                raise _ApiError("Bad Request: can't parse JSON object")
            params.update(data)
        elif request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
            for key, value in (await request.post()).items():
                if isinstance(value, web.FileField):
                    data_bytes = value.file.read()
                    params[key] = UploadedFile(data_bytes, value.filename, value.content_type)
                elif isinstance(value, str):
                    params[key] = value
        return {key: self._coerce(key, value) for key, value in params.items()}

    @staticmethod
    def _coerce(key: str, value: Any) -> Any:
        if not isinstance(value, str):
            return value
        if key in _JSON_PARAMS:
            try:
                return json.loads(value)
            except ValueError:
                raise _ApiError(
                    f"Bad Request: can't parse {_JSON_PARAMS[key]} JSON object"
                ) from None
        if key == "chat_id":
            return int(value) if re.fullmatch(r"-?\d+", value) else value
        if key in _INT_PARAMS:
            try:
                return int(value)
            except ValueError:
                raise _ApiError(f"Bad Request: invalid {key} specified") from None
        if key in _BOOL_PARAMS:
            return value.lower() in ("true", "1")
        return value

    # ------------------------------------------------------------------ validation

    def _text(self, params: JSON, key: str, limit: int) -> tuple[str, str | None, list[JSON]]:
        raw = params.get(key)
        raw = "" if raw is None else str(raw)
        mode = str(params.get("parse_mode") or "")
        if mode.upper() == "HTML":
            try:
                visible, entities = parse_html(raw)
            except HtmlError as exc:
                raise _ApiError(f"Bad Request: can't parse entities: {exc}") from None
            html: str | None = raw
        elif mode:
            raise _ApiError(
                f"Bad Request: can't parse entities: the fake server checks only parse_mode HTML,"
                f" not {mode!r}"
            )
        else:
            visible, html = raw, None
            entities = list(params.get("entities" if key == "text" else "caption_entities") or [])
        if key == "text" and not visible.strip():
            raise _ApiError("Bad Request: message text is empty")
        if len(visible) > limit:
            what = "message is too long" if key == "text" else "message caption is too long"
            raise _ApiError(f"Bad Request: {what}")
        return visible, html, entities

    def _markup(self, markup: Any, *, inline_only: bool = False) -> JSON | None:
        if markup is None:
            return None
        if not isinstance(markup, dict):
            raise _ApiError("Bad Request: can't parse reply keyboard markup JSON object")
        if "inline_keyboard" in markup:
            rows = markup["inline_keyboard"]
            if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
                raise _ApiError('Bad Request: field "inline_keyboard" must be an Array of Array')
            for button in (button for row in rows for button in row):
                self._check_button(button)
            return markup
        if inline_only:
            raise _ApiError("Bad Request: inline keyboard expected")
        if "force_reply" in markup:
            if markup["force_reply"] is not True:
                raise _ApiError("Bad Request: force_reply must be True")
            placeholder = markup.get("input_field_placeholder")
            if placeholder is not None and not 1 <= len(str(placeholder)) <= 64:
                raise _ApiError("Bad Request: input field placeholder is too long")
        elif "remove_keyboard" in markup:
            if markup["remove_keyboard"] is not True:
                raise _ApiError("Bad Request: remove_keyboard must be True")
        elif "keyboard" in markup:
            for button in (button for row in markup["keyboard"] for button in row):
                if not (
                    isinstance(button, str) or (isinstance(button, dict) and button.get("text"))
                ):
                    raise _ApiError("Bad Request: keyboard button text is empty")
        else:
            raise _ApiError("Bad Request: can't parse reply keyboard markup JSON object")
        return markup

    @staticmethod
    def _check_button(button: Any) -> None:
        if not isinstance(button, dict) or not str(button.get("text") or "").strip():
            raise _ApiError("Bad Request: BUTTON_TEXT_INVALID")
        actions = _BUTTON_ACTIONS.intersection(button)
        if len(actions) != 1:
            raise _ApiError("Bad Request: text buttons are unallowed in the inline keyboard")
        if "callback_data" in button:
            data = button["callback_data"]
            if not isinstance(data, str) or not 1 <= len(data.encode()) <= 64:
                raise _ApiError("Bad Request: BUTTON_DATA_INVALID")
        if "url" in button and not valid_button_url(button["url"]):
            raise _ApiError("Bad Request: BUTTON_URL_INVALID")

    def _reply_fields(self, chat: FakeChat, params: JSON) -> JSON:
        reply = params.get("reply_parameters") or {}
        if params.get("reply_to_message_id"):
            reply = {"message_id": params["reply_to_message_id"]}
        if not reply:
            return {}
        target_chat = reply.get("chat_id", chat.id)
        target = self._messages.get(target_chat, {}).get(reply.get("message_id", 0))
        if target is not None:
            payload = target.payload
            return {
                "reply_to_message": {k: v for k, v in payload.items() if k != "reply_to_message"}
            }
        if reply.get("allow_sending_without_reply") or params.get("allow_sending_without_reply"):
            return {}
        raise _ApiError("Bad Request: message to be replied not found")

    def _send(
        self,
        chat: FakeChat,
        fields: JSON,
        markup: JSON | None,
        html: str | None,
        *,
        photo: bytes | None = None,
        document: UploadedFile | None = None,
    ) -> JSON:
        """Store a bot message; only inline keyboards show up in the returned Message."""
        if chat.type == "private" and chat.id in self.not_started:
            raise _ApiError(CANNOT_INITIATE, 403, expected=True)
        if markup and "inline_keyboard" in markup:
            fields["reply_markup"] = markup
        text = str(fields.get("text", fields.get("caption", "")))
        stored = self._store(chat, self.bot_user, fields, from_bot=True, text=text)
        stored.html, stored.markup, stored.photo, stored.document = html, markup, photo, document
        self._emit(stored, edited=False)
        return stored.payload

    def _media(self, params: JSON, key: str) -> UploadedFile:
        value = params.get(key)
        if isinstance(value, UploadedFile):
            return value
        if isinstance(value, str) and value in self.files:
            return self.files[value]
        raise _ApiError("Bad Request: wrong file identifier/HTTP URL specified")

    # ------------------------------------------------------------------ methods

    async def _get_me(self, params: JSON) -> JSON:
        flags = ("can_join_groups", "can_read_all_group_messages", "supports_inline_queries")
        extra = {flag: flag == "can_join_groups" for flag in flags}
        extra |= {"can_connect_to_business": False, "has_main_web_app": False}
        return self.bot_user | extra | {"has_topics_enabled": False}

    async def _get_updates(self, params: JSON) -> list[JSON]:
        if self.webhook is not None:
            raise _ApiError(WEBHOOK_CONFLICT, 409)
        if "allowed_updates" in params:
            self.allowed_updates = list(params["allowed_updates"] or [])
        offset = params.get("offset")
        if isinstance(offset, int) and offset < 0:
            del self._pending[: max(0, len(self._pending) + offset)]
        elif isinstance(offset, int):
            self._pending = [u for u in self._pending if u["update_id"] >= offset]
        limit = min(max(int(params.get("limit") or 100), 1), 100)
        timeout = min(max(float(params.get("timeout") or 0), 0.0), 60.0)
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            self._drop_unwanted()
            remaining = deadline - asyncio.get_running_loop().time()
            if self._pending or self._closing or self.webhook is not None or remaining <= 0:
                return self._pending[:limit]
            await self._wait_change(remaining)

    def _drop_unwanted(self) -> None:
        """Forget queued updates of kinds the bot did not ask for (allowed_updates)."""
        self._expire_polls()
        allowed = self.allowed_updates

        def wanted(update: JSON) -> bool:
            kind = next(key for key in update if key != "update_id")
            return kind in allowed if allowed else kind not in _NOT_DEFAULT_UPDATES

        self._pending = [update for update in self._pending if wanted(update)]

    async def _send_message(self, params: JSON) -> JSON:
        chat = self._chat(params)
        text, html, entities = self._text(params, "text", 4096)
        markup = self._markup(params.get("reply_markup"))
        fields: JSON = {"text": text} | ({"entities": entities} if entities else {})
        fields |= self._reply_fields(chat, params)
        return self._send(chat, fields, markup, html)

    async def _edit_message_text(self, params: JSON) -> JSON:
        stored = self._bot_stored(params)
        if "text" not in stored.payload:
            raise _ApiError("Bad Request: there is no text in the message to edit")
        text, html, entities = self._text(params, "text", 4096)
        markup = self._markup(params.get("reply_markup"), inline_only=True)
        old = stored.payload
        same_text = text == old["text"] and entities == old.get("entities", [])
        if same_text and markup == old.get("reply_markup"):
            raise _ApiError(NOT_MODIFIED, expected=True)
        old["text"] = text
        old.pop("entities", None)
        if entities:
            old["entities"] = entities
        stored.text, stored.html = text, html
        return self._edited(stored, markup)

    async def _edit_message_reply_markup(self, params: JSON) -> JSON:
        stored = self._bot_stored(params)
        markup = self._markup(params.get("reply_markup"), inline_only=True)
        if markup == stored.payload.get("reply_markup"):
            raise _ApiError(NOT_MODIFIED, expected=True)
        return self._edited(stored, markup)

    def _edited(self, stored: _Stored, markup: JSON | None) -> JSON:
        stored.payload.pop("reply_markup", None)
        if markup:
            stored.payload["reply_markup"] = markup
        stored.markup = markup
        stored.payload["edit_date"] = int(time.time())
        self._emit(stored, edited=True)
        return stored.payload

    async def _answer_callback_query(self, params: JSON) -> bool:
        query = self._queries.get(str(params.get("callback_query_id", "")))
        if query is None or query.answered:
            raise _ApiError(QUERY_TOO_OLD)
        if self.clock() - query.created >= self.callback_ttl:
            raise _ApiError(QUERY_TOO_OLD, expected=True)
        if len(str(params.get("text") or "")) > 200:
            raise _ApiError("Bad Request: MESSAGE_TOO_LONG")
        query.answered = True
        self.callback_answers.append(params)
        return True

    async def _send_chat_action(self, params: JSON) -> bool:
        self._chat(params)
        if params.get("action") not in CHAT_ACTIONS:
            raise _ApiError("Bad Request: wrong parameter action in request")
        return True

    async def _send_photo(self, params: JSON) -> JSON:
        chat = self._chat(params)
        upload = self._media(params, "photo")
        photo = self._photo_sizes(upload)
        caption, html, entities = self._text(params, "caption", 1024)
        fields = {"photo": photo} | self._caption_fields(caption, entities)
        fields |= self._reply_fields(chat, params)
        markup = self._markup(params.get("reply_markup"))
        return self._send(chat, fields, markup, html, photo=upload.data)

    def _photo_sizes(self, upload: UploadedFile) -> list[JSON]:
        """Validate an uploaded image; return its PhotoSize array (a thumbnail and the original)."""
        size = image_size(upload.data)
        if size is None:
            raise _ApiError("Bad Request: IMAGE_PROCESS_FAILED")
        width, height = size
        scale = min(1.0, 90 / max(width, height))
        sizes = [
            (round(width * scale), round(height * scale), max(1, int(len(upload.data) * scale)))
        ]
        sizes.append((width, height, len(upload.data)))
        photo = []
        for w, h, file_size in sizes:
            ids = self._file_ids("AgACAgIAAxk")
            self.files[ids["file_id"]] = upload
            photo.append(ids | {"width": max(w, 1), "height": max(h, 1), "file_size": file_size})
        return photo

    async def _send_media_group(self, params: JSON) -> list[JSON]:
        """Send an album: 2-10 photos, or 2-10 documents, each a message of one media group."""
        chat = self._chat(params)
        for key in ("caption", "parse_mode", "reply_markup"):
            if key in params:  # Telegram would ignore it silently: the caption would be lost
                raise _ApiError(
                    f"Bad Request: the fake refuses {key} on sendMediaGroup: Telegram ignores it"
                    " (captions go on the items, albums take no keyboard)"
                )
        items = params.get("media")
        if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
            raise _ApiError("Bad Request: expected an Array of InputMedia")
        if len(items) > MEDIA_GROUP_SIZE[1]:
            raise _ApiError("Bad Request: too much messages to send as an album")
        if len(items) < MEDIA_GROUP_SIZE[0]:
            raise _ApiError("Bad Request: media group must include 2-10 items")
        kinds = {item.get("type") for item in items}
        if not kinds <= MEDIA_GROUP_TYPES:
            raise _ApiError(
                f"Bad Request: can't parse InputMedia: the fake sends {kinds} as no album"
            )
        if len(kinds) > 1:
            raise _ApiError("Bad Request: documents can't be mixed with other media in an album")
        reply = self._reply_fields(chat, params)
        prepared = [self._album_item(item, params) for item in items]
        group = str(next(self._media_groups))
        return [
            self._send(chat, fields | {"media_group_id": group} | reply, None, html, **upload)
            for fields, html, upload in prepared
        ]

    def _album_item(self, item: JSON, params: JSON) -> tuple[JSON, str | None, dict[str, Any]]:
        """Validate one InputMedia of an album: its fields, caption HTML and stored file."""
        media = item.get("media")
        if isinstance(media, str) and media.startswith("attach://"):
            media = params.get(media.removeprefix("attach://"))
        if not isinstance(media, UploadedFile | str):
            raise _ApiError("Bad Request: can't parse InputMedia: media not found")
        upload = self._media({"media": media}, "media")
        caption, html, entities = self._text(item, "caption", 1024)
        fields = self._caption_fields(caption, entities)
        if item["type"] == "photo":
            return {"photo": self._photo_sizes(upload)} | fields, html, {"photo": upload.data}
        ids = self._file_ids("BQACAgIAAxk")
        self.files[ids["file_id"]] = upload
        document = ids | {"file_name": upload.filename, "mime_type": upload.content_type}
        fields["document"] = document | {"file_size": len(upload.data)}
        return fields, html, {"document": upload}

    async def _send_document(self, params: JSON) -> JSON:
        chat = self._chat(params)
        upload = self._media(params, "document")
        caption, html, entities = self._text(params, "caption", 1024)
        ids = self._file_ids("BQACAgIAAxk")
        self.files[ids["file_id"]] = upload
        document = ids | {"file_name": upload.filename, "mime_type": upload.content_type}
        fields = {"document": document | {"file_size": len(upload.data)}}
        fields |= self._caption_fields(caption, entities) | self._reply_fields(chat, params)
        markup = self._markup(params.get("reply_markup"))
        return self._send(chat, fields, markup, html, document=upload)

    async def _send_poll(self, params: JSON) -> JSON:
        chat = self._chat(params)
        question, question_entities = self._formatted(
            params.get("question"),
            params.get("question_parse_mode"),
            params.get("question_entities"),
        )
        if not question.strip():
            raise _ApiError("Bad Request: poll question must be non-empty")
        if len(question) > POLL_MAX_QUESTION:
            raise _ApiError(
                f"Bad Request: poll question length must not exceed {POLL_MAX_QUESTION}"
            )
        options = self._poll_options(params.get("options"))
        kind = params.get("type") or "regular"
        if kind == "quiz":
            raise _ApiError("Bad Request: the fake server supports only regular polls, not quizzes")
        if kind != "regular":
            raise _ApiError("Bad Request: wrong poll type specified")
        is_anonymous = params.get("is_anonymous") is not False
        if chat.type == "channel" and not is_anonymous:
            raise _ApiError("Bad Request: non-anonymous polls can't be sent to channel chats")
        open_period, close_date = params.get("open_period"), params.get("close_date")
        seconds: int | None = None  # open_period wins over close_date, as in Telegram
        if open_period is not None:
            seconds = int(open_period)
        elif close_date is not None:
            seconds = int(close_date) - int(time.time())
        if seconds is not None and not POLL_OPEN_PERIOD[0] <= seconds <= POLL_OPEN_PERIOD[1]:
            what = "open period" if open_period is not None else "close date"
            raise _ApiError(f"Bad Request: wrong poll {what} specified")
        markup = self._markup(params.get("reply_markup"))
        fields = self._reply_fields(chat, params)
        poll = _Poll(
            id=str(next(self._poll_ids)),
            question=question,
            question_entities=question_entities,
            options=options,
            is_anonymous=is_anonymous,
            allows_multiple_answers=bool(params.get("allows_multiple_answers")),
            allows_revoting=params.get("allows_revoting") is not False,
            is_closed=bool(params.get("is_closed")),
            open_period=None if open_period is None else seconds,
            close_date=None if seconds is None else int(time.time()) + seconds,
            deadline=None if seconds is None else self.clock() + seconds,
        )
        payload = self._send(chat, {"poll": poll.to_api()} | fields, markup, None)
        poll.chat_id, poll.message_id = chat.id, payload["message_id"]
        self._polls[poll.id] = poll
        return payload

    def _poll_options(self, options: Any) -> list[JSON]:
        """Validate sendPoll options: InputPollOption objects or plain strings."""
        if options is not None and not isinstance(options, list):
            raise _ApiError("Bad Request: can't parse poll options JSON object")
        options = options or []
        if len(options) < POLL_MIN_OPTIONS:
            raise _ApiError(f"Bad Request: poll must have at least {POLL_MIN_OPTIONS} option")
        if len(options) > POLL_MAX_OPTIONS:
            raise _ApiError(f"Bad Request: poll can't have more than {POLL_MAX_OPTIONS} options")
        checked = []
        for index, raw in enumerate(options):
            option = {"text": raw} if isinstance(raw, str) else raw
            if not isinstance(option, dict) or not isinstance(option.get("text"), str):
                raise _ApiError("Bad Request: can't parse InputPollOption JSON object")
            text, entities = self._formatted(
                option["text"], option.get("text_parse_mode"), option.get("text_entities")
            )
            if not text.strip():
                raise _ApiError("Bad Request: poll options must be non-empty")
            if len(text) > POLL_MAX_OPTION:
                raise _ApiError(
                    f"Bad Request: poll options length must not exceed {POLL_MAX_OPTION}"
                )
            entry: JSON = {"text": text, "persistent_id": f"opt{index + 1:02d}"}
            checked.append(entry | ({"text_entities": entities} if entities else {}))
        return checked

    @staticmethod
    def _formatted(raw: Any, mode: Any, entities: Any) -> tuple[str, list[JSON]]:
        """Visible text and entities of a text with an optional parse mode (only HTML)."""
        text = "" if raw is None else str(raw)
        parse_mode = str(mode or "")
        if parse_mode.upper() == "HTML":
            try:
                return parse_html(text)
            except HtmlError as exc:
                raise _ApiError(f"Bad Request: can't parse entities: {exc}") from None
        if parse_mode:
            raise _ApiError(
                f"Bad Request: can't parse entities: the fake server checks only parse_mode HTML,"
                f" not {parse_mode!r}"
            )
        return text, list(entities or [])

    async def _stop_poll(self, params: JSON) -> JSON:
        chat = self._chat(params)
        if params.get("inline_message_id"):
            raise _ApiError("Bad Request: the fake does not support inline_message_id")
        stored = self._messages.get(chat.id, {}).get(params.get("message_id", 0))
        if stored is None or "poll" not in stored.payload:
            raise _ApiError("Bad Request: message with poll to stop not found")
        if not stored.from_bot:
            raise _ApiError("Bad Request: message can't be edited")
        markup = self._markup(params.get("reply_markup"), inline_only=True)
        self._expire_polls()
        poll = self._polls[stored.payload["poll"]["id"]]
        if poll.is_closed:
            raise _ApiError(POLL_CLOSED)
        stored.payload.pop("reply_markup", None)  # like an edit: no reply_markup removes it
        if markup:
            stored.payload["reply_markup"] = markup
        stored.markup = markup
        result = self._close_poll(poll)
        self._emit(stored, edited=False)
        return result

    async def _get_chat_administrators(self, params: JSON) -> list[JSON]:
        chat = self._chat(params)
        if chat.type == "private":
            raise _ApiError("Bad Request: there are no administrators in the private chat")
        creator = self._creators.get(chat.id)
        ids = ([] if creator is None else [creator]) + self._admins.get(chat.id, [])
        return [self._chat_member(chat, user_id) for user_id in ids]

    async def _get_chat_member(self, params: JSON) -> JSON:
        chat = self._chat(params)
        user_id = params.get("user_id")
        if not isinstance(user_id, int):
            raise _ApiError("Bad Request: invalid user_id specified")
        return self._chat_member(chat, user_id)

    def _chat_member(self, chat: FakeChat, user_id: int) -> JSON:
        """The ChatMember object: creator, administrator, member or left."""
        user = self._known_user(user_id)
        if user is None:
            raise _ApiError("Bad Request: user not found")
        if self._creators.get(chat.id) == user_id:
            return {"status": "creator", "user": user, "is_anonymous": False}
        if user_id in self._admins.get(chat.id, []):
            member: JSON = {"status": "administrator", "user": user, "can_be_edited": False}
            return member | {"is_anonymous": False} | _ADMIN_RIGHTS
        in_chat = (
            user_id == self.bot_user["id"]
            or user_id == chat.id
            or user_id in self._members.get(chat.id, set())
        )
        return {"status": "member" if in_chat else "left", "user": user}

    @staticmethod
    def _caption_fields(caption: str, entities: list[JSON]) -> JSON:
        fields: JSON = {"caption": caption} if caption else {}
        return fields | ({"caption_entities": entities} if entities else {})

    def _command_key(self, params: JSON) -> tuple[str, str]:
        scope = params.get("scope") or {"type": "default"}
        if not isinstance(scope, dict) or scope.get("type") not in SCOPE_TYPES:
            raise _ApiError("Bad Request: wrong bot command scope specified")
        language = str(params.get("language_code") or "")
        if language and not re.fullmatch(r"[a-z]{2}", language):
            raise _ApiError("Bad Request: invalid language code specified")
        return scope["type"], language

    async def _set_my_commands(self, params: JSON) -> bool:
        key = self._command_key(params)
        commands = params.get("commands")
        if not isinstance(commands, list) or not 1 <= len(commands) <= 100:
            raise _ApiError(
                "Bad Request: BOT_COMMANDS_TOO_MUCH"
                if commands
                else "Bad Request: commands are empty"
            )
        for command in commands:
            if not isinstance(command, dict):
                raise _ApiError("Bad Request: can't parse bot commands JSON object")
            if not re.fullmatch(r"[a-z0-9_]{1,32}", str(command.get("command", ""))):
                raise _ApiError("Bad Request: BOT_COMMAND_INVALID")
            if not 1 <= len(str(command.get("description") or "")) <= 256:
                raise _ApiError("Bad Request: BOT_COMMAND_DESCRIPTION_INVALID")
        self.commands[key] = [
            {"command": c["command"], "description": c["description"]} for c in commands
        ]
        return True

    async def _get_my_commands(self, params: JSON) -> list[JSON]:
        return self.commands.get(self._command_key(params), [])

    async def _set_my_description(self, params: JSON) -> bool:
        return self._describe(params, "description", 512, self.descriptions)

    async def _set_my_short_description(self, params: JSON) -> bool:
        return self._describe(params, "short_description", 120, self.short_descriptions)

    def _describe(self, params: JSON, key: str, limit: int, store: dict[str, str]) -> bool:
        _, language = self._command_key({"language_code": params.get("language_code")})
        text = str(params.get(key) or "")
        if len(text) > limit:
            raise _ApiError(f"Bad Request: {key.replace('_', ' ')} is too long")
        if text:
            store[language] = text
        else:
            store.pop(language, None)
        return True

    async def _set_webhook(self, params: JSON) -> bool:
        url = str(params.get("url") or "")
        if not url:
            return await self._delete_webhook(params)
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise _ApiError("Bad Request: bad webhook: invalid webhook URL specified")
        secret = params.get("secret_token")
        if secret is not None and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", str(secret)):
            raise _ApiError("Bad Request: secret token contains unallowed characters")
        max_connections = int(params.get("max_connections") or 40)
        if not 1 <= max_connections <= 100:
            raise _ApiError("Bad Request: bad webhook: max_connections must be 1-100")
        if params.get("drop_pending_updates"):
            self._pending.clear()
        if "allowed_updates" in params:
            self.allowed_updates = list(params["allowed_updates"] or [])
        self.webhook = WebhookState(url, None if secret is None else str(secret), max_connections)
        return True

    async def _delete_webhook(self, params: JSON) -> bool:
        self.webhook = None
        if params.get("drop_pending_updates"):
            self._pending.clear()
        return True

    async def _get_webhook_info(self, params: JSON) -> JSON:
        info: JSON = {"url": "", "has_custom_certificate": False}
        info["pending_update_count"] = len(self._pending)
        hook = self.webhook
        if hook is not None:
            info |= {"url": hook.url, "max_connections": hook.max_connections}
            if self.allowed_updates:
                info["allowed_updates"] = self.allowed_updates
            if hook.last_error:
                info |= {
                    "last_error_date": hook.last_error_date,
                    "last_error_message": hook.last_error,
                }
        return info

    # ------------------------------------------------------------------ webhook delivery

    async def _webhook_worker(self) -> None:
        """Deliver queued updates as Telegram does: up to max_connections at once, but one
        chat's updates one at a time and in order, each after the previous one was answered."""
        in_flight: set[asyncio.Task[None]] = set()
        busy: set[object] = set()
        try:
            while not self._closing:
                self._drop_unwanted()
                hook = self.webhook
                for update in list(self._pending) if hook is not None else []:
                    assert hook is not None
                    key = _chat_of(update)
                    if len(in_flight) >= hook.max_connections:
                        break
                    if key in busy:
                        continue  # this chat's earlier update is still being delivered
                    busy.add(key)
                    task = asyncio.create_task(self._deliver_in_turn(hook, update, key, busy))
                    in_flight.add(task)
                    task.add_done_callback(in_flight.discard)
                await self._wait_change(None)
        finally:
            for task in in_flight:
                task.cancel()

    async def _deliver_in_turn(
        self, hook: WebhookState, update: JSON, key: object, busy: set[object]
    ) -> None:
        try:
            if await self._deliver(hook, update) is not None and update in self._pending:
                self._pending.remove(update)
        finally:
            busy.discard(key)
            self._notify()

    async def _deliver(self, hook: WebhookState, update: JSON) -> bool | None:
        """POST one update, retrying with back-off; None if the webhook changed meanwhile."""
        assert self._session is not None
        headers = (
            {"X-Telegram-Bot-Api-Secret-Token": hook.secret_token} if hook.secret_token else {}
        )
        statuses: list[int] = []
        for attempt in range(self.webhook_attempts):
            if self.webhook is not hook:
                return None
            try:
                async with self._session.post(hook.url, json=update, headers=headers) as response:
                    await response.read()
                    status = response.status
            except (aiohttp.ClientError, TimeoutError) as exc:
                status, hook.last_error = 0, f"Connection failed: {exc!r}"
            statuses.append(status)
            self.webhook_deliveries.append((update["update_id"], status))
            self._notify()
            if 200 <= status < 300:
                return True
            if status:
                hook.last_error = f"Wrong response from the webhook: {status}"
            hook.last_error_date = int(time.time())
            await asyncio.sleep(self.webhook_backoff * 2**attempt)
        self.errors.append(
            f"webhook: update {update['update_id']} not delivered to {hook.url}"
            f" (statuses {statuses})"
        )
        return False

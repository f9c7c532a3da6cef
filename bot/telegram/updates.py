"""Reading an update: who sent it, from where, in which language; the chat to answer in."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeVar

from telegram import CallbackQuery, Message, Update, User
from telegram.constants import ChatType
from telegram.ext import ContextTypes

from bot.coaching.interview import Sender
from bot.telegram.callbacks import CallbackData
from bot.telegram.chat import Chat
from flows.i18n import Lang, parse_lang

Context = ContextTypes.DEFAULT_TYPE
GROUPS = (ChatType.GROUP, ChatType.SUPERGROUP)


def language_of(user: User | None) -> Lang:
    """Italian when Telegram says the user speaks Italian, English otherwise."""
    return parse_lang(user.language_code if user else None) or "en"


@dataclass(frozen=True)
class Visitor:
    """A person's update, read once: who they are, where, and the chat to answer in."""

    sender: Sender
    chat: Chat
    first_name: str

    @property
    def name_in_group(self) -> str | None:
        """Return the first name to address in a group; None in a private chat."""
        return self.first_name if self.sender.in_group else None


def visitor(update: Update, context: Context) -> Visitor | None:
    """Return the update's visitor; None for updates no person sent (or a bot sent)."""
    chat, user = update.effective_chat, update.effective_user
    if chat is None or user is None or user.is_bot:
        return None
    in_group = chat.type in GROUPS
    message = update.effective_message
    quoted = message.message_id if in_group and message and not update.callback_query else None
    sender = Sender(chat.id, user.id, language_of(user), in_group, update.update_id)
    return Visitor(sender, Chat(context.bot, chat.id, quoted), user.first_name)


def carried_by_its_message(query: CallbackQuery) -> bool:
    """Return False if the tapped message has no button with this data: it was forged.

    A message older than 48 hours arrives without its buttons; its taps are checked by what
    they ask for instead.
    """
    message = query.message
    if not isinstance(message, Message):
        return True
    markup = message.reply_markup
    buttons = markup.inline_keyboard if markup else ()
    return any(button.callback_data == query.data for row in buttons for button in row)


def tapped_message_id(query: CallbackQuery) -> int | None:
    """Return the id of the message whose button was tapped, when Telegram says."""
    return query.message.message_id if query.message else None


Data = TypeVar("Data", bound=CallbackData)


def tapped(
    update: Update, context: Context, kind: type[Data]
) -> tuple[CallbackQuery, Visitor, Data] | None:
    """Return a tap's query, the person who tapped and its data read as `kind`; else None."""
    query, visit = update.callback_query, visitor(update, context)
    data = kind.unpack(query.data) if query else None
    if query is None or visit is None or data is None:
        return None
    return query, visit, data

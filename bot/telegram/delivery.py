"""The one way a card reaches a chat: its HTML text, then an .ics calendar and PNG pages."""

from __future__ import annotations

import itertools

from telegram import InputFile, InputMediaPhoto
from telegram.constants import ChatAction

from bot.background import Background
from bot.drawing import Drawing
from bot.telegram.card_tabs import CardTabs
from bot.telegram.chat import Chat
from bot.telegram.consent import consent_question, consent_rows
from bot.telegram.keyboards import reminder_keyboard
from bot.telegram.views import MAX_MESSAGE, Views, split_messages, visible_length
from flows.card import StrategyCard
from flows.i18n import Lang
from flows.render_calendar import render_calendar_ics
from flows.render_image import render_card_pngs

ALBUM_SIZE = 10
"""The most photos Telegram groups into one album."""


def albums(count: int) -> list[range]:
    """Split pages 0..count-1 into as few albums as fit, of even sizes, none of a single page."""
    groups = -(-count // ALBUM_SIZE)
    size, extra = divmod(count, groups) if groups else (0, 0)
    bounds = [0]
    for index in range(groups):
        bounds.append(bounds[-1] + size + (1 if index < extra else 0))
    return [range(start, end) for start, end in itertools.pairwise(bounds)]


class CardDelivery:
    """Sends cards; the files are drawn and sent in the background, after the text."""

    def __init__(self, views: Views, drawing: Drawing, background: Background) -> None:
        self.views, self.drawing, self.background = views, drawing, background
        self.tabs = CardTabs(views)

    async def send(
        self,
        chat: Chat,
        card: StrategyCard,
        lead: list[str] | None = None,
        edit_message_id: int | None = None,
        *,
        card_id: int | None = None,
        consent_for: int | None = None,
    ) -> None:
        """Post the card's text after the lead blocks, then its files.

        A stored card (`card_id`) is one message with tabs, sharing a message with the lead when
        they fit; any other goes whole, in as few messages as fit. With `edit_message_id`, the
        first message replaces that one. A class student's card (`consent_for` names the class)
        ends with the question of what the teacher may see of it, and its buttons.
        """
        if card_id is None:
            await chat.post([*(lead or []), *self.views.card(card)], edit_message_id)
        else:
            await self._send_tabbed(
                chat,
                card,
                card_id,
                lead or [],
                edit_message_id=edit_message_id,
                consent_for=consent_for,
            )
        self.background.start(self.send_files(chat, card))

    async def _send_tabbed(
        self,
        chat: Chat,
        card: StrategyCard,
        card_id: int,
        lead: list[str],
        *,
        edit_message_id: int | None,
        consent_for: int | None,
    ) -> None:
        lang = card.lang
        footer = consent_question(self.views, lang) if consent_for is not None else None
        below = consent_rows(self.views, consent_for, lang) if consent_for is not None else []
        tabs = self.tabs.tabs(card, footer)
        markup = self.tabs.keyboard(tabs, 0, card_id, card, below)
        messages = split_messages(lead) if lead else []
        first = tabs[0].html
        if messages and visible_length(f"{messages[-1]}\n\n{first}") <= MAX_MESSAGE:
            messages[-1] = f"{messages[-1]}\n\n{first}"
        else:
            messages.append(first)
        *before, last = messages
        for html in before:
            await chat.replace(edit_message_id, html)
            edit_message_id = None
        await chat.replace(edit_message_id, last, markup)

    async def send_files(self, chat: Chat, card: StrategyCard) -> None:
        """Send the card's .ics calendar, then its PNG pages (albums when there are several).

        The calendar comes first: it takes milliseconds to make, so when a class finishes
        together nobody's calendar waits behind the queue of images being drawn. Both are made
        in the drawing worker, whose CPU the conversations do not share.
        """
        bot, lang = chat.bot, card.lang
        ics = await self.drawing.run_first(render_calendar_ics, card)
        await bot.send_document(
            chat.chat_id,
            InputFile(ics, filename=self._calendar_name(lang)),
            caption=self.views.ui("tg_calendar_caption", lang),
            reply_markup=reminder_keyboard(self.views.ui("rem_button", lang)),
        )
        await bot.send_chat_action(chat.chat_id, ChatAction.UPLOAD_PHOTO)
        pages = await self.drawing.run(render_card_pngs, card)
        await self._send_pages(chat, pages, self.views.ui("tg_card_caption", lang))

    def _calendar_name(self, lang: Lang) -> str:
        return self.views.content.text("tg_calendar_filename")(lang)

    async def _send_pages(self, chat: Chat, pages: list[bytes], caption: str) -> None:
        """One page goes as a photo, more as albums; the caption sits on the first page."""
        if len(pages) == 1:
            await chat.bot.send_photo(
                chat.chat_id, InputFile(pages[0], filename="card.png"), caption=caption
            )
            return
        for group in albums(len(pages)):
            media = [
                InputMediaPhoto(
                    pages[index],
                    filename=f"card-{index + 1}.png",
                    caption=caption if index == 0 else None,
                )
                for index in group
            ]
            await chat.bot.send_media_group(chat.chat_id, media)

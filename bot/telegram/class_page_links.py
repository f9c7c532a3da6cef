"""The class page's link and export on Telegram: only ever in the teacher's private chat.

The group's announcement carries a button that opens the private chat with `page_<code>`:
the class code is public (students join with it), so the page's own secret is sent only to
someone who may manage the class, and only there.
"""

from __future__ import annotations

import logging

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, InputFile, LinkPreviewOptions
from telegram.error import BadRequest, Forbidden

from bot.storage.classes import ClassInfo, ClassStore
from bot.telegram.roles import may_manage
from bot.telegram.updates import Context, Visitor
from bot.telegram.views import Views
from bot.web.addresses import ClassAddresses, still_online
from bot.web.render import ClassPageRenderer
from bot.web.snapshot import ClassSnapshots
from flows.i18n import Lang

log = logging.getLogger(__name__)

PAGE_PAYLOAD_PREFIX = "page_"
RESULTS_FILE = {"it": "risultati-classe.csv", "en": "class-results.csv"}
NO_PREVIEW = LinkPreviewOptions(is_disabled=True)  # a preview would fetch the secret page


class ClassPageLinks:
    """Sends the class page's address and the CSV export to the teacher, privately."""

    def __init__(
        self,
        classes: ClassStore,
        views: Views,
        addresses: ClassAddresses,
        snapshots: ClassSnapshots | None = None,
    ) -> None:
        self.classes, self.views, self.addresses = classes, views, addresses
        self.snapshots = snapshots or ClassSnapshots(classes, views.content)
        self.renderer = ClassPageRenderer(views.content)

    def button(self, context: Context, info: ClassInfo) -> InlineKeyboardButton:
        """Return the announcement's button that opens the private chat asking for the page."""
        url = f"https://t.me/{context.bot.username}?start={PAGE_PAYLOAD_PREFIX}{info.code}"
        return InlineKeyboardButton(self.views.content.text("cls_page_button")(info.lang), url=url)

    async def open_from_link(self, visit: Visitor, payload: str, context: Context) -> bool:
        """Answer /start page_<code>: the link for who may manage the class; False if not ours."""
        if not payload.startswith(PAGE_PAYLOAD_PREFIX) or visit.sender.in_group:
            return False
        lang, user_id = visit.sender.lang, visit.sender.user_id
        info = await self.classes.by_code(payload.removeprefix(PAGE_PAYLOAD_PREFIX))
        if info is None:
            await visit.chat.send(self.views.ui("cls_not_found", lang))
        elif not await self._may_manage(context, info, user_id):
            log.info("class page link refused to user %s: not the class's teacher", user_id)
            await visit.chat.send(self.views.ui("cls_not_allowed", lang))
        else:
            await self.send_privately(context, info, user_id, lang)
        return True

    async def send_privately(
        self, context: Context, info: ClassInfo, user_id: int, lang: Lang
    ) -> bool:
        """Send the page's address and the CSV to the user's private chat; False if blocked."""
        try:
            if not still_online(info):
                await context.bot.send_message(
                    user_id, self.views.ui("cls_page_gone", lang, title=info.title)
                )
                return True
            link = self.views.ui(
                "cls_page_link",
                lang,
                title=info.title,
                url=self.addresses.page(info),
                csv_url=self.addresses.results(info),
            )
            await context.bot.send_message(user_id, link, link_preview_options=NO_PREVIEW)
            csv = self.renderer.results_csv(await self.snapshots.take(info))
            await context.bot.send_document(
                user_id,
                InputFile(csv, filename=RESULTS_FILE[lang]),
                caption=self.views.ui("cls_results_caption", lang, title=info.title),
            )
        except (Forbidden, BadRequest) as error:  # no private chat yet, blocked, or no such chat
            log.info("class page link not sent to user %s: %s", user_id, error.message)
            return False
        return True

    @staticmethod
    async def _may_manage(context: Context, info: ClassInfo, user_id: int) -> bool:
        """Return True for the class's teacher and the group's admins, False if unknown."""
        try:
            return await may_manage(context.bot, info.group_chat_id, user_id, [info.teacher_id])
        except BadRequest:  # the group is gone, or they are not in it
            return False

    def ask_privately(
        self, context: Context, info: ClassInfo, lang: Lang
    ) -> tuple[str, InlineKeyboardMarkup]:
        """Return the group's note (and its button) for a teacher the bot cannot write to yet."""
        markup = InlineKeyboardMarkup([[self.button(context, info)]])
        return self.views.ui("cls_page_private", lang), markup

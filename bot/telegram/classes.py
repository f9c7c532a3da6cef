"""Class sessions on Telegram: a teacher opens a class in a group, students join privately."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, InputFile, Message, Update
from telegram.error import BadRequest

from bot.coaching.interview import InterviewCases
from bot.coaching.replies import Lead, Quote, Reply, Say
from bot.sessions import Session
from bot.storage.classes import CLASS_PAYLOAD_PREFIX, ClassInfo, Share
from bot.telegram.callbacks import CaseTap, ShareTap, stored_id
from bot.telegram.chat import message_gone
from bot.telegram.class_page_links import ClassPageLinks
from bot.telegram.class_views import ClassViews
from bot.telegram.consent import consent_rows, is_consent_row
from bot.telegram.roles import may_manage
from bot.telegram.services import Services
from bot.telegram.updates import GROUPS, Context, Visitor, language_of, tapped
from bot.telegram.views import split_messages
from bot.web.addresses import still_online
from flows.content import Case
from flows.i18n import Lang
from flows.render_report import render_mistakes_chart
from flows.ui_keys import UiKey

log = logging.getLogger(__name__)

COUNTS_EVERY = dt.timedelta(seconds=20)
"""At most three count edits a minute: a group allows a bot about 20 messages a minute."""
OWN = "own"


class ClassSessions:
    """/class, joining by deep link, live counts, consent to share, /report and /endclass."""

    def __init__(self, services: Services, cases: InterviewCases) -> None:
        self.services, self.cases = services, cases
        self.classes = services.classes
        self.content = services.coach.content
        self.pages = ClassViews(services.views)
        self.links = ClassPageLinks(
            services.classes, services.views, services.addresses, services.snapshots
        )

    def text(self, key: UiKey, lang: Lang, **values: object) -> str:
        """Return an escaped UI string."""
        return self.services.views.ui(key, lang, **values)

    # In the group

    async def open_class(self, update: Update, context: Context) -> None:
        """Open a class: ask the teacher what the students will plan for."""
        chat, user, message = update.effective_chat, update.effective_user, update.effective_message
        if chat is None or user is None or message is None:
            return
        lang = language_of(user)
        if chat.type not in GROUPS:
            await message.reply_html(self.text("cls_group_only", lang))
            return
        lines = (message.text or "").split("\n")
        title = " ".join(lines[0].split()[1:]).strip()[:120] or (chat.title or "Class")[:120]
        brief = "\n".join(lines[1:]).strip()[:1000] or None
        info = await self.classes.create(
            group_chat_id=chat.id,
            teacher_id=user.id,
            teacher_lang=lang,
            title=title,
            case_id=None,
            brief=brief,
        )
        if brief is not None:  # the teacher wrote the case: no need to choose
            await self._announce(context, info)
            return
        rows = [
            [
                InlineKeyboardButton(
                    case.title(lang), callback_data=CaseTap(str(info.id), case.id).pack()
                )
            ]
            for case in self.content.cases
        ]
        own = CaseTap(str(info.id), OWN).pack()
        rows.append(
            [InlineKeyboardButton(self.content.text("cls_own_business")(lang), callback_data=own)]
        )
        await message.reply_html(
            self.text("cls_choose_case", lang, title=title), reply_markup=InlineKeyboardMarkup(rows)
        )

    async def choose_case(self, update: Update, context: Context) -> None:
        """Announce the class once the teacher has picked a case (or their own business)."""
        if (pressed := tapped(update, context, CaseTap)) is None:
            return
        query, visit, tap = pressed
        user_id, lang = visit.sender.user_id, visit.sender.lang
        class_id = stored_id(tap.class_id)
        info = await self.classes.get(class_id) if class_id is not None else None
        known_case = tap.case_id == OWN or self.content.case(tap.case_id) is not None
        if info is None or not known_case:
            log.info("refused a class button from user %s: no such class or case", user_id)
            await query.answer(self.content.text("tg_unknown_button")(lang))
            return
        if not await self.may_manage(context, info, user_id):
            await query.answer(self.content.text("cls_not_allowed")(lang))
            return
        await query.answer()
        if info.announcement_message_id is not None:
            return  # already announced: a second tap changes nothing
        case_id = None if tap.case_id == OWN else tap.case_id
        await self.classes.set_case(info.id, case_id)
        info = await self.classes.get(info.id)
        assert info is not None
        message = query.message
        await self._announce(context, info, message.message_id if message else None)

    async def report(self, update: Update, context: Context) -> None:
        """Send the class report (teacher or group admin), in the group or privately."""
        managed = await self._managed_class(update, context)
        if managed is None:
            return
        info, chat_id, _ = managed
        report = (await self.links.snapshots.take(info)).report
        for html in split_messages(self.pages.report(report, info)):
            await context.bot.send_message(chat_id, html)
        draw = self.services.drawing.run
        chart = await draw(render_mistakes_chart, report, self.content, info.lang)
        await context.bot.send_photo(chat_id, InputFile(chart, filename="report.png"))
        await self._page_link(update, context, info)

    async def _page_link(self, update: Update, context: Context, info: ClassInfo) -> None:
        """Send the class page and the export to whoever asked for the report, privately."""
        chat, user = update.effective_chat, update.effective_user
        if chat is None or user is None:
            return
        lang = language_of(user)
        if await self.links.send_privately(context, info, user.id, lang):
            return
        note, markup = self.links.ask_privately(context, info, lang)
        await context.bot.send_message(chat.id, note, reply_markup=markup)

    async def open_page_link(self, visit: Visitor, payload: str, context: Context) -> bool:
        """Answer the announcement's page button in private; False for other links."""
        return await self.links.open_from_link(visit, payload, context)

    async def end_class(self, update: Update, context: Context) -> None:
        """Close the class: late joiners get a notice; the report stays."""
        managed = await self._managed_class(update, context)
        if managed is None:
            return
        info, chat_id, lang = managed
        await self.classes.close(info.id)
        closed = await self.classes.get(info.id)
        assert closed is not None
        await self.refresh_counts(context, closed, force=True)
        await context.bot.send_message(chat_id, self.text("cls_closed_done", lang))

    # In private

    async def join(self, visit: Visitor, code: str, context: Context) -> Reply | None:
        """Join a class from its deep link and start the interview; None for other links.

        The group's counts are brought up to date before the student's first question shows.
        """
        if not code.startswith(CLASS_PAYLOAD_PREFIX):
            return None
        session = await self.cases.load(visit.sender)
        info = await self.classes.by_code(code.removeprefix(CLASS_PAYLOAD_PREFIX))
        if info is None:
            return Reply(session, lead=[Say("cls_not_found")])
        if not info.open:
            return Reply(session, lead=[Say("cls_closed_notice", {"title": info.title})])
        await self.classes.join(info.id, visit.sender.user_id, session.lang)
        lead: list[Lead] = [Say("cls_welcome", {"title": info.title})]
        brief = self._brief(info, session.lang)
        if brief:
            lead.append(Quote("cls_brief_intro", brief))
        reply = await self.cases.begin(visit.sender, session, lead, class_id=info.id)
        await self.refresh_counts(context, info)
        return reply

    async def card_finished(self, visit: Visitor, session: Session, context: Context) -> None:
        """Count a class student's finished card (its consent buttons are under the card)."""
        class_id = session.class_id
        if class_id is None:
            return
        await self.classes.finish(class_id, visit.sender.user_id)
        info = await self.classes.get(class_id)
        if info is not None:
            await self.refresh_counts(context, info)

    async def share(self, update: Update, context: Context) -> None:
        """Record the student's consent about their card in the report."""
        if (pressed := tapped(update, context, ShareTap)) is None:
            return
        query, visit, tap = pressed
        user_id, lang = visit.sender.user_id, visit.sender.lang
        class_id = stored_id(tap.class_id)
        choice: Share = (
            "named" if tap.choice == "named" else "anonymous" if tap.choice == "anonymous" else "no"
        )
        if class_id is None or not await self.classes.set_share(
            class_id, user_id, choice, visit.first_name
        ):
            log.info("refused a share button from user %s: not in that class", user_id)
            await query.answer(self.content.text("tg_unknown_button")(lang))
            return
        # The buttons stay, the choice ticked: consent can be changed or withdrawn. The card
        # above them stays as it is; the thanks is the tap's own short note.
        answered = asyncio.ensure_future(query.answer(self.content.text("cls_share_thanks")(lang)))
        try:
            message = query.message
            if isinstance(message, Message):
                await context.bot.edit_message_reply_markup(
                    message.chat.id,
                    message.message_id,
                    reply_markup=self._ticked(message, class_id, lang, choice),
                )
        finally:
            await answered

    def _ticked(
        self, message: Message, class_id: int, lang: Lang, chosen: Share
    ) -> InlineKeyboardMarkup:
        """Return the message's buttons with the consent rows showing the student's choice."""
        rows = message.reply_markup.inline_keyboard if message.reply_markup else ()
        kept = [list(row) for row in rows if not is_consent_row(row)]
        return InlineKeyboardMarkup(
            [*kept, *consent_rows(self.services.views, class_id, lang, chosen)]
        )

    # Shared

    async def may_manage(self, context: Context, info: ClassInfo, user_id: int) -> bool:
        """Return True for the class's teacher and the group's admins."""
        return await may_manage(context.bot, info.group_chat_id, user_id, [info.teacher_id])

    async def refresh_counts(self, context: Context, info: ClassInfo, force: bool = False) -> None:
        """Edit the group's class message with live counts, at most once every 20 seconds."""
        if info.announcement_message_id is None:
            return
        joined, finished = await self.classes.counts(info.id)
        shown = f"{joined}/{finished}/{'open' if info.open else 'closed'}"
        if shown == info.counts_shown and not force:
            return
        if not force and not await self.classes.claim_counts_edit(info.id, COUNTS_EVERY):
            edited = info.counts_edited_at or dt.datetime.now(dt.UTC)
            wait = max(edited + COUNTS_EVERY - dt.datetime.now(dt.UTC), dt.timedelta(seconds=1))
            self._refresh_later(context, info.id, wait)
            return
        await self.classes.counts_shown(info.id, shown)
        try:
            await context.bot.edit_message_text(
                self.pages.announcement(info, self._case(info), joined, finished),
                info.group_chat_id,
                info.announcement_message_id,
                reply_markup=self._join_markup(context, info),
            )
        except BadRequest as error:
            if not message_gone(error):
                raise
            log.info("class %s: its group message is gone; counts not shown", info.id)

    def _refresh_later(self, context: Context, class_id: int, wait: dt.timedelta) -> None:
        jobs = context.job_queue
        name = f"class-counts-{class_id}"
        if jobs is None or jobs.get_jobs_by_name(name):
            return

        async def refresh(job_context: Context) -> None:
            info = await self.classes.get(class_id)
            if info is not None:
                await self.refresh_counts(job_context, info)

        jobs.run_once(refresh, wait + dt.timedelta(milliseconds=50), name=name)

    async def _announce(
        self, context: Context, info: ClassInfo, edit_message_id: int | None = None
    ) -> None:
        html = self.pages.announcement(info, self._case(info), 0, 0)
        markup = self._join_markup(context, info)
        if edit_message_id is not None:
            await context.bot.edit_message_text(
                html,
                info.group_chat_id,
                edit_message_id,
                reply_markup=markup,
            )
            message_id = edit_message_id
        else:
            sent = await context.bot.send_message(info.group_chat_id, html, reply_markup=markup)
            message_id = sent.message_id
        await self.classes.set_announcement(info.id, message_id)
        await self.classes.counts_shown(info.id, "0/0/open")

    def _join_markup(self, context: Context, info: ClassInfo) -> InlineKeyboardMarkup | None:
        rows = []
        if info.open:
            url = f"https://t.me/{context.bot.username}?start={info.payload}"
            label = self.content.text("cls_join_button")(info.lang)
            rows.append([InlineKeyboardButton(label, url=url)])
        if still_online(info):
            rows.append([self.links.button(context, info)])
        return InlineKeyboardMarkup(rows) if rows else None

    def _case(self, info: ClassInfo) -> Case | None:
        return self.content.case(info.case_id) if info.case_id is not None else None

    def _brief(self, info: ClassInfo, lang: Lang) -> str | None:
        case = self._case(info)
        return case.brief(lang) if case is not None else info.brief

    async def _managed_class(
        self, update: Update, context: Context
    ) -> tuple[ClassInfo, int, Lang] | None:
        """Find the class this command is about, if the sender may manage it; else say why."""
        chat, user = update.effective_chat, update.effective_user
        if chat is None or user is None:
            return None
        lang = language_of(user)
        info = await self._class_here(chat.id, chat.type, user.id)
        refusal: UiKey | None = None
        if info is None:
            refusal = "cls_no_class"
        elif not await self.may_manage(context, info, user.id):
            refusal = "cls_not_allowed"
        if refusal is not None or info is None:
            await context.bot.send_message(chat.id, self.text(refusal or "cls_no_class", lang))
            return None
        return info, chat.id, lang

    async def _class_here(self, chat_id: int, chat_type: str, user_id: int) -> ClassInfo | None:
        if chat_type in GROUPS:
            return await self.classes.latest_in_group(chat_id)
        return await self.classes.latest_of_teacher(user_id)

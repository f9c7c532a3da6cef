"""Class sessions on Telegram: a teacher opens a class in a group, students join privately."""

from __future__ import annotations

import datetime as dt
import logging
from html import escape

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, InputFile, Update
from telegram.constants import ChatMemberStatus, ChatType, ParseMode
from telegram.error import BadRequest
from telegram.ext import ContextTypes

from bot.storage.classes import CLASS_PAYLOAD_PREFIX, ClassInfo, Share
from bot.telegram.keyboards import CASE, SHARE, Tap, row_id
from bot.telegram.services import Services
from bot.telegram.turn import Turn, language_of, message_gone
from bot.telegram.views import split_messages
from flows.content import Case
from flows.i18n import Lang
from flows.render_report import render_mistakes_chart
from flows.report import Submission, build_report, report_sections

log = logging.getLogger(__name__)

Context = ContextTypes.DEFAULT_TYPE
COUNTS_EVERY = dt.timedelta(seconds=20)
"""At most three count edits a minute: a group allows a bot about 20 messages a minute."""
OWN = "own"


class ClassSessions:
    """/class, joining by deep link, live counts, consent to share, /report and /endclass."""

    def __init__(self, services: Services) -> None:
        self.services = services
        self.classes = services.classes
        self.content = services.coach.content

    def text(self, key: str, lang: Lang, **values: object) -> str:
        """Return an escaped UI string."""
        return self.services.views.ui(key, lang, **values)

    # In the group

    async def open_class(self, update: Update, context: Context) -> None:
        """Open a class: ask the teacher what the students will plan for."""
        chat, user, message = update.effective_chat, update.effective_user, update.effective_message
        if chat is None or user is None or message is None:
            return
        lang = language_of(user)
        if chat.type not in (ChatType.GROUP, ChatType.SUPERGROUP):
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
                    case.title(lang), callback_data=Tap(CASE, str(info.id), "", case.id).pack()
                )
            ]
            for case in self.content.cases
        ]
        own = Tap(CASE, str(info.id), "", OWN).pack()
        rows.append(
            [InlineKeyboardButton(self.content.text("cls_own_business")(lang), callback_data=own)]
        )
        await message.reply_html(
            self.text("cls_choose_case", lang, title=title), reply_markup=InlineKeyboardMarkup(rows)
        )

    async def choose_case(self, update: Update, context: Context, tap: Tap) -> None:
        """Announce the class once the teacher has picked a case (or their own business)."""
        query, user = update.callback_query, update.effective_user
        if query is None or user is None:
            return
        class_id = row_id(tap.interview_id)
        info = await self.classes.get(class_id) if class_id is not None else None
        known_case = tap.option_id == OWN or self.content.case(tap.option_id) is not None
        if info is None or not known_case:
            log.info("refused a class button from user %s: no such class or case", user.id)
            await query.answer(self.content.text("tg_unknown_button")(language_of(user)))
            return
        if not await self.may_manage(context, info, user.id):
            await query.answer(self.content.text("cls_not_allowed")(language_of(user)))
            return
        await query.answer()
        if info.announcement_message_id is not None:
            return  # already announced: a second tap changes nothing
        case_id = None if tap.option_id == OWN else tap.option_id
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
        joined, _ = await self.classes.counts(info.id)
        finished = await self.classes.finished(info.id)
        submissions = [Submission(f.answers, f.share, f.name) for f in finished]
        report = build_report(
            self.content,
            title=info.title,
            case=self._case(info),
            joined=joined,
            submissions=submissions,
            lang=info.lang,
        )
        blocks = [
            "\n".join(
                ([f"<b>{escape(section.title)}</b>"] if section.title else [])
                + [escape(line) for line in section.lines]
            )
            for section in report_sections(report, self.content, info.lang)
        ]
        for html in split_messages(blocks):
            await context.bot.send_message(chat_id, html, parse_mode=ParseMode.HTML)
        draw = self.services.drawing.run
        chart = await draw(render_mistakes_chart, report, self.content, info.lang)
        await context.bot.send_photo(chat_id, InputFile(chart, filename="report.png"))

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
        await context.bot.send_message(
            chat_id, self.text("cls_closed_done", lang), parse_mode=ParseMode.HTML
        )

    # In private

    async def join(self, turn: Turn, code: str, context: Context) -> bool:
        """Join a class from its deep link and start the interview; False for other links."""
        if not code.startswith(CLASS_PAYLOAD_PREFIX):
            return False
        info = await self.classes.by_code(code.removeprefix(CLASS_PAYLOAD_PREFIX))
        if info is None:
            await turn.send(turn.ui("cls_not_found"))
            return True
        if not info.open:
            await turn.send(turn.ui("cls_closed_notice", title=info.title))
            return True
        await self.classes.join(info.id, turn.user.id, turn.lang)
        turn.begin_interview()
        turn.session.class_id = info.id
        greeting = [turn.ui("cls_welcome", title=info.title)]
        brief = self._brief(info, turn.lang)
        if brief:
            greeting.append(f"<b>{turn.ui('cls_brief_intro')}</b>\n{escape(brief)}")
        await turn.ask(greeting)
        await self.refresh_counts(context, info)
        return True

    async def card_finished(self, turn: Turn, context: Context) -> None:
        """Count a class student's finished card and ask what they agree to share."""
        class_id = turn.session.class_id
        if class_id is None:
            return
        await self.classes.finish(class_id, turn.user.id)
        lang = turn.lang
        rows = [
            [
                InlineKeyboardButton(
                    self.content.text(f"cls_share_{choice}")(lang),
                    callback_data=Tap(SHARE, str(class_id), "", choice).pack(),
                )
            ]
            for choice in ("anonymous", "named", "no")
        ]
        await turn.send(turn.ui("cls_share_question"), InlineKeyboardMarkup(rows))
        info = await self.classes.get(class_id)
        if info is not None:
            await self.refresh_counts(context, info)

    async def share(self, update: Update, context: Context, tap: Tap) -> None:
        """Record the student's consent about their card in the report."""
        query, user = update.callback_query, update.effective_user
        if query is None or user is None:
            return
        class_id = row_id(tap.interview_id)
        choice: Share = (
            "named"
            if tap.option_id == "named"
            else "anonymous"
            if tap.option_id == "anonymous"
            else "no"
        )
        if class_id is None or not await self.classes.set_share(
            class_id, user.id, choice, user.first_name
        ):
            log.info("refused a share button from user %s: not in that class", user.id)
            await query.answer(self.content.text("tg_unknown_button")(language_of(user)))
            return
        await query.answer()
        if query.message is not None:
            await context.bot.edit_message_text(
                self.text("cls_share_thanks", language_of(user)),
                query.message.chat.id,
                query.message.message_id,
                parse_mode=ParseMode.HTML,
            )

    # Shared

    async def may_manage(self, context: Context, info: ClassInfo, user_id: int) -> bool:
        """Return True for the class's teacher and the group's admins."""
        if info.teacher_id == user_id:
            return True
        member = await context.bot.get_chat_member(info.group_chat_id, user_id)
        return member.status in (ChatMemberStatus.OWNER, ChatMemberStatus.ADMINISTRATOR)

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
                self._announcement(info, joined, finished),
                info.group_chat_id,
                info.announcement_message_id,
                parse_mode=ParseMode.HTML,
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
        html = self._announcement(info, 0, 0)
        markup = self._join_markup(context, info)
        if edit_message_id is not None:
            await context.bot.edit_message_text(
                html,
                info.group_chat_id,
                edit_message_id,
                parse_mode=ParseMode.HTML,
                reply_markup=markup,
            )
            message_id = edit_message_id
        else:
            sent = await context.bot.send_message(
                info.group_chat_id, html, parse_mode=ParseMode.HTML, reply_markup=markup
            )
            message_id = sent.message_id
        await self.classes.set_announcement(info.id, message_id)
        await self.classes.counts_shown(info.id, "0/0/open")

    def _announcement(self, info: ClassInfo, joined: int, finished: int) -> str:
        lang = info.lang
        case = self._case(info)
        if case is not None:
            plan_for = self.text("cls_plan_for_case", lang, case=case.title(lang))
        elif info.brief:
            plan_for = self.text("cls_plan_for_brief", lang) + "\n" + escape(info.brief)
        else:
            plan_for = self.text("cls_plan_for_own", lang)
        body = self.services.coach.content.text("cls_announcement")(lang)
        title_html = f"<b>{escape(info.title)}</b>"
        html = escape(body).replace("{title}", title_html).replace("{plan_for}", plan_for)
        html += "\n\n" + self.text("cls_counts", lang, joined=joined, finished=finished)
        if not info.open:
            html += "\n" + self.text("cls_closed_tag", lang)
        return html

    def _join_markup(self, context: Context, info: ClassInfo) -> InlineKeyboardMarkup | None:
        if not info.open:
            return None
        url = f"https://t.me/{context.bot.username}?start={info.payload}"
        label = self.content.text("cls_join_button")(info.lang)
        return InlineKeyboardMarkup([[InlineKeyboardButton(label, url=url)]])

    def _case(self, info: ClassInfo) -> Case | None:
        return next((case for case in self.content.cases if case.id == info.case_id), None)

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
        refusal = None
        if info is None:
            refusal = "cls_no_class"
        elif not await self.may_manage(context, info, user.id):
            refusal = "cls_not_allowed"
        if refusal is not None or info is None:
            await context.bot.send_message(
                chat.id, self.text(refusal or "cls_no_class", lang), parse_mode=ParseMode.HTML
            )
            return None
        return info, chat.id, lang

    async def _class_here(self, chat_id: int, chat_type: str, user_id: int) -> ClassInfo | None:
        if chat_type in (ChatType.GROUP, ChatType.SUPERGROUP):
            return await self.classes.latest_in_group(chat_id)
        return await self.classes.latest_of_teacher(user_id)

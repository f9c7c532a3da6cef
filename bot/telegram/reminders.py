"""/reminders: pick a weekday and a time; a JobQueue sweep sends each due reminder once."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import Forbidden

from bot.coaching.interview import InterviewCases
from bot.storage.checkins import Reminder
from bot.telegram.callbacks import CheckinTap, ReminderTap
from bot.telegram.services import Services
from bot.telegram.updates import Context, Visitor, tapped, tapped_message_id, visitor
from flows.i18n import Lang, parse_lang
from flows.schedule import TIMES, ZONES, clock_label, is_zone, next_due

log = logging.getLogger(__name__)

Clock = Callable[[], dt.datetime]
LATE_LIMIT = dt.timedelta(hours=6)
"""A reminder missed by more than this (the bot was down) is skipped, not sent late."""


def utc_now() -> dt.datetime:
    """Return the current time in UTC."""
    return dt.datetime.now(dt.UTC)


class Reminders:
    """Choosing reminders in the chat, and sending the due ones."""

    def __init__(self, services: Services, cases: InterviewCases, clock: Clock = utc_now) -> None:
        self.services, self.cases, self.clock = services, cases, clock
        self.views = services.views

    # Choosing

    async def command(self, update: Update, context: Context) -> None:
        """Show the reminder setting and let the user change it."""
        if visit := visitor(update, context):
            await self.menu(visit, await self.cases.language(visit.sender))

    async def menu(self, visit: Visitor, lang: Lang) -> None:
        """Show the current setting and the weekdays to choose from."""
        ui = self.views.ui
        current = await self.services.checkins.reminder(visit.sender.user_id)
        days = self._day_names(lang)
        status = (
            ui(
                "rem_current",
                lang,
                day=days[current.weekday],
                time=clock_label(current.minute_of_day),
                zone=current.zone,
            )
            if current
            else ui("rem_none", lang)
        )
        rows = [
            [
                InlineKeyboardButton(days[d], callback_data=ReminderTap("day", str(d)).pack())
                for d in week
            ]
            for week in ((0, 1, 2, 3), (4, 5, 6))
        ]
        if current:
            off = ReminderTap("off").pack()
            rows.append([InlineKeyboardButton(ui("rem_off_button", lang), callback_data=off)])
        html = f"{status}\n\n{ui('rem_choose_day', lang)}"
        await visit.chat.send(html, InlineKeyboardMarkup(rows))

    async def tap(self, update: Update, context: Context) -> None:
        """Handle a reminder button: menu, day, zone, time or off."""
        if (pressed := tapped(update, context, ReminderTap)) is None:
            return
        query, visit, tap = pressed
        await query.answer()
        lang = await self.cases.language(visit.sender)
        message_id = tapped_message_id(query)
        if tap.step == "menu":
            await self.menu(visit, lang)
        elif tap.step == "off":
            await self.services.checkins.remove_reminder(visit.sender.user_id)
            await visit.chat.replace(message_id, self.views.ui("rem_turned_off", lang), None)
        elif tap.step == "day":
            zone = "Europe/Rome" if lang == "it" else "Europe/London"
            await self._times(visit, lang, tap.day, zone, message_id)
        elif tap.step == "zone":
            await self._times(visit, lang, tap.day, tap.zone, message_id)
        elif tap.step == "time":
            await self._save(visit, lang, tap, message_id)

    async def _times(
        self, visit: Visitor, lang: Lang, day: str, zone: str, message_id: int | None
    ) -> None:
        weekday = _weekday(day)
        if weekday is None or not is_zone(zone):
            return
        times = [
            InlineKeyboardButton(
                clock_label(m),
                callback_data=ReminderTap("time", str(weekday), zone, str(m)).pack(),
            )
            for m in TIMES
        ]
        zones = [
            InlineKeyboardButton(
                ("✓ " if z == zone else "") + z,
                callback_data=ReminderTap("zone", str(weekday), z).pack(),
            )
            for z in ZONES
        ]
        html = self.views.ui("rem_choose_time", lang, day=self._day_names(lang)[weekday], zone=zone)
        markup = InlineKeyboardMarkup([times[:3], times[3:], zones])
        await visit.chat.replace(message_id, html, markup)

    async def _save(
        self, visit: Visitor, lang: Lang, tap: ReminderTap, message_id: int | None
    ) -> None:
        weekday = _weekday(tap.day)
        minute = int(tap.minute) if tap.minute.isdigit() else -1
        if weekday is None or not is_zone(tap.zone) or minute not in TIMES:
            return
        due = next_due(weekday, minute, tap.zone, self.clock())
        sender = visit.sender
        reminder = Reminder(
            sender.user_id, sender.chat_id, weekday, minute, tap.zone, int(due.timestamp())
        )
        await self.services.checkins.set_reminder(reminder)
        html = self.views.ui(
            "rem_set",
            lang,
            day=self._day_names(lang)[weekday],
            time=clock_label(minute),
            zone=tap.zone,
        )
        await visit.chat.replace(message_id, html, None)

    def _day_names(self, lang: Lang) -> list[str]:
        return self.views.ui("rem_days", lang).split(",")

    # Sending

    async def send_due(self, bot: Bot) -> int:
        """Send every reminder due now that this process claims first; return how many."""
        now = self.clock()
        store = self.services.checkins
        sent = 0
        for reminder in await store.due(int(now.timestamp())):
            due = dt.datetime.fromtimestamp(reminder.next_due, dt.UTC)
            following = next_due(
                reminder.weekday, reminder.minute_of_day, reminder.zone, max(now, due)
            )
            if not await store.claim(reminder, int(following.timestamp())):
                continue  # another instance sends this one
            if now - due > LATE_LIMIT:
                log.info("reminder for user %s skipped: %s late", reminder.user_id, now - due)
                continue
            lang = parse_lang(reminder.lang) or "en"
            text = self.services.coach.content.text
            button = InlineKeyboardButton(
                text("rem_check_in_now")(lang), callback_data=CheckinTap("", "start").pack()
            )
            try:
                await bot.send_message(
                    reminder.chat_id,
                    text("rem_message")(lang),
                    parse_mode=None,
                    reply_markup=InlineKeyboardMarkup([[button]]),
                )
            except Forbidden:
                log.info("user %s blocked the bot: reminders switched off", reminder.user_id)
                await store.remove_reminder(reminder.user_id)
                continue
            sent += 1
        return sent


def _weekday(text: str) -> int | None:
    """Return the weekday a button carries (0 is Monday), or None if it is not one."""
    return int(text) if text.isdigit() and int(text) <= 6 else None

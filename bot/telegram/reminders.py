"""/reminders: pick a weekday and a time; a JobQueue sweep sends each due reminder once."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

from telegram import Bot, CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import Forbidden

from bot.storage.checkins import Reminder
from bot.telegram.keyboards import CHECKIN, REMIND, Tap
from bot.telegram.services import Services
from bot.telegram.turn import Turn
from flows.i18n import parse_lang
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

    def __init__(self, services: Services, clock: Clock = utc_now) -> None:
        self.services = services
        self.clock = clock

    # Choosing

    async def menu(self, turn: Turn) -> None:
        """Show the current setting and the weekdays to choose from."""
        current = await self.services.checkins.reminder(turn.user.id)
        days = _day_names(turn)
        status = (
            turn.ui(
                "rem_current",
                day=days[current.weekday],
                time=clock_label(current.minute_of_day),
                zone=current.zone,
            )
            if current
            else turn.ui("rem_none")
        )
        rows = [
            [
                InlineKeyboardButton(days[d], callback_data=Tap(REMIND, "", "day", str(d)).pack())
                for d in week
            ]
            for week in ((0, 1, 2, 3), (4, 5, 6))
        ]
        if current:
            off = Tap(REMIND, "", "off").pack()
            rows.append([InlineKeyboardButton(turn.ui("rem_off_button"), callback_data=off)])
        html = f"{status}\n\n{turn.ui('rem_choose_day')}"
        await turn.send(html, InlineKeyboardMarkup(rows))

    async def tap(self, turn: Turn, query: CallbackQuery, tap: Tap) -> None:
        """Handle a reminder button: menu, day, zone, time or off."""
        await query.answer()
        message_id = query.message.message_id if query.message else None
        if tap.question_id == "menu":
            await self.menu(turn)
        elif tap.question_id == "off":
            await self.services.checkins.remove_reminder(turn.user.id)
            await turn.replace(message_id, turn.ui("rem_turned_off"), None)
        elif tap.question_id == "day":
            await self._times(turn, tap.option_id, self._default_zone(turn), message_id)
        elif tap.question_id == "zone":
            await self._times(turn, tap.interview_id, tap.option_id, message_id)
        elif tap.question_id == "time":
            await self._save(turn, tap, message_id)

    async def _times(self, turn: Turn, day: str, zone: str, message_id: int | None) -> None:
        weekday = _weekday(day)
        if weekday is None or not is_zone(zone):
            return
        key = f"{weekday}.{zone}"
        times = [
            InlineKeyboardButton(
                clock_label(m), callback_data=Tap(REMIND, key, "time", str(m)).pack()
            )
            for m in TIMES
        ]
        zones = [
            InlineKeyboardButton(
                ("✓ " if z == zone else "") + z,
                callback_data=Tap(REMIND, str(weekday), "zone", z).pack(),
            )
            for z in ZONES
        ]
        html = turn.ui("rem_choose_time", day=_day_names(turn)[weekday], zone=zone)
        await turn.replace(message_id, html, InlineKeyboardMarkup([times[:3], times[3:], zones]))

    async def _save(self, turn: Turn, tap: Tap, message_id: int | None) -> None:
        day, _, zone = tap.interview_id.partition(".")
        weekday = _weekday(day)
        minute = int(tap.option_id) if tap.option_id.isdigit() else -1
        if weekday is None or not is_zone(zone) or minute not in TIMES:
            return
        due = next_due(weekday, minute, zone, self.clock())
        reminder = Reminder(turn.user.id, turn.chat_id, weekday, minute, zone, int(due.timestamp()))
        await self.services.checkins.set_reminder(reminder)
        html = turn.ui(
            "rem_set", day=_day_names(turn)[weekday], time=clock_label(minute), zone=zone
        )
        await turn.replace(message_id, html, None)

    def _default_zone(self, turn: Turn) -> str:
        return "Europe/Rome" if turn.lang == "it" else "Europe/London"

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
                text("rem_check_in_now")(lang), callback_data=Tap(CHECKIN, "", "start").pack()
            )
            try:
                await bot.send_message(
                    reminder.chat_id,
                    text("rem_message")(lang),
                    reply_markup=InlineKeyboardMarkup([[button]]),
                )
            except Forbidden:
                log.info("user %s blocked the bot: reminders switched off", reminder.user_id)
                await store.remove_reminder(reminder.user_id)
                continue
            sent += 1
        return sent


def _day_names(turn: Turn) -> list[str]:
    return turn.ui("rem_days").split(",")


def _weekday(text: str) -> int | None:
    """Return the weekday a button carries (0 is Monday), or None if it is not one."""
    return int(text) if text.isdigit() and int(text) <= 6 else None

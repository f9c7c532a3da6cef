"""Who may lead a group's class or workshop: its teacher, or the group's admins."""

from __future__ import annotations

from collections.abc import Iterable

from telegram import Bot
from telegram.constants import ChatMemberStatus

LEADERS = (ChatMemberStatus.OWNER, ChatMemberStatus.ADMINISTRATOR)


async def may_manage(
    bot: Bot, group_chat_id: int, user_id: int, teachers: Iterable[int | None] = ()
) -> bool:
    """Return True for one of the teachers, or an owner or admin of the group."""
    if user_id in set(teachers):
        return True
    member = await bot.get_chat_member(group_chat_id, user_id)
    return member.status in LEADERS

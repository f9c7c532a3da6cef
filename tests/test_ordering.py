"""Updates of one user keep their order; different users do not wait for each other."""

from __future__ import annotations

import asyncio

from telegram import Update

from bot.telegram.ordering import PerUserOrderedProcessor


def _update(update_id: int, user_id: int) -> Update:
    return Update.de_json(
        {
            "update_id": update_id,
            "message": {
                "message_id": update_id,
                "date": 0,
                "text": "x",
                "chat": {"id": user_id, "type": "private"},
                "from": {"id": user_id, "is_bot": False, "first_name": "U"},
            },
        },
        None,
    )


async def test_one_users_updates_in_order_others_concurrently() -> None:
    processor = PerUserOrderedProcessor(working=8)
    log: list[tuple[str, int, str]] = []

    async def work(user: int, number: int, seconds: float) -> None:
        log.append(("start", user, str(number)))
        await asyncio.sleep(seconds)
        log.append(("end", user, str(number)))

    async with processor:
        slow_then_fast = [
            processor.process_update(_update(1, 1), work(1, 1, 0.05)),
            processor.process_update(_update(2, 1), work(1, 2, 0.0)),
            processor.process_update(_update(3, 2), work(2, 1, 0.0)),
        ]
        await asyncio.gather(*slow_then_fast)
    user_one = [entry for entry in log if entry[1] == 1]
    assert user_one == [("start", 1, "1"), ("end", 1, "1"), ("start", 1, "2"), ("end", 1, "2")]
    # User 2 finished while user 1's slow update was still running.
    assert log.index(("end", 2, "1")) < log.index(("end", 1, "1"))
    assert processor._locks == {} and processor._holders == {}

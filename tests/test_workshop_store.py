"""The workshop store on SQLite (always) and PostgreSQL (when TEST_DATABASE_URL is set)."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
from collections.abc import AsyncIterator
from typing import Any

import pytest

from bot.sessions import StaleSessionError
from bot.storage.engine import create_engine
from bot.storage.models import utcnow
from bot.storage.workshops import CLAIM_LEASE, WorkshopRecord, WorkshopStore

GROUP = -100_123


@pytest.fixture
async def two_stores(database: str) -> AsyncIterator[tuple[WorkshopStore, WorkshopStore]]:
    """Two stores on one database, each with its own engine, as two bot processes have."""
    first, second = create_engine(database), create_engine(database)
    yield WorkshopStore(first), WorkshopStore(second)
    await first.dispose()
    await second.dispose()


@pytest.fixture
def workshops(two_stores: tuple[WorkshopStore, WorkshopStore]) -> WorkshopStore:
    return two_stores[0]


def _record(group: int = GROUP, **changes: Any) -> WorkshopRecord:
    record = WorkshopRecord(group_chat_id=group, teacher_id=7, lang="it", state="business_type")
    return dataclasses.replace(record, **changes)


async def test_a_second_workshop_in_a_group_is_refused(workshops: WorkshopStore) -> None:
    first, second = _record(), _record()
    assert await workshops.start(first) and first.version == 1
    assert not await workshops.start(second)
    assert second.version == 0, "the refused record was not stored"
    running = await workshops.running(GROUP)
    assert running is not None and running.public_id == first.public_id
    assert await workshops.start(_record(GROUP - 1)), "another group has its own"


async def test_two_processes_starting_at_once_start_one_workshop(
    two_stores: tuple[WorkshopStore, WorkshopStore],
) -> None:
    records = [_record(), _record()]
    started = await asyncio.gather(
        *(store.start(record) for store, record in zip(two_stores, records, strict=True))
    )
    assert sorted(started) == [False, True]
    winner = records[started.index(True)]
    for store in two_stores:
        running = await store.running(GROUP)
        assert running is not None and running.public_id == winner.public_id


async def test_every_field_comes_back_after_start_and_save(workshops: WorkshopStore) -> None:
    record = _record(teacher_id=42, lang="en")
    assert await workshops.start(record)
    loaded = await workshops.running(GROUP)
    assert loaded == record
    rome = dt.timezone(dt.timedelta(hours=1))
    changed = dataclasses.replace(
        record,
        state="channels",
        answers={"business_type": "food", "channels": ["instagram", "facebook"], "budget": None},
        mistakes_shown=["no_budget"],
        refusals=2,
        poll_message_id=9_000_000_001,
        poll_options=["instagram", "facebook", "tiktok"],
        prompt_message_id=9_000_000_002,
        poll_closes_at=dt.datetime(2026, 12, 9, 11, 30, 15, 123456, tzinfo=rome),
    )
    defaults = _record()
    unchanged = {
        f.name
        for f in dataclasses.fields(WorkshopRecord)
        if getattr(changed, f.name) == getattr(defaults, f.name)
    }
    assert unchanged == {"group_chat_id"}, "every other field is set, so every one is checked"
    await workshops.save(changed)
    assert changed.version == 2
    loaded = await workshops.running(GROUP)
    assert loaded == changed
    assert loaded.poll_closes_at is not None
    assert loaded.poll_closes_at.utcoffset() == dt.timedelta(0)
    assert loaded.poll_closes_at == dt.datetime(2026, 12, 9, 10, 30, 15, 123456, tzinfo=dt.UTC)


async def test_a_save_leaves_the_teacher_and_the_language_as_started(
    workshops: WorkshopStore,
) -> None:
    record = _record()
    assert await workshops.start(record)
    await workshops.save(dataclasses.replace(record, teacher_id=None, lang="en", refusals=1))
    stored = await workshops.running(GROUP)
    assert stored is not None and (stored.teacher_id, stored.lang, stored.refusals) == (7, "it", 1)


async def test_a_stale_save_raises_and_changes_nothing(
    two_stores: tuple[WorkshopStore, WorkshopStore],
) -> None:
    one, other = two_stores
    assert await one.start(_record())
    first, second = await one.running(GROUP), await other.running(GROUP)
    assert first is not None and second is not None
    first.answers["offer"], first.state = "Torte", "goal"
    second.answers["offer"], second.state = "Biscotti", "goal"
    await one.save(first)
    with pytest.raises(StaleSessionError):
        await other.save(second)
    assert second.version == 1, "a refused save leaves the record as it was"
    stored = await other.running(GROUP)
    assert stored is not None and stored.answers["offer"] == "Torte" and stored.version == 2
    # The loser re-reads and applies after the winner.
    stored.answers["offer"] = "Biscotti"
    await other.save(stored)
    assert stored.version == 3


async def test_an_old_workshop_cannot_overwrite_the_next_one_in_its_group(
    workshops: WorkshopStore,
) -> None:
    old = _record()
    assert await workshops.start(old)
    assert await workshops.finish(GROUP)
    new = _record()
    assert await workshops.start(new) and new.version == old.version == 1
    with pytest.raises(StaleSessionError):
        await workshops.save(old)
    assert not await workshops.finish(GROUP, old.public_id)
    running = await workshops.running(GROUP)
    assert running is not None and running.public_id == new.public_id


async def test_finish_frees_the_group(workshops: WorkshopStore) -> None:
    record = _record()
    assert await workshops.start(record)
    assert await workshops.finish(GROUP, record.public_id)
    assert await workshops.running(GROUP) is None
    assert not await workshops.finish(GROUP), "nothing is left to finish"
    with pytest.raises(StaleSessionError):
        await workshops.save(record)
    assert await workshops.start(_record())


async def test_a_due_poll_is_claimed_by_one_process_only(
    two_stores: tuple[WorkshopStore, WorkshopStore],
) -> None:
    one, other = two_stores
    closes = utcnow() - dt.timedelta(minutes=1)
    polling = _record(poll_message_id=55, poll_options=["a", "b"], poll_closes_at=closes)
    assert await one.start(polling)
    assert await one.start(_record(GROUP - 1, poll_message_id=56)), "a poll without a due time"
    assert await one.start(_record(GROUP - 2)), "no poll at all"
    later = _record(GROUP - 3, poll_message_id=57, poll_closes_at=utcnow() + dt.timedelta(hours=1))
    assert await one.start(later)
    assert await one.due_polls(closes - dt.timedelta(seconds=1)) == []
    assert [r.group_chat_id for r in await one.due_polls(closes)] == [GROUP]
    due = [await store.due_polls(closes) for store in two_stores]
    claims = await asyncio.gather(
        *(store.claim_poll(found[0]) for store, found in zip(two_stores, due, strict=True))
    )
    assert sorted(claims) == [False, True]
    winner = due[claims.index(True)][0]
    loser = due[claims.index(False)][0]
    assert winner.version == 2 and loser.version == 1
    assert await one.due_polls(utcnow()) == [], "a claimed poll is not offered again"
    with pytest.raises(StaleSessionError):
        await other.save(loser)
    winner.poll_message_id, winner.poll_closes_at, winner.state = None, None, "goal"
    await one.save(winner)
    assert not await one.claim_poll(winner), "its poll is closed"
    assert [r.group_chat_id for r in await other.due_polls(utcnow() + dt.timedelta(hours=2))] == [
        GROUP - 3
    ]


async def test_a_claim_whose_closer_vanished_falls_due_again(workshops: WorkshopStore) -> None:
    record = _record(poll_message_id=55, poll_closes_at=utcnow() - dt.timedelta(minutes=1))
    assert await workshops.start(record)
    assert await workshops.claim_poll(record)
    assert not await workshops.claim_poll(dataclasses.replace(record, version=1)), "stale"
    assert await workshops.due_polls(utcnow()) == []
    later = utcnow() + CLAIM_LEASE + dt.timedelta(seconds=1)
    (again,) = await workshops.due_polls(later)
    assert again == record
    assert await workshops.claim_poll(again)


async def test_a_time_without_a_zone_is_refused(workshops: WorkshopStore) -> None:
    with pytest.raises(ValueError, match="time zone"):
        await workshops.due_polls(dt.datetime(2026, 12, 9, 10, 0))

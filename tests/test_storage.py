"""The store on SQLite (always) and PostgreSQL (when TEST_DATABASE_URL is set)."""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection, func, insert, inspect, select

from bot.sessions import DuplicateUpdateError, Session, StaleSessionError
from bot.storage.checkins import CheckinStore, Reminder
from bot.storage.classes import ClassStore
from bot.storage.engine import create_engine
from bot.storage.migrate import downgrade, upgrade
from bot.storage.models import (
    Base,
    CardRow,
    CheckinRow,
    ClassRow,
    InterviewRow,
    MembershipRow,
    ProcessedUpdate,
    ReminderRow,
    UserRow,
    WorkshopRow,
    utcnow,
)
from bot.storage.repository import KEEP_PROCESSED_UPDATES, PRUNE_EVERY, SqlSessionStore
from bot.storage.workshops import WorkshopRecord, WorkshopStore


def _session(user_id: int = 7, chat_id: int = 70) -> Session:
    session = Session(chat_id, user_id, "it")
    session.state = "offer"
    session.answers = {"business_type": "food"}
    return session


async def test_migrations_build_the_schema_from_empty_and_match_the_models(
    empty_database: str,
) -> None:
    await asyncio.to_thread(upgrade, empty_database)
    engine = create_engine(empty_database)

    def differences(connection: Connection) -> list[Any]:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return list(compare_metadata(context, Base.metadata))

    def tables(connection: Connection) -> set[str]:
        return set(inspect(connection).get_table_names())

    try:
        async with engine.connect() as connection:
            assert await connection.run_sync(tables) >= {
                "users",
                "interviews",
                "cards",
                "processed_updates",
            }
            assert await connection.run_sync(differences) == []
    finally:
        await engine.dispose()
    # Down to nothing and up again: every migration can be undone.
    await asyncio.to_thread(downgrade, empty_database)
    engine = create_engine(empty_database)
    try:
        async with engine.connect() as connection:
            assert await connection.run_sync(tables) <= {"alembic_version"}
    finally:
        await engine.dispose()
    await asyncio.to_thread(upgrade, empty_database)


async def test_a_saved_session_comes_back_whole(any_store: SqlSessionStore) -> None:
    session = _session()
    session.mistakes_shown = ["no_budget"]
    session.pending, session.pending_for, session.question_message_id = (
        ["instagram"],
        "networks",
        12,
    )
    await any_store.save(session, update_id=1)
    loaded = await any_store.load(70, 7)
    assert loaded is not None
    assert (loaded.state, loaded.answers, loaded.mistakes_shown) == (
        "offer",
        {"business_type": "food"},
        ["no_budget"],
    )
    assert (loaded.pending, loaded.pending_for, loaded.question_message_id) == (
        ["instagram"],
        "networks",
        12,
    )
    assert loaded.interview_id == session.interview_id and loaded.version == 1
    assert await any_store.load(71, 7) is not None, "the user is known in another chat too"
    assert await any_store.load(70, 8) is None


async def test_two_racing_updates_leave_one_consistent_state(any_store: SqlSessionStore) -> None:
    await any_store.save(_session(), update_id=1)
    first, second = await any_store.load(70, 7), await any_store.load(70, 7)
    assert first is not None and second is not None
    first.answers["offer"], first.state = "Torte", "goal"
    second.answers["offer"], second.state = "Biscotti", "goal"
    await any_store.save(first, update_id=2)
    with pytest.raises(StaleSessionError):
        await any_store.save(second, update_id=3)
    stored = await any_store.load(70, 7)
    assert stored is not None and stored.answers["offer"] == "Torte"
    assert not await any_store.seen(3), "the refused update left nothing behind"
    # The loser can re-read and apply after the winner.
    stored.answers["offer"] = "Biscotti"
    await any_store.save(stored, update_id=3)


async def test_the_same_update_twice_has_one_effect(any_store: SqlSessionStore) -> None:
    session = _session()
    await any_store.save(session, update_id=41)
    again = await any_store.load(70, 7)
    assert again is not None
    again.answers["offer"] = "changed by a redelivery"
    with pytest.raises(DuplicateUpdateError):
        await any_store.save(again, update_id=41)
    stored = await any_store.load(70, 7)
    assert stored is not None and "offer" not in stored.answers and stored.version == 1


async def test_cards_are_kept_for_history_newest_first(any_store: SqlSessionStore) -> None:
    session = _session()
    for offer in ("Torte", "Biscotti"):
        session.state = "card"
        session.finish_card({**session.answers, "offer": offer}, "it")
        await any_store.save(session)
        session.start_over()
        session.state = "business_type"
    cards = await any_store.cards(7)
    assert [c.answers["offer"] for c in cards] == ["Biscotti", "Torte"]
    assert await any_store.card(7, cards[1].id) == cards[1]
    assert await any_store.card(8, cards[1].id) is None, "nobody opens someone else's card"


async def test_a_language_change_is_stored_and_an_unchanged_one_is_not_rewritten(
    any_store: SqlSessionStore,
) -> None:
    await any_store.save(_session(), update_id=1)
    loaded = await any_store.load(70, 7)
    assert loaded is not None and loaded.lang == "it"
    loaded.lang = "en"
    await any_store.save(loaded, update_id=2)
    again = await any_store.load(70, 7)
    assert again is not None and again.lang == "en"
    async with any_store.engine.connect() as connection:
        before = (await connection.execute(select(UserRow.updated_at))).scalar_one()
    again.answers["offer"] = "Torte"
    await any_store.save(again, update_id=3)
    async with any_store.engine.connect() as connection:
        after = (await connection.execute(select(UserRow.updated_at))).scalar_one()
    assert after == before, "the user row is left alone when the language did not change"
    newest = await any_store.load(70, 7)
    assert newest is not None and (newest.lang, newest.answers["offer"]) == ("en", "Torte")


async def _rows_about(store: SqlSessionStore, user_id: int) -> dict[str, int]:
    counts = {}
    async with store.engine.connect() as connection:
        for name, column in (
            ("users", UserRow.id),
            ("interviews", InterviewRow.user_id),
            ("cards", CardRow.user_id),
            ("memberships", MembershipRow.user_id),
            ("classes", ClassRow.teacher_id),
            ("workshops", WorkshopRow.teacher_id),
            ("checkins", CheckinRow.user_id),
            ("reminders", ReminderRow.user_id),
        ):
            result = await connection.execute(select(func.count()).where(column == user_id))
            counts[name] = int(result.scalar_one())
    return counts


async def test_erase_leaves_no_row_about_the_user(any_store: SqlSessionStore) -> None:
    for user_id in (7, 8):
        session = _session(user_id)
        session.state = "card"
        session.finish_card(session.answers, "it")
        await any_store.save(session, update_id=100 + user_id)
    classes = ClassStore(any_store.engine)
    taught = await classes.create(
        group_chat_id=-5, teacher_id=7, teacher_lang="it", title="2B", case_id=None, brief=None
    )
    other = await classes.create(
        group_chat_id=-6, teacher_id=8, teacher_lang="it", title="3C", case_id=None, brief=None
    )
    assert await classes.join(other.id, 7, "it") and not await classes.join(other.id, 7, "it")
    await classes.finish(other.id, 7)
    await classes.set_share(other.id, 7, "named", "Sette")
    assert (await classes.finished(other.id))[0].name == "Sette"
    checkins = CheckinStore(any_store.engine)
    for user_id in (7, 8):
        card_id = await checkins.latest_card_id(user_id)
        assert card_id is not None
        await checkins.start(user_id, card_id)
        await checkins.set_reminder(Reminder(user_id, 70, 0, 540, "Europe/Rome", 1_800_000_000))
        led = WorkshopRecord(group_chat_id=-10 * user_id, teacher_id=user_id, lang="it", state="x")
        assert await WorkshopStore(any_store.engine).start(led)
    erased = await any_store.erase(7)
    assert (erased.interviews, erased.cards, erased.profile) == (1, 1, True)
    none = {
        "users": 0,
        "interviews": 0,
        "cards": 0,
        "memberships": 0,
        "classes": 0,
        "checkins": 0,
        "reminders": 0,
        "workshops": 0,
    }
    assert await _rows_about(any_store, 7) == none
    assert await _rows_about(any_store, 8) == {
        **none,
        "users": 1,
        "interviews": 1,
        "cards": 1,
        "classes": 1,
        "checkins": 1,
        "reminders": 1,
        "workshops": 1,
    }
    assert (await classes.get(taught.id)) is not None, "the class stays, without its teacher"
    assert await classes.counts(other.id) == (0, 0)
    # Every table was looked at: the only other one holds update ids, nothing about people.
    assert set(Base.metadata.tables) == {*none, ProcessedUpdate.__tablename__}


async def test_old_processed_updates_are_pruned(any_store: SqlSessionStore) -> None:
    async with any_store.engine.begin() as connection:
        old = utcnow() - KEEP_PROCESSED_UPDATES - dt.timedelta(hours=1)
        await connection.execute(insert(ProcessedUpdate).values(update_id=5, processed_at=old))
        await connection.execute(insert(ProcessedUpdate).values(update_id=6, processed_at=utcnow()))
    await any_store.save(_session(), update_id=PRUNE_EVERY * 3)
    assert not await any_store.seen(5)
    assert await any_store.seen(6) and await any_store.seen(PRUNE_EVERY * 3)


async def test_only_one_of_many_concurrent_count_edits_is_allowed(
    any_store: SqlSessionStore,
) -> None:
    classes = ClassStore(any_store.engine)
    await any_store.save(_session(), update_id=1)
    info = await classes.create(
        group_chat_id=-9, teacher_id=7, teacher_lang="it", title="Rush", case_id=None, brief=None
    )
    every = dt.timedelta(seconds=20)
    claims = await asyncio.gather(*(classes.claim_counts_edit(info.id, every) for _ in range(10)))
    assert claims.count(True) == 1
    assert not await classes.claim_counts_edit(info.id, every)
    assert await classes.claim_counts_edit(info.id, dt.timedelta(0))

"""The session store against a plain in-memory model, through random saves, races and erasures.

A hypothesis state machine works on a real, migrated SQLite file: several users in several
chats answer, finish cards, start over, change language, save stale copies and replay
updates, and have their data erased. After every step each session the store loads, each
user's cards and the update ids it has seen are compared with the model.
"""

from __future__ import annotations

import asyncio
import copy
import shutil
import tempfile
from collections.abc import Coroutine
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from bot.sessions import DuplicateUpdateError, Session, StaleSessionError
from bot.storage.migrate import upgrade
from bot.storage.repository import PRUNE_EVERY, SqlSessionStore
from flows.conditions import AnswerValue
from flows.i18n import LANGS, Lang

USERS = (7, 8, 5_000_000_001)  # the last needs a 64-bit column
CHATS = (70, -1_001_234_567_890)  # a private chat and a supergroup
KEYS = [(chat, user) for chat in CHATS for user in USERS]
QUESTION_IDS = ("business_type", "offer", "goal", "networks", "preferred_network")

T = TypeVar("T")

keys = st.sampled_from(KEYS)
users = st.sampled_from(USERS)
answer_values: st.SearchStrategy[AnswerValue] = st.one_of(
    st.none(),
    st.text(max_size=40),  # emoji, right-to-left, NUL: JSON must bring back what it took
    st.lists(st.text(max_size=12), max_size=3),
)


@dataclass(frozen=True)
class Change:
    """What one update changes in an interview."""

    state: str
    question: str
    value: AnswerValue
    pending: list[str]
    mistake: str | None
    message_id: int | None

    def apply(self, session: Session) -> None:
        session.state = self.state
        session.answers[self.question] = self.value
        session.pending = list(self.pending)
        session.pending_for = self.state if self.pending else None
        session.question_message_id = self.message_id
        if self.mistake is not None and self.mistake not in session.mistakes_shown:
            session.mistakes_shown.append(self.mistake)


changes = st.builds(
    Change,
    state=st.sampled_from(QUESTION_IDS),
    question=st.sampled_from(QUESTION_IDS),
    value=answer_values,
    pending=st.lists(st.sampled_from(["instagram", "facebook", "tiktok"]), max_size=3),
    mistake=st.none() | st.sampled_from(["promo_only", "no_budget", "no_plan"]),
    message_id=st.none() | st.integers(1, 2**53),
)
# Usually a new update id, sometimes none (a save not caused by an update); gaps of up to
# PRUNE_EVERY reach the ids that also prune old ones.
update_steps = st.none() | st.integers(1, PRUNE_EVERY)


@dataclass
class Stored:
    """The model of one interview row: what load returns while it is the newest of its chat."""

    chat_id: int
    user_id: int
    record_id: int
    interview_id: str
    state: str | None
    answers: dict[str, AnswerValue]
    mistakes_shown: list[str]
    pending: list[str]
    pending_for: str | None
    question_message_id: int | None
    version: int

    @classmethod
    def of(cls, session: Session) -> Stored:
        assert session.record_id is not None
        return cls(
            session.chat_id,
            session.user_id,
            session.record_id,
            session.interview_id,
            session.state,
            copy.deepcopy(session.answers),
            list(session.mistakes_shown),
            list(session.pending),
            session.pending_for,
            session.question_message_id,
            session.version,
        )


@dataclass
class Model:
    """Everything the store should hold."""

    langs: dict[int, Lang] = field(default_factory=dict)
    # Every interview row, old ones too, by public id in the order they were made.
    interviews: dict[str, Stored] = field(default_factory=dict)
    cards: dict[int, list[tuple[Lang, dict[str, AnswerValue]]]] = field(default_factory=dict)
    seen: set[int] = field(default_factory=set)

    def latest(self, chat: int, user: int) -> Stored | None:
        """The interview a load finds: the newest of this user in this chat."""
        mine = [s for s in self.interviews.values() if (s.chat_id, s.user_id) == (chat, user)]
        return mine[-1] if mine else None

    def keys(self) -> list[tuple[int, int]]:
        """The chats and users with an interview."""
        return sorted({(s.chat_id, s.user_id) for s in self.interviews.values()})


class StoreProperties(RuleBasedStateMachine):
    """Drive one store on its own SQLite file and keep the model in step."""

    template: Path  # a migrated, empty database, copied for each run

    def __init__(self) -> None:
        super().__init__()
        self.folder = Path(tempfile.mkdtemp(dir=self.template.parent))
        database = self.folder / "coach.sqlite3"
        shutil.copy(self.template, database)
        self.loop = asyncio.new_event_loop()
        self.store = SqlSessionStore.from_url(f"sqlite+aiosqlite:///{database}")
        self.model = Model()
        self.last_update = 0
        self.refused: set[int] = set()  # update ids of refused saves: never marked seen
        self.copies: list[Session] = []  # sessions loaded earlier, still held by slow updates

    def teardown(self) -> None:
        try:
            self.run(self.store.close())
        finally:
            self.loop.close()
            shutil.rmtree(self.folder, ignore_errors=True)

    # helpers

    def run(self, call: Coroutine[Any, Any, T]) -> T:
        """Run one call of the store on this machine's event loop."""
        return self.loop.run_until_complete(call)

    def load(self, chat: int, user: int) -> Session | None:
        return self.run(self.store.load(chat, user))

    def session(self, chat: int, user: int) -> Session:
        """Load the session as a handler would, or meet the user for the first time."""
        return self.load(chat, user) or Session(chat, user, "it")

    def update_id(self, step: int | None) -> int | None:
        if step is None:
            return None
        self.last_update += step
        return self.last_update

    def save(self, session: Session, update_id: int | None) -> None:
        """Save successfully and record the outcome in the model."""
        # The language is written only when this update changed it (or meets the user).
        new_language = session.lang != session.stored_lang
        self.run(self.store.save(session, update_id))
        if update_id is not None:
            self.model.seen.add(update_id)
        if new_language or session.user_id not in self.model.langs:
            self.model.langs[session.user_id] = session.lang
        if session.record_id is not None:
            self.model.interviews[session.interview_id] = Stored.of(session)

    def refuse(self, session: Session, update_id: int | None, error: type[Exception]) -> None:
        """The save must fail with `error` and leave nothing behind."""
        with pytest.raises(error):
            self.run(self.store.save(session, update_id))
        if update_id is not None and update_id not in self.model.seen:
            self.refused.add(update_id)

    # rules

    @rule(key=keys, change=changes, step=update_steps)
    def answer(self, key: tuple[int, int], change: Change, step: int | None) -> None:
        session = self.session(*key)
        change.apply(session)
        self.save(session, self.update_id(step))

    @precondition(lambda self: bool(self.model.interviews))
    @rule(data=st.data(), step=update_steps)
    def finish_card(self, data: st.DataObject, step: int | None) -> None:
        key = data.draw(st.sampled_from(self.model.keys()), label="key")
        session = self.session(*key)
        session.state = "card"
        session.finish_card(session.answers, session.lang)
        self.save(session, self.update_id(step))
        self.model.cards.setdefault(key[1], []).insert(
            0, (session.lang, copy.deepcopy(session.answers))
        )

    @precondition(lambda self: bool(self.model.interviews))
    @rule(data=st.data(), step=update_steps)
    def start_over(self, data: st.DataObject, step: int | None) -> None:
        key = data.draw(st.sampled_from(self.model.keys()), label="key")
        session = self.session(*key)
        session.start_over()
        session.state = QUESTION_IDS[0]
        self.save(session, self.update_id(step))

    @precondition(lambda self: bool(self.model.langs))
    @rule(data=st.data(), lang=st.sampled_from(LANGS), step=update_steps)
    def change_language(self, data: st.DataObject, lang: Lang, step: int | None) -> None:
        user = data.draw(st.sampled_from(sorted(self.model.langs)), label="user")
        session = self.session(data.draw(st.sampled_from(CHATS), label="chat"), user)
        session.lang = lang
        self.save(session, self.update_id(step))

    @precondition(lambda self: bool(self.model.interviews))
    @rule(data=st.data())
    def hold_a_copy(self, data: st.DataObject) -> None:
        """A slow update loads the session now and saves it later."""
        newest = list(self.model.interviews.values())[-1]
        key = data.draw(
            st.one_of(
                st.just((newest.chat_id, newest.user_id)), st.sampled_from(self.model.keys())
            ),
            label="key",
        )
        loaded = self.load(*key)
        assert loaded is not None
        self.copies.append(loaded)

    @precondition(lambda self: bool(self.copies))
    @rule(data=st.data(), change=changes, step=update_steps)
    def save_a_held_copy(self, data: st.DataObject, change: Change, step: int | None) -> None:
        """Saved late: taken if nothing changed meanwhile, else refused as stale."""
        held = self.copies.pop(data.draw(st.integers(0, len(self.copies) - 1), label="copy"))
        # Its interview is still there (even if no longer the newest) and nobody changed it.
        stored = self.model.interviews.get(held.interview_id)
        fresh = stored is not None and stored.version == held.version
        change.apply(held)
        if data.draw(st.booleans(), label="new language"):
            held.lang = "en" if held.lang == "it" else "it"
        update_id = self.update_id(step)
        if fresh:
            self.save(held, update_id)
        else:
            self.refuse(held, update_id, StaleSessionError)

    @precondition(lambda self: bool(self.model.seen))
    @rule(data=st.data(), key=keys, change=changes)
    def replay_an_update(self, data: st.DataObject, key: tuple[int, int], change: Change) -> None:
        """Telegram delivers an update again: it must have no second effect."""
        update_id = data.draw(st.sampled_from(sorted(self.model.seen)), label="update id")
        session = self.session(*key)
        change.apply(session)
        session.lang = "en" if session.lang == "it" else "it"
        if session.state is not None and session.record_id is not None:
            session.finish_card(session.answers, session.lang)
        self.refuse(session, update_id, DuplicateUpdateError)

    @rule(user=users)
    def erase(self, user: int) -> None:
        erased = self.run(self.store.erase(user))
        model = self.model
        gone = [i for i, stored in model.interviews.items() if stored.user_id == user]
        assert (erased.interviews, erased.cards, erased.profile) == (
            len(gone),
            len(model.cards.pop(user, [])),
            model.langs.pop(user, None) is not None,
        )
        for interview_id in gone:
            del model.interviews[interview_id]

    @precondition(lambda self: bool(self.copies))
    @rule(data=st.data(), change=changes, step=update_steps)
    def erase_and_start_again(self, data: st.DataObject, change: Change, step: int | None) -> None:
        """Someone deletes their data and starts again; then an old update of theirs ends."""
        held = self.copies.pop(data.draw(st.integers(0, len(self.copies) - 1), label="copy"))
        self.erase(held.user_id)
        self.answer((held.chat_id, held.user_id), change, step)
        change.apply(held)
        # Its interview is gone, whatever row id the new one was given.
        self.refuse(held, self.update_id(step), StaleSessionError)

    # invariants

    @invariant()
    def every_session_loads_as_saved(self) -> None:
        for chat, user in KEYS:
            loaded = self.load(chat, user)
            if user not in self.model.langs:
                assert loaded is None, (chat, user)
                continue
            assert loaded is not None, (chat, user)
            lang = self.model.langs[user]
            assert (loaded.lang, loaded.stored_lang) == (lang, lang)
            stored = self.model.latest(chat, user)
            if stored is None:
                assert (loaded.record_id, loaded.state, loaded.answers, loaded.version) == (
                    None,
                    None,
                    {},
                    0,
                )
            else:
                assert loaded.record_id is not None and Stored.of(loaded) == stored
            assert not loaded.unsaved_card and loaded.class_id is None

    @invariant()
    def cards_are_kept_newest_first_for_their_owner_only(self) -> None:
        for index, user in enumerate(USERS):
            cards = self.run(self.store.cards(user))
            assert [(card.lang, card.answers) for card in cards] == self.model.cards.get(user, [])
            assert [card.id for card in cards] == sorted((card.id for card in cards), reverse=True)
            other = USERS[index - 1]
            for card in cards:
                assert self.run(self.store.card(user, card.id)) == card
                assert self.run(self.store.card(other, card.id)) is None, "someone else's card"

    @invariant()
    def update_ids_are_seen_once_applied_only(self) -> None:
        for update_id in sorted(self.model.seen | self.refused | {self.last_update + 1}):
            assert self.run(self.store.seen(update_id)) == (update_id in self.model.seen), update_id


def test_the_store_keeps_what_a_simple_model_keeps(tmp_path: Path) -> None:
    template = tmp_path / "template.sqlite3"
    upgrade(f"sqlite+aiosqlite:///{template}")
    StoreProperties.template = template
    run_state_machine_as_test(
        StoreProperties,
        settings=settings(max_examples=30, stateful_step_count=25, deadline=None, database=None),
    )


async def test_an_update_from_before_an_erasure_cannot_touch_the_new_interview(
    any_store: SqlSessionStore,
) -> None:
    first = Session(70, 7, "it")
    first.state, first.answers = "offer", {"business_type": "food"}
    await any_store.save(first, update_id=1)
    held = await any_store.load(70, 7)  # a slow update of the old interview
    assert held is not None
    await any_store.erase(7)
    again = Session(70, 7, "en")
    again.state, again.answers = "goal", {"business_type": "shop"}
    await any_store.save(again, update_id=2)  # on SQLite, under the erased row's id
    held.answers["offer"] = "from before the erasure"
    with pytest.raises(StaleSessionError):
        await any_store.save(held, update_id=3)
    stored = await any_store.load(70, 7)
    assert stored is not None
    assert (stored.interview_id, stored.answers) == (again.interview_id, {"business_type": "shop"})
    assert not await any_store.seen(3)

"""Odd, hostile and out-of-place input over Telegram: a clear answer or silence, never harm."""

from __future__ import annotations

import asyncio
import logging
import random

import pytest

from bot.sessions import Session
from bot.storage.repository import SqlSessionStore
from bot.telegram.callbacks import (
    FEATURES,
    AnswerTap,
    CardTap,
    CaseTap,
    CheckinTap,
    EraseTap,
    LanguageTap,
    ReminderTap,
    ShareTap,
    WorkshopTap,
)
from flows.coach import Coach
from flows.content import Content
from flows.ui_keys import UiKey
from tests.fake_telegram import BotMessage, FakeTelegram, FakeUser
from tests.personas import CAREFUL_BAKERY
from tests.telegram_support import (
    button,
    class_announcement,
    consent_given,
    current_question,
    option_label,
    play_in_telegram,
    running_bot,
)

# Markup of both kinds, emoji, right-to-left script and invisible characters, in one answer.
TRICKY_OFFER = (
    '</b><a href="tg://user?id=1">click</a> *bold* _it_ [link](http://e.vil) '
    "&amp; <script>x</script> مرحبا ☕️🥐 a\u200bb\u202eevil"
)
# Invisible format characters are dropped (a right-to-left override could disguise the card).
SHOWN_OFFER = TRICKY_OFFER.replace("\u200b", "").replace("\u202e", "")


async def _question(tg: FakeTelegram, chat_id: int, words: str) -> BotMessage:
    def shown() -> BotMessage | None:
        question = current_question(tg, chat_id, None)
        return question if question is not None and words in question.text else None

    return await tg.wait_for(shown, 20)


async def _bot_says(tg: FakeTelegram, chat_id: int, words: str, after: int = 0) -> BotMessage:
    return await tg.wait_for(
        lambda: next(
            (m for m in tg.messages(chat_id)[after:] if m.from_bot and words in m.text), None
        ),
        20,
    )


async def _quiet(tg: FakeTelegram) -> None:
    """Let the bot take every queued update and finish what it does with them."""
    await tg.wait_for(lambda: not tg.pending_updates, 20)
    await asyncio.sleep(0.5)


def _errors(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]


async def _session(store: SqlSessionStore, user: FakeUser) -> Session:
    session = await store.load(user.chat.id, user.id)
    assert session is not None
    return session


async def test_markup_emoji_and_right_to_left_answers_reach_the_card_as_typed(
    tg: FakeTelegram, coach: Coach, store: SqlSessionStore
) -> None:
    user = tg.user(801, "Mia")
    async with running_bot(tg, coach, store):
        await user.send("/start")
        await play_in_telegram(
            tg, coach, user, {**CAREFUL_BAKERY, "offer": TRICKY_OFFER}, lang="en"
        )
        await tg.wait_for(lambda: [m for m in tg.messages(user.chat.id) if m.photo], 30)
    # Shown as typed, as text: the fake refuses HTML Telegram would refuse (checked on exit),
    # and no link or bold was made out of the user's words.
    card = next(m for m in tg.messages(user.chat.id) if m.from_bot and SHOWN_OFFER in m.text)
    assert card.html is not None and "<script>" not in card.html and "<a " not in card.html
    cards = await store.cards(user.id)
    assert len(cards) == 1 and cards[0].answers["offer"] == SHOWN_OFFER


async def test_a_10000_character_answer_and_an_invisible_one(
    tg: FakeTelegram, coach: Coach, content: Content, store: SqlSessionStore
) -> None:
    user = tg.user(802, "Nino", "it")
    async with running_bot(tg, coach, store):
        await user.send("/start")
        first = await _question(tg, user.chat.id, "Domanda 1 di")
        await user.tap(
            first,
            callback_data=button(first, option_label(coach.content, "business_type", "food", "it")),
        )
        await _question(tg, user.chat.id, "Domanda 2 di")
        before = len(tg.messages(user.chat.id))
        await user.send("\u200b\u2060\ufeff \u200b")  # looks empty, and is
        await _bot_says(tg, user.chat.id, content.text("error_empty").it[:25], before)
        assert (await _session(store, user)).answers == {"business_type": "food"}
        await user.send("torta " * 1667)  # 10,002 characters
        third = await _question(tg, user.chat.id, "Domanda 3 di")
        assert content.text("notice_trimmed").it[:20] in third.text
        offer = (await _session(store, user)).answers["offer"]
        assert isinstance(offer, str) and 0 < len(offer) <= 120 and offer.startswith("torta")
        before = len(tg.messages(user.chat.id))
        await user.send("9" * 10_000)  # at a choice: not an option number
        await _bot_says(tg, user.chat.id, "Domanda 3 di", before)
        assert (await _session(store, user)).state == "stage"


async def test_class_title_and_student_names_with_markup_are_shown_as_typed(
    tg: FakeTelegram, coach: Coach, content: Content, store: SqlSessionStore
) -> None:
    group = tg.group_chat(8001, "Classe")
    teacher = tg.user(8100, "Prof", "en")
    named = tg.user(8200, "<i>Eve</i> & *Bo*", "en")
    private = tg.user(8201, "Zed<b>", "en")
    title = "<b>2B</b> & <script>"
    async with running_bot(tg, coach, store):
        await teacher.send(f"/class {title}", chat=group)
        choose = await _bot_says(tg, group.id, title)
        await teacher.tap(choose, button_text=content.text("cls_own_business").en)
        payload = await class_announcement(tg, content, choose)
        shares: tuple[tuple[FakeUser, UiKey], ...] = (
            (named, "cls_share_named"),
            (private, "cls_share_no"),
        )
        for student, share in shares:
            await student.send(f"/start {payload}")
            await play_in_telegram(tg, coach, student, CAREFUL_BAKERY, lang="en")
            ask = await _bot_says(tg, student.chat.id, content.text("cls_share_question").en[:30])
            await student.tap(ask, button_text=content.text(share).en)
            await consent_given(tg, ask, content.text(share).en)
        before = len(tg.messages(group.id))
        await teacher.send("/report", chat=group)
        await tg.wait_for(lambda: [m for m in tg.messages(group.id)[before:] if m.photo], 30)
    report = "\n".join(m.text for m in tg.messages(group.id)[before:] if m.from_bot)
    assert title in report and "<i>Eve</i> & *Bo*" in report
    assert "Zed" not in report  # did not agree to share


def _random_taps(own: str, coach: Coach, count: int) -> list[str]:
    """Callback data mixing real actions, ids and questions with junk, never a real answer."""
    pick = random.Random(8)
    questions = [q.id for q in coach.content.questions if q.id != "stage"]
    junk = ["", "0", "-1", "9" * 30, "ä", "🍕", "<i>", "'", "%s", "..", "yes", "named", "menu"]
    taps = []
    for _ in range(count):
        # Not erasing: from an old message, a forged "yes" is the user's own real choice.
        prefix = pick.choice(sorted(f.PREFIX for f in FEATURES if f not in (EraseTap, LanguageTap)))
        fields = [pick.choice([own, *junk]), pick.choice([*questions, *junk]), pick.choice(junk)]
        taps.append(":".join([prefix, *fields])[:64])
    return taps


async def test_forged_and_malformed_buttons_are_refused_and_logged(
    tg: FakeTelegram, coach: Coach, store: SqlSessionStore, caplog: pytest.LogCaptureFixture
) -> None:
    user = tg.user(803, "Olga")
    # Someone else's interview and card, which the forged buttons name.
    other = Session(9803, 9803, "en", state="goal", answers={"business_type": "food"})
    other.finish_card(dict(CAREFUL_BAKERY), "en")
    await store.save(other)
    other_card = (await store.cards(9803))[0].id
    caplog.set_level(logging.INFO)
    async with running_bot(tg, coach, store):
        await user.send("/start")
        first = await _question(tg, user.chat.id, "Question 1 of")
        await user.tap(
            first, callback_data=button(first, option_label(coach.content, "business_type", "food"))
        )
        await user.send("Pizza al taglio")
        third = await _question(tg, user.chat.id, "Question 3 of")
        own = (await _session(store, user)).interview_id
        forged = [
            "",
            "garbage",
            "ans:b:c",
            "ans:answer:b:c:d:e",
            "z:x:y:w",
            "\u202e:\u200b:💥:<b>",
            AnswerTap("answer", other.interview_id, "goal", "store").pack(),  # someone else's
            AnswerTap("answer", own, "goal", "no_such_goal").pack(),
            AnswerTap("answer", own, "business_type", "services").pack(),  # answered already
            AnswerTap("toggle", own, "goal", "store").pack(),  # a toggle on a single choice
            AnswerTap("toggle", own, "networks", "zzz").pack(),
            AnswerTap("done", own, "goal", "extra").pack(),
            AnswerTap("skip", own, "goal").pack(),  # a skip the required question never offered
            f"ans:jump:{own}:goal:",  # an action that does not exist
            CardTap(str(other_card)).pack(),  # another user's card
            CardTap("-1").pack(),
            CardTap("abc").pack(),
            "lang:xx",
            ShareTap("abc", "named").pack(),
            ShareTap("99999", "named").pack(),
            "share:1:everything",
            CaseTap("abc", "x").pack(),
            CaseTap("424242", "own").pack(),
            WorkshopTap("nope", "nope", "close").pack(),
            CheckinTap("nope", "posted", "yes").pack(),
            CheckinTap("", "").pack(),
            ReminderTap("time", "x", "y", "99999").pack(),
            ReminderTap("zone", "9", "Mars/Olympus").pack(),
            ReminderTap("day", "99").pack(),
            "rem:fly:1::",
        ]
        forged += _random_taps(own, coach, 40)
        for data in forged:
            await user.forge_tap(third, data)  # refused: the message has no such button
            # As from a message over 48 hours old, which comes without its buttons: refused
            # for what it asks.
            await user.forge_tap(third, data, inaccessible=True)
        # A real answer, but put on a message that never had that button: refused for that.
        await user.forge_tap(first, AnswerTap("answer", own, "stage", "irregular").pack())
        await _quiet(tg)
        # Every spinner is stopped, however long the bot takes over the last taps.
        await tg.wait_for(lambda: len(tg.callback_answers) >= 2 * len(forged) + 2, 20)
        session = await _session(store, user)
        assert session.answers == {"business_type": "food", "offer": "Pizza al taglio"}
        assert session.state == "stage"
        assert len(tg.callback_answers) == 2 * len(forged) + 2  # every spinner was stopped
        texts = [m.text for m in tg.messages(user.chat.id) if m.from_bot]
        assert not any("went wrong" in t for t in texts)
        other_offer = str(CAREFUL_BAKERY["offer"])
        assert not any(other_offer in t for t in texts)  # not the other user's card
        assert not _errors(caplog)
        refusals = [r for r in caplog.records if "refused" in r.getMessage()]
        assert len(refusals) >= len(forged) + 10
        # The real button still works afterwards.
        latest = await _question(tg, user.chat.id, "Question 3 of")
        await user.tap(
            latest, callback_data=button(latest, option_label(coach.content, "stage", "irregular"))
        )
        await _question(tg, user.chat.id, "Question 4 of")
    assert (await _session(store, user)).answers["stage"] == "irregular"
    other_after = await store.load(9803, 9803)
    assert other_after is not None and other_after.answers == {"business_type": "food"}


async def test_commands_for_another_bot_are_left_alone_in_a_group(
    tg: FakeTelegram, coach: Coach, content: Content, store: SqlSessionStore
) -> None:
    group = tg.group_chat(8002, "Negozi")
    user = tg.user(804, "Pia")
    async with running_bot(tg, coach, store):
        for text in ("/start@other_bot", "/help@OtherBot", "/weather", "/report@another_bot"):
            await user.send(text, chat=group)
        await _quiet(tg)
        assert not [m for m in tg.messages(group.id) if m.from_bot]
        await user.send("/nosuch@fake_coach_bot", chat=group)
        await _bot_says(tg, group.id, content.text("unknown_command").en[:20])
        await user.send("/nosuch")  # in private, every command is for us
        await _bot_says(tg, user.chat.id, content.text("unknown_command").en[:20])


async def test_an_edited_message_is_not_read_again(
    tg: FakeTelegram, coach: Coach, content: Content, store: SqlSessionStore
) -> None:
    group = tg.group_chat(8003, "Bottega")
    user = tg.user(805, "Quinto")
    hint = content.text("tg_edited").en
    async with running_bot(tg, coach, store):
        start = await user.send("/start")
        first = await _question(tg, user.chat.id, "Question 1 of")
        await user.tap(
            first, callback_data=button(first, option_label(coach.content, "business_type", "food"))
        )
        await _question(tg, user.chat.id, "Question 2 of")
        sent = await user.send("Pizza al taglio")
        await _question(tg, user.chat.id, "Question 3 of")
        await user.edit(sent, "Sushi")
        await _bot_says(tg, user.chat.id, hint)
        await user.edit(start, "/restart")
        await _quiet(tg)
        said = [m.text for m in tg.messages(user.chat.id) if m.from_bot]
        assert said.count(hint) == 2 and not any("Question 1 of" in t for t in said[1:])
        in_group = await user.send("hello", chat=group)
        await user.edit(in_group, "/plan")
        await _quiet(tg)
        assert not [m for m in tg.messages(group.id) if m.from_bot]
    session = await _session(store, user)
    assert session.answers["offer"] == "Pizza al taglio" and session.state == "stage"


async def test_anonymous_admins_and_channels_are_told_or_ignored(
    tg: FakeTelegram,
    coach: Coach,
    content: Content,
    store: SqlSessionStore,
    caplog: pytest.LogCaptureFixture,
) -> None:
    group = tg.group_chat(-1008004, "Scuola", type="supergroup")
    channel = tg.group_chat(-1008005, "Notizie", type="channel")
    caplog.set_level(logging.INFO)
    notice = content.text("tg_anonymous")
    async with running_bot(tg, coach, store):
        tg.send_as_chat(group, "/class Marketing")  # an anonymous admin
        told = await _bot_says(tg, group.id, notice.en)
        assert notice.it in told.text
        tg.send_as_chat(group, "/report", sender=channel)  # written as a channel
        tg.send_as_chat(group, "good morning, class")  # not for the bot
        tg.channel_post(channel, "/start")
        await _quiet(tg)
        said = [m for m in tg.messages(group.id) if m.from_bot]
        assert len(said) == 2 and all(notice.en in m.text for m in said)
        assert not [m for m in tg.messages(channel.id) if m.from_bot]
    assert not _errors(caplog)


async def test_a_flooding_user_gets_one_notice_and_the_others_are_served(
    tg: FakeTelegram, coach: Coach, content: Content, store: SqlSessionStore
) -> None:
    flooder, other = tg.user(806, "Rino"), tg.user(807, "Sara")
    notice = content.text("tg_flood").en
    async with running_bot(tg, coach, store, flood_limit=20):
        for i in range(100):
            await flooder.send(f"message {i}")
        await other.send("/start")
        first = await _question(tg, other.chat.id, "Question 1 of")
        await other.tap(
            first, callback_data=button(first, option_label(coach.content, "business_type", "food"))
        )
        await _question(tg, other.chat.id, "Question 2 of")
        await _quiet(tg)
        replies = [m.text for m in tg.messages(flooder.chat.id) if m.from_bot]
        assert replies.count(notice) == 1
        assert len(replies) <= 21  # the first twenty, then the notice
        await asyncio.sleep(4.1)  # quiet for the guard's window
        await flooder.send("/help")
        await _bot_says(tg, flooder.chat.id, "/back", len(tg.messages(flooder.chat.id)))

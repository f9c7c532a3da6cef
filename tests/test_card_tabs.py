"""A card is one message with tabs: every part of the plan one tap away, in place."""

from __future__ import annotations

import pytest

from bot.storage.repository import SqlSessionStore
from bot.telegram import card_tabs
from bot.telegram.views import MAX_MESSAGE, Views, visible_length
from flows.coach import Coach
from flows.conditions import AnswerValue
from flows.content import Content
from flows.i18n import Lang
from flows.outputs import MistakeView
from tests.fake_telegram import BotMessage, FakeTelegram, FakeUser, parse_html
from tests.personas import CAREFUL_BAKERY, play
from tests.telegram_support import (
    SHOWN,
    card_messages,
    class_announcement,
    play_in_telegram,
    running_bot,
    says,
    show_tab,
    tab_buttons,
    ui_label,
)
from tests.test_calls_per_answer import EVERY_MISTAKE


async def finish(
    tg: FakeTelegram, coach: Coach, user: FakeUser, answers: dict[str, AnswerValue], lang: Lang
) -> BotMessage:
    """Play the interview to its card; return the card's message once its calendar is in."""
    await user.send("/start")
    await play_in_telegram(tg, coach, user, answers, lang=lang)
    await tg.wait_for(lambda: any(m.document for m in tg.messages(user.chat.id)), 30)
    (card,) = card_messages(tg, user.chat.id)
    return card


@pytest.mark.parametrize(("lang", "answers"), [("it", CAREFUL_BAKERY), ("en", EVERY_MISTAKE)])
async def test_the_card_is_one_message_whose_tabs_show_all_of_it_in_place(
    tg: FakeTelegram,
    content: Content,
    store: SqlSessionStore,
    lang: Lang,
    answers: dict[str, AnswerValue],
) -> None:
    coach = Coach(content)
    user = tg.user(7100 if lang == "it" else 7101, "Rita", lang)
    played = play(coach, answers, lang)
    last_prompt = content.question(played.asked[-1]).prompt(lang)
    async with running_bot(tg, coach, store):
        card = await finish(tg, coach, user, answers, lang)
        tabs = tab_buttons(card)
        assert tabs[0][0].startswith(SHOWN) and not any(t.startswith(SHOWN) for t, _ in tabs[1:])
        shown = {0: card}
        for index, (_, data) in enumerate(tabs[1:], start=1):
            shown[index] = await show_tab(tg, user, card, data)
        edits = len(tg.calls_in(user.chat.id))
        again = await show_tab(tg, user, card, tabs[-1][1])  # the tab already shown
        assert len(tg.calls_in(user.chat.id)) == edits, "the tab shown is not drawn again"
        back = await show_tab(tg, user, card, tabs[0][1])

    assert again.text == shown[len(tabs) - 1].text
    assert back.text == card.text, "the first tab comes back as it was"
    # Every line of the whole card, as it would go in several messages, is on some tab.
    whole = "\n".join(parse_html(html)[0] for html in Views(content).card(played.card.card))
    on_tabs = {line for message in shown.values() for line in message.text.split("\n")}
    missing = [line for line in whole.split("\n") if line.strip() and line not in on_tabs]
    assert not missing, missing[:5]
    assert len(tabs) >= 8, [t for t, _ in tabs]  # the strategy's parts and one tab a week
    for message in shown.values():
        assert len(message.text.encode("utf-16-le")) // 2 <= MAX_MESSAGE
        # The last answer (and any mistake it revealed) stays above the card on every tab.
        assert message.text.startswith(last_prompt), message.text[:80]
    revealed = [o for o in played.turns[-1].outputs if isinstance(o, MistakeView)]
    for mistake in revealed:
        assert all(mistake.why in message.text for message in shown.values())


async def test_a_tab_of_an_erased_card_says_so_and_changes_nothing(
    tg: FakeTelegram, content: Content, store: SqlSessionStore
) -> None:
    coach = Coach(content)
    user = tg.user(7102, "Bruno", "en")
    async with running_bot(tg, coach, store):
        card = await finish(tg, coach, user, CAREFUL_BAKERY, "en")
        await user.send("/deletedata")
        confirm = await tg.wait_for(
            lambda: next(
                (m for m in tg.messages(user.chat.id) if m.buttons and "undone" in m.text), None
            )
        )
        await user.tap(confirm, button_text=ui_label(content, "tg_delete_yes"))
        await tg.wait_for(
            lambda: any(m.text.startswith("Done: I erased") for m in tg.messages(user.chat.id))
        )
        edits = [c for c in tg.calls_in(user.chat.id) if c[0] == "editMessageText"]
        await user.tap(card, callback_data=tab_buttons(card)[3][1])
        alert = await tg.wait_for(
            lambda: next((a for a in tg.callback_answers if a.get("show_alert")), None)
        )
    assert alert["text"] == content.text("tg_tab_gone").en
    assert [c for c in tg.calls_in(user.chat.id) if c[0] == "editMessageText"] == edits


async def test_a_class_students_card_asks_for_consent_under_its_tabs(
    tg: FakeTelegram, content: Content, store: SqlSessionStore
) -> None:
    coach = Coach(content)
    group = tg.group_chat(7103, "Marketing 3A")
    teacher = tg.user(7104, "Prof. Neri", "it")
    student = tg.user(7105, "Ugo", "it")
    question = content.text("cls_share_question").it
    anonymous = content.text("cls_share_anonymous").it
    async with running_bot(tg, coach, store):
        await teacher.send("/class Marketing 3A", chat=group)
        choose = await says(tg, group.id, "«Marketing 3A»")
        await teacher.tap(choose, button_text=content.text("cls_own_business").it)
        payload = await class_announcement(tg, content, choose)
        await student.send(f"/start {payload}")
        await tg.wait_for(lambda: tg.messages(student.chat.id))
        await play_in_telegram(tg, coach, student, CAREFUL_BAKERY, lang="it")
        await tg.wait_for(lambda: any(m.document for m in tg.messages(student.chat.id)), 30)
        (card,) = card_messages(tg, student.chat.id)
        await student.tap(card, button_text=anonymous)
        ticked = await tg.wait_for(
            lambda: next(
                (
                    m
                    for m in tg.messages(student.chat.id)
                    if m.message_id == card.message_id
                    and any(t == f"✅ {anonymous}" for row in m.buttons for t, _ in row)
                ),
                None,
            ),
            10,
        )
        thanks = [a.get("text") for a in tg.callback_answers]
        week = await show_tab(tg, student, card, tab_buttons(card)[5][1])

    asking = [m for m in tg.messages(student.chat.id) if question in m.text]
    assert [m.message_id for m in asking] == [card.message_id], "no message of its own"
    assert card.text.endswith(question)
    assert content.text("cls_share_thanks").it in thanks
    assert ticked.text == card.text and tab_buttons(ticked) == tab_buttons(card)
    # Another tab keeps the question, and the choice stays ticked.
    assert week.text.endswith(question) and week.text != card.text
    assert any(t == f"✅ {anonymous}" for row in week.buttons for t, _ in row)


def test_a_tab_longer_than_a_message_becomes_numbered_parts_each_under_the_title(
    content: Content, monkeypatch: pytest.MonkeyPatch
) -> None:
    coach = Coach(content)
    card = play(coach, EVERY_MISTAKE, "en").card.card
    views = Views(content)
    whole = set(parse_html("\n".join(views.card(card)))[0].split("\n"))
    monkeypatch.setattr(card_tabs, "TAB_LIMIT", 1200)
    tabs = card_tabs.CardTabs(views).tabs(card)
    labels = [tab.label for tab in tabs]
    assert any(label.endswith("(1/2)") for label in labels), labels
    heading = views.card_heading(card)
    on_tabs: set[str] = set()
    for tab in tabs:
        assert tab.html.startswith(heading)
        assert visible_length(tab.html) <= 1200 + 200  # the first tab's hint comes on top
        on_tabs |= set(parse_html(tab.html)[0].split("\n"))
    assert not [line for line in whole if line.strip() and line not in on_tabs]


async def test_in_a_group_only_the_cards_owner_turns_its_tabs(
    tg: FakeTelegram, content: Content, store: SqlSessionStore
) -> None:
    coach = Coach(content)
    group = tg.group_chat(7106, "Bottega")
    owner, neighbour = tg.user(7107, "Lia", "en"), tg.user(7108, "Max", "en")
    async with running_bot(tg, coach, store):
        await owner.send("/plan", chat=group)
        await play_in_telegram(tg, coach, owner, CAREFUL_BAKERY, lang="en", chat=group)
        await tg.wait_for(lambda: any(m.document for m in tg.messages(group.id)), 30)
        (card,) = card_messages(tg, group.id)
        edits = [c for c in tg.calls_in(group.id) if c[0] == "editMessageText"]
        await neighbour.tap(card, callback_data=tab_buttons(card)[1][1])
        alert = await tg.wait_for(
            lambda: next((a for a in tg.callback_answers if a.get("show_alert")), None)
        )
        assert [c for c in tg.calls_in(group.id) if c[0] == "editMessageText"] == edits
        turned = await show_tab(tg, owner, card, tab_buttons(card)[1][1])
    assert alert["text"] == content.text("tg_tab_gone").en
    assert turned.text != card.text and f"{SHOWN}{tab_buttons(card)[1][0]}" in {
        t for row in turned.buttons for t, _ in row
    }

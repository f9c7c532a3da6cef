"""Class sessions end to end: a teacher, a group, students joining by deep link in private."""

from __future__ import annotations

import asyncio
import io

from PIL import Image

from bot.storage.repository import SqlSessionStore
from flows.coach import Coach
from flows.conditions import AnswerValue
from flows.content import Content
from flows.i18n import Lang
from flows.ui_keys import UiKey
from tests.fake_telegram import BotMessage, FakeTelegram, FakeUser
from tests.personas import CAREFUL_BAKERY, MISTAKE_TRIGGERS, play
from tests.telegram_support import (
    class_announcement,
    consent_given,
    current_question,
    open_poll,
    play_in_telegram,
    running_bot,
    says,
)

GOALS = ["store", "branding", "leads", "showcase", "launch"]
MISTAKES = sorted(MISTAKE_TRIGGERS)  # a student i makes MISTAKES[i % 7], or none when i % 7 == 6


def student_answers(i: int) -> dict[str, AnswerValue]:
    answers: dict[str, AnswerValue] = {
        **CAREFUL_BAKERY,
        "goal": GOALS[i % 5],
        "audience_where": "italy",
    }
    if i % 7 < len(MISTAKES):
        question_id, value = MISTAKE_TRIGGERS[MISTAKES[i % 7]]
        answers[question_id] = value
    return answers


async def _question_in(tg: FakeTelegram, chat_id: int) -> BotMessage:
    return await tg.wait_for(lambda: current_question(tg, chat_id, None), 20)


async def test_a_class_of_thirty_and_its_report(
    tg: FakeTelegram, content: Content, store: SqlSessionStore
) -> None:
    coach = Coach(content)
    group = tg.group_chat(7001, "Marketing 2B")
    teacher = tg.user(7100, "Prof. Bianchi", "it")
    admin = tg.user(7101, "Dora", "en")
    students = [tg.user(7200 + i, f"Studente{i}", "it" if i % 2 else "en") for i in range(30)]
    tg.set_admins(group, [admin.id])
    async with running_bot(tg, coach, store):
        await teacher.send("/class Marketing 2B", chat=group)
        choose = await says(tg, group.id, "«Marketing 2B»")
        # A student cannot choose the case.
        await students[0].tap(choose, button_text=content.text("cls_own_business").it)
        await tg.wait_for(lambda: tg.callback_answers)
        assert tg.callback_answers[-1].get("text") == content.text("cls_not_allowed").en
        await teacher.tap(choose, button_text=content.text("cls_own_business").it)
        payload = await class_announcement(tg, content, choose)
        announcement = next(m for m in tg.messages(group.id) if m.message_id == choose.message_id)

        async def take_part(i: int, student: FakeUser) -> None:
            await student.send(f"/start {payload}")
            welcome = await tg.wait_for(lambda: current_question(tg, student.chat.id, None), 20)
            assert "Marketing 2B" in welcome.text
            if i >= 25:
                return  # joined, never finished
            lang: Lang = "it" if i % 2 else "en"
            await play_in_telegram(tg, coach, student, student_answers(i), lang=lang)
            # The consent question and its buttons end the card's own message, under its tabs.
            share_words = content.text("cls_share_question")(lang)[:30]
            ask = await says(tg, student.chat.id, share_words)
            assert any(d and d.startswith("tab:") for row in ask.buttons for _, d in row)
            choice: UiKey = ("cls_share_anonymous", "cls_share_named", "cls_share_no")[i % 3]
            await student.tap(ask, button_text=content.text(choice)(lang))
            await consent_given(tg, ask, content.text(choice)(lang))

        await asyncio.gather(*(take_part(i, s) for i, s in enumerate(students)))

        # Permissions: a student may neither report nor close; an admin may report.
        for command in ("/report", "/endclass"):
            await students[3].send(command, chat=group)
            await says(tg, group.id, content.text("cls_not_allowed").it[:20])
        before = len([m for m in tg.messages(group.id) if m.photo])
        await teacher.send("/report", chat=group)
        await tg.wait_for(lambda: len([m for m in tg.messages(group.id) if m.photo]) > before, 20)
        await admin.send("/report", chat=group)
        await tg.wait_for(
            lambda: len([m for m in tg.messages(group.id) if m.photo]) > before + 1, 20
        )

        await teacher.send("/endclass", chat=group)
        await says(tg, group.id, content.text("cls_closed_done").it[:20])
        late = tg.user(7999, "Tardi", "it")
        await late.send(f"/start {payload}")
        await says(tg, late.chat.id, "è chiusa")

    report = "\n".join(
        m.text
        for m in tg.messages(group.id)
        if "Report della classe" in m.text or m.text.startswith("•")
    )
    texts = [m.text for m in tg.messages(group.id)]
    report = next(t for t in texts if t.startswith("Report della classe «Marketing 2B»"))
    full = "\n".join(texts[texts.index(report) :])
    assert "30 iscritti, 25 hanno finito" in full
    finishers = range(25)
    goal_labels = {o.id: o.label("it") for o in content.question("goal").options}
    for goal in GOALS:
        expected = sum(1 for i in finishers if GOALS[i % 5] == goal)
        assert f"• {goal_labels[goal]}: {expected} (" in full
    for mistake in content.mistakes:
        expected = sum(
            1 for i in finishers if i % 7 < len(MISTAKES) and MISTAKES[i % 7] == mistake.id
        )
        assert f"{mistake.number}. {mistake.title('it')}: {expected} su 25" in full
    # Names only for students who agreed to be named.
    named = {f"Studente{i}" for i in finishers if i % 3 == 1}
    unnamed = {f"Studente{i}" for i in finishers if i % 3 != 1}
    assert all(name in full for name in named)
    assert not any(f"{name}:" in full or f"{name} " in full for name in unnamed)
    chart = next(m for m in tg.messages(group.id) if m.photo)
    image = Image.open(io.BytesIO(chart.photo or b""))
    assert image.format == "PNG" and image.width == 1080
    # The group never got more than 20 messages and edits in a minute.
    assert tg.max_calls_per_minute(group.id) <= 20
    final = next(m for m in tg.messages(group.id) if m.message_id == announcement.message_id)
    assert "Classe chiusa" in final.text
    # Nobody can join any more; the teacher's button to the class page stays for 7 days.
    assert [label for row in final.buttons for label, _ in row] == [
        content.text("cls_page_button").it
    ]


async def test_a_class_with_a_case_shows_the_brief_first(
    tg: FakeTelegram, content: Content, store: SqlSessionStore
) -> None:
    coach = Coach(content)
    group = tg.group_chat(7002, "Laboratorio")
    teacher = tg.user(7300, "Prof. Rossi", "it")
    case = content.cases[0]
    students = [tg.user(7400 + i, f"S{i}", "en" if i else "it") for i in range(3)]
    async with running_bot(tg, coach, store):
        await teacher.send("/class Laboratorio", chat=group)
        choose = await says(tg, group.id, "«Laboratorio»")
        await teacher.tap(choose, button_text=case.title("it"))
        payload = await class_announcement(tg, content, choose)
        announcement = next(m for m in tg.messages(group.id) if m.message_id == choose.message_id)
        assert case.title("it") in announcement.text
        for student in students:
            await student.send(f"/start {payload}")
            lang: Lang = "en" if student.user["language_code"] == "en" else "it"
            first = await _question_in(tg, student.chat.id)
            brief = case.brief(lang)
            assert brief[:60] in first.text
            assert first.text.index(brief[:60]) < first.text.index(
                content.question("business_type").prompt(lang)
            )
        await play_in_telegram(tg, coach, students[0], CAREFUL_BAKERY, lang="it")
        await says(tg, students[0].chat.id, content.text("cls_share_question").it[:30])
        await teacher.send("/report")  # privately: the teacher's latest class
        report = await says(tg, teacher.chat.id, "Report della classe")
    assert f"Caso di studio: {case.title('it')}" in report.text
    assert "3 iscritti, 1 hanno finito" in report.text


async def test_a_workshop_with_five_voters_reaches_a_card(
    tg: FakeTelegram, content: Content, store: SqlSessionStore
) -> None:
    coach = Coach(content)
    group = tg.group_chat(7003, "Workshop")
    teacher = tg.user(7500, "Prof. Verdi", "it")
    voters = [tg.user(7600 + i, f"V{i}", "it") for i in range(5)]
    tg.set_admins(group, [teacher.id])
    answers = dict(CAREFUL_BAKERY)
    path = play(coach, answers, "it").asked
    async with running_bot(tg, coach, store):
        await voters[0].send("/workshop", chat=group)
        await says(tg, group.id, content.text("cls_not_allowed").it[:20])
        await teacher.send("/workshop", chat=group)
        await says(tg, group.id, "Workshop")
        seen_polls: set[int] = set()
        for number, question_id in enumerate(path):
            question = content.question(question_id)
            prompt = question.prompt("it")
            if question.kind == "text":
                ask = await says(tg, group.id, f"· {prompt}")
                assert "Docente: rispondi" in ask.text
                value = answers[question_id]
                assert isinstance(value, str)
                await teacher.reply(ask.message_id, value, chat=group)
                continue
            poll = await open_poll(tg, group.id, prompt, seen_polls)
            seen_polls.add(poll.message_id)
            options = [text for text, _ in poll.poll_options or []]
            labels = {o.id: o.label("it") for o in content.all_options_of(question)}
            wanted = answers[question_id]
            wanted_ids = [wanted] if isinstance(wanted, str) else list(wanted or [])
            majority = [options.index(labels[w]) for w in wanted_ids]
            other = [i for i in range(len(options)) if i not in majority][:1]
            if number == 0:  # a tie: two for the right answer, two for another, one for a third
                ballots = [
                    majority,
                    majority,
                    other,
                    other,
                    [i for i in range(len(options)) if i not in majority + other][:1],
                ]
            else:
                ballots = [majority, majority, majority, other, other]
            for voter, ballot in zip(voters, ballots, strict=True):
                await voter.vote(
                    poll, ballot if question.kind == "multi" else ballot[:1], chat=group
                )
            await teacher.tap(poll, button_text=content.text("ws_close_button").it)
            if number == 0:
                tie = await says(tg, group.id, "Pareggio")
                await teacher.tap(tie, button_text=labels[wanted_ids[0]])
            await says(tg, group.id, f"✔️ {prompt}")
        card = await says(tg, group.id, "📋 La tua strategia social")
        await tg.wait_for(lambda: [m for m in tg.messages(group.id) if m.document], 20)
    assert "Dolci artigianali senza glutine" in card.text
    assert any(m.photo for m in tg.messages(group.id))

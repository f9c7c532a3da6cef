"""Someone who types instead of tapping, on Telegram: understood, echoed, asked back."""

from __future__ import annotations

from bot.storage.repository import SqlSessionStore
from flows.coach import Coach
from flows.content import Content
from tests.fake_telegram import BotMessage, FakeTelegram, FakeUser
from tests.personas import HAIRDRESSER_TYPING
from tests.telegram_support import PROGRESS, running_bot


async def _say(tg: FakeTelegram, user: FakeUser, text: str) -> BotMessage:
    """Send a message and return what ends the bot's reply: a question, a question back or the
    card."""
    before = len(tg.bot_events)
    await user.send(text)

    def answered() -> BotMessage | None:
        replies = [e for e in tg.bot_events[before:] if e.chat_id == user.chat.id]
        for event in reversed(replies):
            if "🤔" in event.text or "📋" in event.text or PROGRESS.search(event.text):
                return event
        return None

    return await tg.wait_for(answered, 30)


async def _tap(tg: FakeTelegram, user: FakeUser, message: BotMessage, label: str) -> BotMessage:
    """Tap a button by its label and return the next question (or the card)."""
    before = len(tg.bot_events)
    await user.tap(message, button_text=label)

    def moved_on() -> BotMessage | None:
        replies = [e for e in tg.bot_events[before:] if e.chat_id == user.chat.id]
        shown = [e for e in replies if "📋" in e.text or PROGRESS.search(e.text)]
        return shown[-1] if shown else None

    return await tg.wait_for(moved_on, 30)


async def test_a_hairdresser_typing_every_answer_reaches_the_card(
    tg: FakeTelegram, content: Content, store: SqlSessionStore
) -> None:
    coach = Coach(content)
    user = tg.user(4242, "Marta", "it")
    async with running_bot(tg, coach, store):
        await user.send("/start")
        await user.next_bot_message()
        refused = await _say(tg, user, "boh")
        assert "❗ Non ho capito «boh»." in refused.text and "«Negozio»" in refused.text
        business = content.question("business_type")
        assert business.prompt("it") in refused.text and business.help("it") not in refused.text
        assert len(refused.buttons) >= 7, "the options stay a tap away"
        reply = await _say(tg, user, HAIRDRESSER_TYPING[0])
        assert "✔️ Servizi alla persona" in reply.text, "the answer taken is said back"
        await _say(tg, user, HAIRDRESSER_TYPING[1])
        offer = await _say(tg, user, "/back")  # the text answer is kept by one tap, unchanged
        assert "cosa vendi o cosa fai" in offer.text
        stage = await _tap(tg, user, offer, "✔ Va bene così: tagli e colore per donne")
        assert "A che punto sei sui social" in stage.text
        for text in HAIRDRESSER_TYPING[2:]:
            reply = await _say(tg, user, text)
            assert "❗" not in reply.text, (text, reply.text)
        assert "✔️ Foto, Video brevi" in reply.text

        asked = await _say(tg, user, "5")  # five hours, or option 5?
        assert "🤔" in asked.text and "«5»" in asked.text
        labels = [label for row in asked.buttons for label, _ in row]
        assert labels == ["5 ore a settimana → 3–6 ore", "l'opzione 5 → Più di 10 ore"]
        reply = await _tap(tg, user, asked, "5 ore a settimana → 3–6 ore")
        # The question back closes with the answer, and the next question follows in its place.
        assert reply.message_id == asked.message_id
        assert "✔️ 3–6 ore" in reply.text and "Come pensi di usare i social" in reply.text

        for text in ("rispondo ai commenti quando posso", "prima la fiducia, poi le vendite"):
            await _say(tg, user, text)
        await _say(tg, user, "io")
        again = await _say(tg, user, "/back")
        assert "Chi seguirà i social" in again.text
        reply = await _tap(tg, user, again, "✔ Va bene così: Io, nei ritagli di tempo")
        assert "budget" in reply.text

        for text in ("50 euro", "stessa idea adattata"):
            await _say(tg, user, text)
        asked = await _say(tg, user, "no")
        assert "🤔" in asked.text
        card = await _tap(tg, user, asked, "No, pubblico quando mi viene l'ispirazione")
        assert "📋" in card.text

    session = await store.load(user.chat.id, user.id)
    assert session is not None and session.state == "card"
    answers = session.answers
    assert answers["business_type"] == "services"
    assert answers["offer"] == "tagli e colore per donne"
    assert answers["audience"] == "adults"
    assert answers["networks"] == ["instagram", "facebook"]
    assert answers["content_types"] == ["photos", "short_videos"]
    assert answers["hours"] == "h3_6"
    assert answers["manager"] == "owner"
    assert answers["budget"] == "under_100"
    assert answers["editorial_plan"] == "when_inspired"
    refusals = [m for m in tg.messages(user.chat.id) if m.from_bot and "❗" in m.text]
    assert len(refusals) <= 1

"""Whole interviews played by scripted personas, straight through flows/."""

from __future__ import annotations

import pytest

from flows.coach import Coach
from flows.outputs import MistakeView, QuestionView
from flows.render_text import render_markdown
from tests.personas import CAREFUL_BAKERY, MISTAKE_TRIGGERS, play


@pytest.mark.parametrize("lang", ["it", "en"])
def test_careful_persona_gets_no_warning_and_a_card(coach: Coach, lang: str) -> None:
    played = play(coach, CAREFUL_BAKERY, lang)  # type: ignore[arg-type]
    assert all(turn.mistakes == [] for turn in played.turns)
    card = played.card.card
    assert card.mistakes == []
    assert "Dolci artigianali senza glutine" in card.snapshot
    assert "Bologna, quartiere Navile" in card.target
    assert card.platforms[0].name == "Instagram"


@pytest.mark.parametrize("mistake_id", sorted(MISTAKE_TRIGGERS))
@pytest.mark.parametrize("lang", ["it", "en"])
def test_each_mistake_is_explained_in_the_turn_of_its_answer(
    coach: Coach, mistake_id: str, lang: str
) -> None:
    question_id, value = MISTAKE_TRIGGERS[mistake_id]
    played = play(coach, {**CAREFUL_BAKERY, question_id: value}, lang)  # type: ignore[arg-type]

    revealing = played.turn_for(question_id)
    assert revealing.mistakes == [mistake_id]
    # The explanation comes before the next question, and no other turn warns.
    kinds = [type(o) for o in revealing.outputs]
    assert kinds.index(MistakeView) < len(kinds) - 1
    assert isinstance(revealing.outputs[-1], QuestionView) or question_id == played.asked[-1]
    assert [t.question_id for t in played.turns if t.mistakes] == [question_id]

    mistake = next(o for o in revealing.outputs if isinstance(o, MistakeView))
    content_mistake = next(m for m in coach.content.mistakes if m.id == mistake_id)
    assert mistake.title == content_mistake.title(lang)  # type: ignore[arg-type]
    assert (
        "{" not in mistake.why
        and "(not given)" not in mistake.why
        and "(non indicato)" not in mistake.why
    )
    assert [m.number for m in played.card.card.mistakes] == [content_mistake.number]


def test_why_it_hurts_speaks_of_this_business(coach: Coach) -> None:
    whys = {}
    for stage in ("not_started", "irregular", "regular"):
        answers = {**CAREFUL_BAKERY, "stage": stage, "social_use": "promo_only"}
        played = play(coach, answers, "it")
        turn = played.turn_for("social_use")
        whys[stage] = next(o for o in turn.outputs if isinstance(o, MistakeView)).why
        assert "solo per offerte e pubblicità" in whys[stage]
    assert len(set(whys.values())) == 3, "each stage hears why in its own words"

    played = play(coach, {**CAREFUL_BAKERY, "same_content": "identical"}, "en")
    why = next(o for o in played.turn_for("same_content").outputs if isinstance(o, MistakeView)).why
    assert "Instagram and Facebook" in why


def test_every_mistake_at_once_is_each_shown_once(coach: Coach) -> None:
    careless = dict(CAREFUL_BAKERY)
    for question_id, value in MISTAKE_TRIGGERS.values():
        careless[question_id] = value
    played = play(coach, careless, "it")
    shown = [m for turn in played.turns for m in turn.mistakes]
    assert sorted(shown) == sorted(MISTAKE_TRIGGERS)
    assert [m.number for m in played.card.card.mistakes] == [1, 2, 3, 4, 5, 6]


def test_no_false_alarms(coach: Coach) -> None:
    # One network: neither the favourite network nor cross-posting is asked, so no mistake 5.
    single = {**CAREFUL_BAKERY, "networks": ["instagram"], "manager": "dedicated"}
    played = play(coach, single, "en")
    assert "preferred_network" not in played.asked
    assert "same_content" not in played.asked
    assert all(turn.mistakes == [] for turn in played.turns)
    # "I don't know" is a single answer too.
    played = play(coach, {**CAREFUL_BAKERY, "networks": ["not_sure"]}, "en")
    assert "same_content" not in played.asked
    # A dedicated person, an agency or the owner are not mistake 3.
    for manager in ("dedicated", "agency", "owner"):
        played = play(coach, {**CAREFUL_BAKERY, "manager": manager}, "en")
        assert played.turn_for("manager").mistakes == []


def test_branches_follow_the_answers(coach: Coach) -> None:
    store = play(coach, CAREFUL_BAKERY, "en")
    assert "shop_area" in store.asked and "audience_where" not in store.asked
    online = play(coach, {**CAREFUL_BAKERY, "goal": "branding", "audience_where": "italy"}, "en")
    assert "shop_area" not in online.asked and "audience_where" in online.asked


def test_preferred_network_is_offered_only_among_the_chosen(coach: Coach) -> None:
    interview = coach.new_interview("en")
    asked = ("business_type", "offer", "stage", "what_works", "goal", "shop_area", "audience")
    for question_id in (*asked, "networks"):
        value = CAREFUL_BAKERY[question_id]
        if isinstance(value, str) and question_id in ("offer", "shop_area"):
            coach.answer_typed(interview, value)
        else:
            coach.answer_options(
                interview, [value] if isinstance(value, str) else list(value or [])
            )
    outputs = coach.current(interview)
    question = outputs[-1]
    assert isinstance(question, QuestionView) and question.id == "preferred_network"
    assert [c.id for c in question.choices] == ["instagram", "facebook"]
    refused = coach.answer_options(interview, ["tiktok"])
    assert isinstance(refused[-1], QuestionView) and refused[-1].id == "preferred_network"


@pytest.mark.parametrize("lang", ["it", "en"])
def test_markdown_card_has_every_section(coach: Coach, lang: str) -> None:
    played = play(coach, {**CAREFUL_BAKERY, "budget": "zero"}, lang)  # type: ignore[arg-type]
    text = render_markdown(played.card.card)
    for title in played.card.card.titles.values():
        if "{" not in title and title != played.card.card.titles["assumptions"]:
            assert title in text
    assert "{" not in text and "}" not in text

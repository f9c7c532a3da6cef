"""/back, /skip and /restart through the coach."""

from __future__ import annotations

from collections.abc import Sequence

from flows.coach import Coach
from flows.conditions import AnswerValue
from flows.machine import Interview
from flows.outputs import MistakeView, Notice, QuestionView
from tests.personas import CAREFUL_BAKERY, play


def _answer(coach: Coach, interview: Interview, value: AnswerValue) -> Sequence[object]:
    question = coach.content.question(interview.state)
    if question.kind == "text":
        assert isinstance(value, str)
        return list(coach.answer_typed(interview, value))
    return list(
        coach.answer_options(interview, [value] if isinstance(value, str) else list(value or []))
    )


def _question(outputs: Sequence[object]) -> QuestionView:
    last = outputs[-1]
    assert isinstance(last, QuestionView)
    return last


def test_back_from_every_question_returns_to_the_previous_one_asked(coach: Coach) -> None:
    for persona in (
        CAREFUL_BAKERY,
        {**CAREFUL_BAKERY, "goal": "leads", "audience_where": "region", "networks": ["linkedin"]},
    ):
        asked = play(coach, persona).asked
        for index in range(1, len(asked) + 1):
            interview = coach.new_interview("en")
            for question_id in asked[:index]:
                assert interview.state == question_id
                _answer(coach, interview, persona[question_id])
            # From question index (or the card), /back lands on the question asked just before.
            outputs = coach.back(interview)
            assert _question(list(outputs)).id == asked[index - 1]
            assert interview.state == asked[index - 1]
            coach.release(interview)


def test_back_shows_the_answer_given_and_lets_it_change(coach: Coach) -> None:
    interview = coach.new_interview("en")
    _answer(coach, interview, "shop")
    _answer(coach, interview, "Scarpe da trekking")
    question = _question(list(coach.back(interview)))
    assert question.id == "offer" and question.current_text == "Scarpe da trekking"
    question = _question(list(coach.back(interview)))
    assert question.id == "business_type" and question.current == ["shop"]
    _answer(coach, interview, "artisan")
    assert interview.answers["business_type"] == "artisan"
    assert interview.state == "offer"


def test_back_at_the_first_question_says_so(coach: Coach) -> None:
    interview = coach.new_interview("it")
    outputs = list(coach.back(interview))
    assert isinstance(outputs[0], Notice) and outputs[0].key == "back_at_start"
    assert _question(outputs).id == "business_type"


def test_skipped_branch_stays_skipped_and_a_closed_branch_leaves_no_stale_answer(
    coach: Coach,
) -> None:
    interview = coach.new_interview("en")
    for question_id in (
        "business_type",
        "offer",
        "stage",
        "what_works",
        "goal",
        "shop_area",
        "audience",
        "networks",
        "preferred_network",
    ):
        _answer(coach, interview, CAREFUL_BAKERY[question_id])
    assert interview.state == "content_types"
    assert _question(list(coach.back(interview))).id == "preferred_network"
    assert _question(list(coach.back(interview))).id == "networks"
    # Down to a single network: the favourite-network branch closes and is not asked.
    assert _question(_answer(coach, interview, ["instagram"])).id == "content_types"
    assert "preferred_network" not in interview.answers
    assert _question(list(coach.back(interview))).id == "networks"


def test_changing_the_answer_that_revealed_a_mistake_updates_the_card(coach: Coach) -> None:
    played = play(coach, {**CAREFUL_BAKERY, "editorial_plan": "none"}, "en")
    assert [m.number for m in played.card.card.mistakes] == [6]
    interview = played.interview
    assert _question(list(coach.back(interview))).id == "editorial_plan"
    outputs = _answer(coach, interview, "written")
    card = coach.card(interview).card
    assert card.mistakes == []
    assert not any(isinstance(o, MistakeView) for o in outputs)


def test_skip_moves_on_and_the_card_notes_it(coach: Coach) -> None:
    interview = coach.new_interview("en")
    for question_id in ("business_type", "offer", "stage", "what_works", "goal", "shop_area"):
        _answer(coach, interview, CAREFUL_BAKERY[question_id])
    for question_id in ("audience",):
        _answer(coach, interview, CAREFUL_BAKERY[question_id])
    assert _question(list(coach.skip(interview))).id == "content_types"  # networks skipped
    assert interview.answers["networks"] is None
    while interview.state != "card":
        coach.skip(interview)
    card = coach.card(interview).card
    assert any("Which social networks" in note for note in card.assumptions)
    assert card.platforms, "a card is still built from what is known"


def test_required_question_cannot_be_skipped(coach: Coach) -> None:
    interview = coach.new_interview("en")
    outputs = list(coach.skip(interview))
    assert isinstance(outputs[0], Notice) and outputs[0].key == "skip_refused"
    assert interview.state == "business_type"


def test_restart_forgets_answers_and_mistakes(coach: Coach) -> None:
    played = play(coach, {**CAREFUL_BAKERY, "budget": "zero"}, "en")
    interview = played.interview
    outputs = list(coach.restart(interview))
    assert (
        interview.state == "business_type"
        and interview.answers == {}
        and interview.mistakes_shown == []
    )
    assert _question(outputs).step == 1


def test_progress_counts_only_the_questions_this_path_asks(coach: Coach) -> None:
    played = play(coach, CAREFUL_BAKERY, "en")
    steps = [
        (o.step, o.total) for t in played.turns for o in t.outputs if isinstance(o, QuestionView)
    ]
    total_asked = len(played.asked)
    assert steps[-1] == (total_asked, total_asked)
    assert [s for s, _ in steps] == list(range(2, total_asked + 1))
    assert all(total >= total_asked for _, total in steps)
    single = play(coach, {**CAREFUL_BAKERY, "networks": ["facebook"]}, "en")
    assert len(single.asked) == total_asked - 2

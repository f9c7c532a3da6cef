"""Odd and wrong input gets a friendly re-ask, never a crash, never a lost answer."""

from __future__ import annotations

import pytest

from flows.coach import Coach
from flows.machine import Interview
from flows.outputs import Notice, QuestionView


def _at(coach: Coach, question_id: str, lang: str = "en") -> Interview:
    """An interview that has reached `question_id` with sensible answers."""
    interview = coach.new_interview(lang)  # type: ignore[arg-type]
    script = {
        "business_type": "2",
        "offer": "Pizza al taglio",
        "goal": "1",
        "audience": "3",
        "audience_where": "1",
        "hours": "2",  # "1" there may mean option 1 or one hour: it would be asked back
    }
    while interview.state != question_id:
        coach.answer_typed(interview, script.get(interview.state, "1"))
    return interview


def _reasked(outputs: list[object], question_id: str) -> Notice:
    notice, question = outputs[0], outputs[-1]
    assert isinstance(notice, Notice) and notice.is_error
    assert isinstance(question, QuestionView) and question.id == question_id
    return notice


@pytest.mark.parametrize(
    ("typed", "key"),
    [
        ("", "error_empty_choice"),
        ("   \t ", "error_empty_choice"),
        ("0", "error_out_of_range"),
        ("99", "error_out_of_range"),
        ("1,,9", "error_out_of_range"),
        ("abc", "error_not_understood"),
        ("-1", "error_not_understood"),
        ("2.5", "error_not_understood"),
        ("1,2", "error_only_one"),
    ],
)
def test_bad_typed_choice_is_reasked(coach: Coach, typed: str, key: str) -> None:
    interview = _at(coach, "goal")
    before = dict(interview.answers)
    notice = _reasked(list(coach.answer_typed(interview, typed)), "goal")
    assert notice.key == key
    assert interview.answers == before and interview.state == "goal"


def test_out_of_range_names_the_number_and_the_range(coach: Coach) -> None:
    notice = _reasked(list(coach.answer_typed(_at(coach, "goal", "it"), "1,,9")), "goal")
    assert "9" in notice.text and "5" in notice.text and "opzioni" in notice.text


def test_multi_choice_accepts_sloppy_separators_and_rejects_exclusive_mix(coach: Coach) -> None:
    interview = _at(coach, "networks")
    notice = _reasked(list(coach.answer_typed(interview, "1, 8")), "networks")
    assert notice.key == "error_exclusive" and "I don't know" in notice.text
    coach.answer_typed(interview, " 2 ,, 1 ;1 ")
    assert interview.answers["networks"] == ["instagram", "facebook"]


def test_a_label_can_be_typed_instead_of_a_number(coach: Coach) -> None:
    interview = _at(coach, "networks")
    coach.answer_typed(interview, "tiktok")
    assert interview.answers["networks"] == ["tiktok"]


@pytest.mark.parametrize("typed", ["", "    ", "\n\n"])
def test_empty_text_is_reasked(coach: Coach, typed: str) -> None:
    interview = _at(coach, "offer")
    assert _reasked(list(coach.answer_typed(interview, typed)), "offer").key == "error_empty"
    assert interview.answers == {"business_type": "food"}


def test_a_5000_character_answer_is_trimmed_with_a_notice(coach: Coach) -> None:
    interview = _at(coach, "offer", "it")
    outputs = list(coach.answer_typed(interview, "torte " * 1000))
    notice = outputs[0]
    assert isinstance(notice, Notice) and notice.key == "notice_trimmed" and not notice.is_error
    kept = interview.answers["offer"]
    assert isinstance(kept, str) and len(kept) <= 120 and kept.startswith("torte torte")
    assert interview.state == "stage"


def test_emoji_accents_and_markup_are_kept_as_typed(coach: Coach) -> None:
    interview = _at(coach, "offer")
    coach.answer_typed(interview, "  Caffè & <b>cornetti</b> ☕️🥐  ")
    assert interview.answers["offer"] == "Caffè & <b>cornetti</b> ☕️🥐"


def test_a_stale_button_is_refused_without_losing_answers(coach: Coach) -> None:
    interview = _at(coach, "goal")
    before = dict(interview.answers)
    assert (
        _reasked(list(coach.answer_options(interview, ["instagram"])), "goal").key
        == "error_stale_option"
    )
    assert interview.answers == before


def test_answers_after_the_card_are_not_taken(coach: Coach) -> None:
    interview = _at(coach, "editorial_plan")
    coach.answer_typed(interview, "1")
    assert interview.finished
    answers = dict(interview.answers)
    outputs = list(coach.answer_typed(interview, "2"))
    assert isinstance(outputs[0], Notice) and outputs[0].key == "already_finished"
    assert interview.answers == answers

"""A closed poll's counts turned into the group's answer, or a tie for the teacher."""

from __future__ import annotations

from flows.votes import Tally, tally


def test_a_single_choice_takes_its_one_leader() -> None:
    assert tally({"shop": 3, "food": 1, "b2b": 0}, 4, multi=False) == Tally(["shop"], 3, 4)


def test_a_single_choice_tie_goes_to_the_teacher_with_only_the_leaders() -> None:
    result = tally({"shop": 2, "food": 2, "b2b": 1}, 5, multi=False)
    assert result == Tally([], 2, 5, tied=["shop", "food"])


def test_no_votes_offers_every_option() -> None:
    assert tally({"a": 0, "b": 0}, 0, multi=True) == Tally([], 0, 0, tied=["a", "b"])


def test_a_multiple_choice_takes_every_option_half_the_voters_picked() -> None:
    counts = {"instagram": 4, "facebook": 2, "tiktok": 1}
    assert tally(counts, 4, multi=True) == Tally(["instagram", "facebook"], 6, 4)


def test_without_a_majority_the_leaders_win_and_none_of_these_gives_way() -> None:
    counts = {"photos": 2, "none": 2, "videos": 1}
    assert tally(counts, 5, multi=True, exclusive={"none"}) == Tally(["photos"], 2, 5)
    alone = {"photos": 0, "none": 3}
    assert tally(alone, 3, multi=True, exclusive={"none"}) == Tally(["none"], 3, 3)

"""A group's poll turned into an answer: the majority's choice, or a tie for the teacher."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Tally:
    """What a closed poll decided: the chosen option ids, or the tied ones to settle by hand."""

    chosen: list[str]
    votes: int
    voters: int
    tied: list[str] = field(default_factory=list)


def tally(
    counts: Mapping[str, int], voters: int, *, multi: bool, exclusive: Collection[str] = ()
) -> Tally:
    """Decide a poll from its counts per option id, in the poll's order.

    A single-choice poll takes its one leader. A multiple-choice poll takes every option that
    half the voters or more picked, else the leaders; an exclusive option ("none of these")
    gives way to real ones. No leader (a tie, or no votes) leaves the choice to the teacher.
    """
    top = max(counts.values(), default=0)
    leaders = [option for option, count in counts.items() if count == top and count]
    if multi:
        majority = [option for option, count in counts.items() if count and count * 2 >= voters]
        chosen = majority or leaders
        if len(chosen) > 1:
            chosen = [option for option in chosen if option not in exclusive] or chosen[:1]
        if chosen:
            return Tally(chosen, sum(counts[option] for option in chosen), voters)
    elif len(leaders) == 1:
        return Tally(leaders, top, voters)
    return Tally([], top, voters, tied=leaders if top else list(counts))

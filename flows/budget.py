"""One weekly time budget, from the hours a business has, that every part of the plan shares."""

from __future__ import annotations

from dataclasses import dataclass

REVIEW_MINUTES = 10
"""The weekly look at the numbers, as the card's review text promises."""
REPLY_SHARE = 0.2
"""Rule of thumb: about a fifth of the time goes to comments and messages."""
MIN_CHECK_MINUTES = 5
REPLY_CHECKS = ((60, 3), (180, 5), (480, 7))
"""Reply checks a week by weekly minutes below each bound; twice a day from the last one up."""
TWICE_A_DAY = 14
LEAST_MINUTES = 45
"""The least week that holds one simple post, three reply checks and the review."""
REPLY_CHECKS_OFFERED = frozenset({count for _, count in REPLY_CHECKS} | {TWICE_A_DAY})
"""Every routine the budget can ask for: each needs its words in the content."""


@dataclass(frozen=True)
class TimeBudget:
    """Minutes a week, split between replying, the weekly review and making posts."""

    minutes: int
    reply_checks: int
    minutes_per_check: int
    review_minutes: int = REVIEW_MINUTES

    @property
    def reply_minutes(self) -> int:
        """Return the minutes a week spent on comments and messages."""
        return self.reply_checks * self.minutes_per_check

    @property
    def posting_minutes(self) -> int:
        """Return the minutes a week left to make and publish posts."""
        return self.minutes - self.reply_minutes - self.review_minutes


def time_budget(hours: float) -> TimeBudget:
    """Split the weekly hours: replies first (a fifth, at least a few checks), then the review."""
    minutes = max(LEAST_MINUTES, round(hours * 60))
    checks = next((count for bound, count in REPLY_CHECKS if minutes < bound), TWICE_A_DAY)
    share = minutes * REPLY_SHARE / checks
    per_check = max(MIN_CHECK_MINUTES, int(share // MIN_CHECK_MINUTES) * MIN_CHECK_MINUTES)
    return TimeBudget(minutes=minutes, reply_checks=checks, minutes_per_check=per_check)

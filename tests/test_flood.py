from __future__ import annotations

from bot.telegram.flood import FloodGuard, Verdict


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_past_the_limit_one_notice_then_silence_until_a_quiet_window() -> None:
    clock = Clock()
    guard = FloodGuard(limit=3, window=4.0, clock=clock)
    verdicts = [guard.check(1) for _ in range(6)]
    assert verdicts == [Verdict.SERVE] * 3 + [Verdict.NOTICE] + [Verdict.DROP] * 2
    assert guard.check(2) is Verdict.SERVE  # another user is not affected
    clock.now += 2.0
    assert guard.check(1) is Verdict.DROP  # the window still holds three
    clock.now += 2.0
    assert guard.check(1) is Verdict.SERVE  # the first three have left the window
    clock.now += 4.0
    assert [guard.check(1) for _ in range(4)] == [Verdict.SERVE] * 3 + [Verdict.NOTICE]


def test_a_steady_quick_user_stays_below_the_limit() -> None:
    clock = Clock()
    guard = FloodGuard(limit=20, window=4.0, clock=clock)
    for _ in range(200):  # four taps a second for fifty seconds
        assert guard.check(1) is Verdict.SERVE
        clock.now += 0.25

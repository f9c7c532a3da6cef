"""The calendar file: valid iCalendar, the card's cadence week by week, folded and escaped."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any
from zoneinfo import ZoneInfo

import icalendar
import pytest

from flows.card import StrategyCard, build_card
from flows.conditions import AnswerValue
from flows.content import Content
from flows.i18n import Lang
from flows.render_calendar import first_monday, fold, render_calendar_ics
from tests.personas import CAREFUL_BAKERY

START = dt.date(2025, 3, 19)  # a Wednesday: the plan starts on Monday 24 March
MONDAY = dt.date(2025, 3, 24)
STAMP = dt.datetime(2025, 3, 19, 8, 30, tzinfo=dt.UTC)
ROME = ZoneInfo("Europe/Rome")

PERSONAS: dict[str, dict[str, AnswerValue]] = {
    "bakery": CAREFUL_BAKERY,
    "every_other_week": {**CAREFUL_BAKERY, "hours": "under_1"},
    "three_networks": {
        **CAREFUL_BAKERY,
        "hours": "over_10",
        "networks": ["instagram", "facebook", "linkedin"],
    },
}


def _card(content: Content, answers: dict[str, AnswerValue], lang: Lang = "en") -> StrategyCard:
    return build_card(content, answers, lang)


def _calendar(card: StrategyCard, start: dt.date = START) -> icalendar.Calendar:
    return icalendar.Calendar.from_ical(render_calendar_ics(card, start, stamp=STAMP))


def _events(calendar: icalendar.Calendar) -> list[Any]:
    return list(calendar.walk("VEVENT"))


def _posts(card: StrategyCard, calendar: icalendar.Calendar) -> list[tuple[str, dt.datetime]]:
    """(platform name, start) of every posting slot."""
    names = {plan.name for plan in card.platforms}
    posts = []
    for event in _events(calendar):
        network = str(event["SUMMARY"]).split(" · ")[0]
        if network in names:
            posts.append((network, event.decoded("DTSTART")))
    return posts


def _expected_posts(posts_per_week: float, week: int) -> int:
    if posts_per_week < 0.75:  # the card says "one post every two weeks"
        return 1 if week in (1, 3) else 0
    return max(1, round(posts_per_week))


def test_a_valid_calendar_with_the_required_properties(content: Content) -> None:
    card = _card(content, CAREFUL_BAKERY)
    calendar = _calendar(card)
    assert calendar["VERSION"] == "2.0"
    assert calendar["CALSCALE"] == "GREGORIAN"
    assert str(calendar["PRODID"])
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["Europe/Rome"]
    raw = render_calendar_ics(card, START, stamp=STAMP).decode("utf-8")
    assert f"X-WR-CALNAME:{card.calendar.name}" in raw.replace("\r\n ", "")
    events = _events(calendar)
    uids = [str(event["UID"]) for event in events]
    assert len(uids) == len(set(uids)), "every event has its own UID"
    for event in events:
        assert event.decoded("DTSTAMP") == STAMP
        assert str(event["SUMMARY"]) and str(event["DESCRIPTION"])
        start = event.decoded("DTSTART")
        if isinstance(start, dt.datetime):
            assert event["DTSTART"].params["TZID"] == "Europe/Rome"
            local = start.replace(tzinfo=None)
            assert start.astimezone(ROME).replace(tzinfo=None) == local, "Rome time, DST too"
            assert event.decoded("DTEND") > start
            assert MONDAY <= start.date() < MONDAY + dt.timedelta(weeks=4)


def test_uids_are_stable_for_the_same_card_and_start(content: Content) -> None:
    card = _card(content, CAREFUL_BAKERY)
    later = dt.datetime(2025, 3, 20, tzinfo=dt.UTC)
    first = [str(e["UID"]) for e in _events(_calendar(card))]
    again = icalendar.Calendar.from_ical(render_calendar_ics(card, START, stamp=later))
    assert [str(e["UID"]) for e in _events(again)] == first


@pytest.mark.parametrize(
    ("start", "monday"),
    [
        (dt.date(2025, 3, 24), dt.date(2025, 3, 24)),
        (dt.date(2025, 3, 19), dt.date(2025, 3, 24)),
        (dt.date(2025, 3, 30), dt.date(2025, 3, 31)),
    ],
)
def test_the_plan_starts_on_the_monday_on_or_after_start(
    start: dt.date, monday: dt.date, content: Content
) -> None:
    assert first_monday(start) == monday
    calendar = _calendar(_card(content, CAREFUL_BAKERY), start)
    first = min(_start_date(event) for event in _events(calendar))
    assert first == monday


def _start_date(event: Any) -> dt.date:
    start = event.decoded("DTSTART")
    return start.date() if isinstance(start, dt.datetime) else start


@pytest.mark.parametrize("persona", sorted(PERSONAS))
def test_each_network_posts_at_its_cadence_week_by_week(content: Content, persona: str) -> None:
    card = _card(content, PERSONAS[persona])
    posts = _posts(card, _calendar(card))
    per_week = Counter((name, (when.date() - MONDAY).days // 7 + 1) for name, when in posts)
    for plan in card.platforms:
        for week in range(1, 5):
            assert per_week[(plan.name, week)] == _expected_posts(plan.posts_per_week, week), (
                plan.name,
                week,
            )
    days = Counter((name, when.date()) for name, when in posts)
    assert max(days.values()) == 1, "never two posts of one network on the same day"
    for _, when in posts:
        assert dt.time(9) <= when.time() <= dt.time(21)


def test_every_other_week_is_really_every_other_week(content: Content) -> None:
    card = _card(content, PERSONAS["every_other_week"])
    assert card.platforms[0].posts_per_week < 0.75
    assert len(_posts(card, _calendar(card))) == 2


def test_a_review_each_week_and_the_first_weeks_actions_on_day_one(content: Content) -> None:
    card = _card(content, CAREFUL_BAKERY)
    events = _events(_calendar(card))
    reviews = [e for e in events if str(e["SUMMARY"]) == card.calendar.review]
    assert len(reviews) == 4
    assert {str(e["DESCRIPTION"]) for e in reviews} == {card.review}
    (todo,) = [e for e in events if str(e["SUMMARY"]) == card.calendar.todo]
    assert todo.decoded("DTSTART") == MONDAY
    assert not isinstance(todo.decoded("DTSTART"), dt.datetime), "an all-day event"
    for step in card.next_30_days:
        assert (step.text in str(todo["DESCRIPTION"])) == (step.week == 1)


def test_posts_rotate_pillars_and_name_formats_and_the_weeks_tip(content: Content) -> None:
    card = _card(content, CAREFUL_BAKERY)
    events = [e for e in _events(_calendar(card)) if " · " in str(e["SUMMARY"])]
    pillars = {str(e["SUMMARY"]).split(" · ", 1)[1] for e in events}
    assert pillars == set(card.pillars)
    instagram = next(p for p in card.platforms if p.name == "Instagram")
    first = next(e for e in events if str(e["SUMMARY"]).startswith("Instagram"))
    description = str(first["DESCRIPTION"])
    assert all(fmt in description for fmt in instagram.formats)
    assert card.calendar.tips[1] in description


def test_the_italian_card_makes_an_italian_calendar(content: Content) -> None:
    italian = _card(content, CAREFUL_BAKERY, "it")
    english = _card(content, CAREFUL_BAKERY, "en")
    phrases = content.card.phrases
    summaries = {str(e["SUMMARY"]) for e in _events(_calendar(italian))}
    assert phrases["calendar_review"].it in summaries
    assert phrases["calendar_todo"].it.format(week=1) in summaries
    assert "Instagram · " + italian.pillars[0] in summaries
    assert italian.calendar.name.startswith("Piano social")
    assert not summaries & {str(e["SUMMARY"]) for e in _events(_calendar(english))}


def test_lines_are_crlf_and_folded_at_75_octets(content: Content) -> None:
    card = _card(content, {**CAREFUL_BAKERY, "offer": "Caffè, brioche e «dolci» – più è meglio"})
    data = render_calendar_ics(card, START, stamp=STAMP)
    assert data.endswith(b"\r\n")
    assert b"\n" not in data.replace(b"\r\n", b"")
    lines = data.split(b"\r\n")[:-1]
    assert max(len(line) for line in lines) <= 75
    assert any(line.startswith(b" ") for line in lines), "long descriptions are folded"
    for line in lines:
        line.decode("utf-8")  # a fold never splits a multi-byte character


def test_fold_counts_octets_not_characters() -> None:
    line = "DESCRIPTION:" + "àè€’" * 40
    folded = fold(line)
    parts = folded.split("\r\n")
    assert all(len(part.encode("utf-8")) <= 75 for part in parts)
    assert all(part.startswith(" ") for part in parts[1:])
    assert "".join(part.removeprefix(" ") if i else part for i, part in enumerate(parts)) == line


def test_commas_semicolons_and_backslashes_in_user_text_are_escaped(content: Content) -> None:
    offer = "Pane, dolci; caffè \\ tè ☕"
    card = _card(content, {**CAREFUL_BAKERY, "offer": offer, "editorial_plan": "none"}, "it")
    assert len([step for step in card.next_30_days if step.week == 1]) > 1
    raw = render_calendar_ics(card, START, stamp=STAMP).decode("utf-8").replace("\r\n ", "")
    assert "Pane\\, dolci\\; caffè \\\\ tè ☕" in raw
    calendar = icalendar.Calendar.from_ical(raw)
    (todo,) = [e for e in _events(calendar) if str(e["SUMMARY"]) == card.calendar.todo]
    assert offer in str(todo["DESCRIPTION"])
    assert "\n" in str(todo["DESCRIPTION"]), "one action per line"

"""The four-week calendar: dated posts that fit the week, the networks, the formats, the dates."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys
from functools import cache
from itertools import pairwise
from pathlib import Path

import holidays
import icalendar
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from flows.card import StrategyCard, build_card
from flows.coach import load_checked_content
from flows.conditions import AnswerValue
from flows.content import Content
from flows.content_plan import DateRule
from flows.i18n import LANGS, Lang
from flows.networks import picked
from flows.occasions import occurs
from flows.render_calendar import render_calendar_ics
from flows.render_text import render_markdown
from tests.personas import CAREFUL_BAKERY

OFFERS = (
    "Pizza napoletana",
    "tè sfusi biologici",
    "ceramiche dipinte a mano",
    "consulenza fiscale per partite IVA",
    "tagli e colore",
    "imballaggi industriali su misura",
)
PLACEHOLDER = re.compile(r"\{[a-z_]+\}")


@cache
def _content() -> Content:
    return load_checked_content()


@st.composite
def interviews(draw: st.DrawFn) -> dict[str, AnswerValue]:
    """Answers a person could give, question by question, each asked only when it applies."""
    content = _content()
    answers: dict[str, AnswerValue] = {}
    for question in content.questions:
        if question.ask_if is not None and question.ask_if.evaluate(answers) is not True:
            continue
        if not question.required and draw(st.integers(0, 9)) == 0:
            answers[question.id] = None  # skipped
            continue
        options = content.options_of(question, answers)
        if question.kind == "text":
            answers[question.id] = draw(st.sampled_from(OFFERS))
        elif question.kind == "single":
            answers[question.id] = draw(st.sampled_from([o.id for o in options]))
        else:
            exclusive = [o.id for o in options if o.exclusive]
            plain = [o.id for o in options if not o.exclusive]
            if exclusive and draw(st.integers(0, 4)) == 0:
                answers[question.id] = [draw(st.sampled_from(exclusive))]
            else:
                answers[question.id] = draw(
                    st.lists(st.sampled_from(plain), min_size=1, unique=True)
                )
    return answers


def _public_holidays(card: StrategyCard) -> set[dt.date]:
    start = card.calendar.start
    years = [start.year, start.year + 1]
    return set(holidays.country_holidays("IT", years=years))


def _made(content: Content, answers: dict[str, AnswerValue], card: StrategyCard) -> set[str]:
    if card.starter is not None:
        return set(content.editorial.starter_content)
    return picked(content, answers, "content_types")


def _advice_texts(card: StrategyCard) -> str:
    """Every text of the card but the lines that name a network left for later."""
    text = render_markdown(card)
    for later in card.later:
        text = text.replace(later, "")
    return text


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    answers=interviews(),
    lang=st.sampled_from(LANGS),
    today=st.dates(dt.date(2026, 1, 1), dt.date(2031, 12, 31)),
)
def test_every_interview_gets_a_plan_it_can_follow(
    answers: dict[str, AnswerValue], lang: Lang, today: dt.date
) -> None:
    content = _content()
    card = build_card(content, answers, lang, today)
    calendar = card.calendar
    cadence = card.posts_per_week
    assert cadence >= 1
    assert calendar.start > today and calendar.start.weekday() == 0
    assert calendar.start - today <= dt.timedelta(days=7)

    networks = {plan.platform_id for plan in card.platforms}
    formats = {
        fmt.id: fmt
        for platform in content.platforms
        for fmt in platform.formats
        if platform.id in networks
    }
    made = _made(content, answers, card)
    closed = not content.trade(answers.get("business_type")).open_on_holidays  # type: ignore[arg-type]
    public = _public_holidays(card)
    ideas = [post.idea for post in calendar.posts]
    assert len(ideas) == len(set(ideas)), "four weeks never repeat an idea"
    for week in calendar.weeks:
        assert len(week.posts) == cadence, f"week {week.number}"
        assert all(week.start <= post.at.date() <= week.end for post in week.posts)
        for post in week.posts:
            assert post.platform_id in networks
            assert set(formats[post.format_id].needs) & made, post.format
            assert post.medium in post.idea_media, (post.format, post.idea)
            if post.kind == "regular":
                assert post.occasion is None, "a date's post keeps the date's own words"
            elif post.kind != "offer":
                assert post.occasion is not None
            if closed and post.at.date() in public:
                assert post.kind == "greeting"
        minutes = sum(post.minutes for post in week.posts)
        time = card.time
        assert minutes + time.reply_minutes + time.review_minutes <= time.minutes
        assert week.review.date() not in public and week.review.weekday() < 5
        assert not any(task.day in public or task.day.weekday() > 4 for task in week.tasks)
    greetings = sorted(p.at.date() for p in calendar.posts if p.kind == "greeting")
    assert all(b - a > dt.timedelta(days=1) for a, b in pairwise(greetings)), (
        "one greeting for days off in a row"
    )
    tasks = [task for week in calendar.weeks for task in week.tasks]
    for date in calendar.dates:
        named = [task for task in tasks if date.name in task.text]
        assert all(task.day < date.day for task in named), "every to-do comes before its date"
    offers = sum(1 for post in calendar.posts if post.promo)
    assert offers * 100 <= card.promo_percent * len(calendar.posts)
    stated = content.card.phrases["mix_count"](lang).format(offers=offers, posts=len(ideas))
    assert stated in card.mix

    text = render_markdown(card)
    ics = render_calendar_ics(card).decode("utf-8")
    assert not PLACEHOLDER.search(text), PLACEHOLDER.search(text)
    assert not PLACEHOLDER.search(ics.replace("\r\n ", ""))
    # WhatsApp Business is a booking and messaging tool here, not a network to post on.
    advice = _advice_texts(card).replace("WhatsApp Business", "")
    for platform in content.platforms:
        if platform.id not in networks:
            assert platform.name not in advice, platform.name
    for later in card.later:
        assert text.count(later) == 1


@pytest.fixture
def content() -> Content:
    return _content()


def _plan(
    content: Content, today: dt.date, lang: Lang = "it", **changes: AnswerValue
) -> StrategyCard:
    return build_card(content, {**CAREFUL_BAKERY, **changes}, lang, today)


def _names(card: StrategyCard) -> list[str]:
    return [date.name for date in card.calendar.dates]


def test_a_december_food_plan_has_the_holidays_each_with_its_post(content: Content) -> None:
    card = _plan(content, dt.date(2026, 12, 1))
    assert card.calendar.start == dt.date(2026, 12, 7)
    names = _names(card)
    for holiday in ("Immacolata Concezione", "Natale", "Santo Stefano", "Capodanno", "Epifania"):
        assert holiday in names
    by_name = {date.name: date for date in card.calendar.dates}
    posts = card.calendar.posts
    for holiday in ("Immacolata Concezione", "Natale", "Santo Stefano", "Capodanno"):
        day = by_name[holiday].day
        assert any(p.at.date() == day and p.occasion == holiday for p in posts), holiday
    # Epifania falls just after the four weeks: its teaser is inside them.
    teaser = [p for p in posts if p.occasion == "Epifania"]
    assert [p.kind for p in teaser] == ["teaser"] and teaser[0].at.date() <= card.calendar.end
    reviews = [week.review.date() for week in card.calendar.weeks]
    assert dt.date(2026, 12, 25) not in reviews and dt.date(2027, 1, 1) not in reviews
    assert reviews[2] == dt.date(2026, 12, 24) and reviews[3] == dt.date(2026, 12, 31)


def test_a_closed_shop_greets_on_christmas_and_posts_nothing_else_then(content: Content) -> None:
    card = _plan(content, dt.date(2026, 12, 1), business_type="services", hours="h6_10")
    holidays_in = {dt.date(2026, 12, 8), dt.date(2026, 12, 25), dt.date(2026, 12, 26)}
    on_holidays = [p for p in card.calendar.posts if p.at.date() in holidays_in]
    assert on_holidays and all(p.kind == "greeting" for p in on_holidays)
    assert len({p.at.date() for p in on_holidays}) == len(on_holidays), "one greeting a day at most"
    assert all(len(week.posts) == card.posts_per_week for week in card.calendar.weeks)


def test_february_brings_valentines_to_a_shop_and_womens_day_to_a_salon(content: Content) -> None:
    shop = _plan(content, dt.date(2027, 2, 1), "en", business_type="shop")
    assert "Valentine's Day" in _names(shop)
    assert any(p.occasion == "Valentine's Day" for p in shop.calendar.posts)
    salon = _plan(content, dt.date(2027, 2, 1), "it", business_type="services")
    assert "Festa della donna" in _names(salon)
    assert any(p.occasion == "Festa della donna" for p in salon.calendar.posts)


def test_an_online_shop_in_november_plans_black_friday(content: Content) -> None:
    card = _plan(content, dt.date(2026, 11, 16), "en", business_type="ecommerce", goal="branding")
    black_friday = [p for p in card.calendar.posts if p.occasion == "Black Friday"]
    assert any(p.at.date() == dt.date(2026, 11, 27) for p in black_friday)
    assert any(p.promo for p in black_friday), "a buying day carries one of the plan's offers"


def test_the_least_time_still_posts_every_week_and_fits(content: Content) -> None:
    card = _plan(content, dt.date(2026, 6, 1), hours="under_1", networks=["youtube"])
    assert card.posts_per_week == 1
    assert [len(week.posts) for week in card.calendar.weeks] == [1, 1, 1, 1]
    week = card.calendar.weeks[0].posts
    assert sum(p.minutes for p in week) + card.time.reply_minutes + 10 <= card.time.minutes
    assert any("YouTube" in later for later in card.later), "the left-out network is named"


def test_nothing_to_post_yet_starts_with_the_easy_format(content: Content) -> None:
    card = _plan(content, dt.date(2026, 6, 1), "en", content_types=["none_yet"])
    assert card.starter is not None
    photo_formats = {
        fmt.id for p in content.platforms for fmt in p.formats if "photos" in fmt.needs
    }
    assert all(post.format_id in photo_formats for post in card.calendar.posts)
    assert card.starter in render_markdown(card)


def test_a_window_across_the_new_year_and_a_leap_day(content: Content) -> None:
    across = _plan(content, dt.date(2027, 12, 20))
    assert across.calendar.start == dt.date(2027, 12, 27)
    assert across.calendar.end == dt.date(2028, 1, 23)
    names = {date.name: date.day for date in across.calendar.dates}
    assert names["Capodanno"] == dt.date(2028, 1, 1) and names["Epifania"] == dt.date(2028, 1, 6)
    assert names["Giornata mondiale della pizza"] == dt.date(2028, 1, 17)
    leap = _plan(content, dt.date(2028, 2, 20))
    days = {p.at.date() for p in leap.calendar.posts} | {
        w.review.date() for w in leap.calendar.weeks
    }
    assert leap.calendar.start <= dt.date(2028, 2, 29) <= leap.calendar.end
    assert all(d.year == 2028 for d in days)
    assert occurs(DateRule(month=2, day=29), 2027) is None
    assert occurs(DateRule(month=2, day=29), 2028) == dt.date(2028, 2, 29)


def test_date_rules_land_on_the_right_days() -> None:
    black_friday = DateRule(month=11, weekday=3, nth=4, after=1)
    assert occurs(black_friday, 2026) == dt.date(2026, 11, 27)
    assert occurs(DateRule(month=5, weekday=6, nth=2), 2027) == dt.date(2027, 5, 9)
    assert occurs(DateRule(month=5, weekday=6, nth=-1), 2026) == dt.date(2026, 5, 31)
    assert occurs(DateRule(easter=-2), 2027) == dt.date(2027, 3, 26)


def test_one_network_only_keeps_the_advice_on_it(content: Content) -> None:
    card = _plan(content, dt.date(2026, 9, 1), "en", networks=["facebook"], hours="h1_3")
    assert [plan.name for plan in card.platforms] == ["Facebook"]
    advice = _advice_texts(card)
    assert "Instagram" not in advice and "Reel" not in advice


def test_the_calendar_file_parses_back_with_every_post_task_review_and_date(
    content: Content,
) -> None:
    card = _plan(content, dt.date(2026, 12, 1), "en")
    parsed = icalendar.Calendar.from_ical(render_calendar_ics(card))
    events = list(parsed.walk("VEVENT"))
    weeks = card.calendar.weeks
    tasks = sum(len(week.tasks) for week in weeks)
    assert len(events) == len(card.calendar.posts) + tasks + len(weeks) + len(card.calendar.dates)
    starts: dict[str, list[dt.datetime]] = {}
    for event in events:
        start = event.decoded("dtstart")
        starts.setdefault(str(event.get("summary")), []).append(start)
    for post in card.calendar.posts:
        summary = f"{post.network} · {post.format}: {post.idea}"
        (start,) = [s for s in starts[summary]]
        assert start == post.at.replace(tzinfo=start.tzinfo)
        assert str(start.tzinfo) == "Europe/Rome"
    descriptions = [str(e.get("description")) for e in events]
    first = card.calendar.posts[0]
    assert any(first.idea in d and first.caption in d and first.cta in d for d in descriptions)
    reviews = [e for e in events if str(e.get("summary")) == card.review_task]
    assert len(reviews) == 4
    assert all(
        e.decoded("dtend") - e.decoded("dtstart") == dt.timedelta(minutes=10) for e in reviews
    )
    all_day = [e for e in events if not isinstance(e.decoded("dtstart"), dt.datetime)]
    assert len(all_day) == len(card.calendar.dates)
    assert any("Christmas Day" in str(e.get("summary")) for e in all_day)
    assert parsed.walk("VTIMEZONE"), "the zone travels with the file"


def test_the_readme_shows_a_piece_of_a_real_plan(content: Content) -> None:
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    piece = readme.split("```text\n**Settimana 3**", 1)[1].split("```", 1)[0]
    pizzeria = {
        **CAREFUL_BAKERY,
        "offer": "Pizza napoletana",
        "shop_area": "Napoli, Vomero",
        "hours": "h1_3",
        "networks": ["instagram"],
    }
    plan = render_markdown(build_card(content, pizzeria, "it", dt.date(2026, 12, 1)))
    lines = [line for line in piece.splitlines() if line.strip()]
    assert len(lines) > 8 and all(line in plan for line in lines)


def test_an_offices_sunday_deadline_moves_to_monday_and_its_posts_to_working_days(
    content: Content,
) -> None:
    accountant = {
        **CAREFUL_BAKERY,
        "business_type": "professional",
        "goal": "leads",
        "audience_where": "local",
        "networks": ["linkedin"],
        "content_types": ["texts", "photos"],
        "hours": "h3_6",
    }
    accountant.pop("shop_area")
    card = build_card(content, accountant, "it", dt.date(2026, 12, 1))
    vat = [p for p in card.calendar.posts if p.occasion == "Acconto IVA"]
    assert vat and all(p.at.weekday() < 5 for p in vat)
    assert all(p.at.date() not in _public_holidays(card) for p in vat)
    (listed,) = [d for d in card.calendar.dates if d.name == "Acconto IVA"]
    # 27 December 2026 is a Sunday: the payment, and so the date, moves to the Monday.
    assert listed.day == dt.date(2026, 12, 28) and "post" in listed.note


def test_a_dates_offer_leaves_the_trades_offers_for_other_weeks(content: Content) -> None:
    launch = {
        **CAREFUL_BAKERY,
        "business_type": "ecommerce",
        "goal": "launch",
        "audience_where": "italy",
        "hours": "over_10",
        "networks": ["instagram", "facebook", "pinterest"],
        "content_types": ["photos", "short_videos", "texts", "graphics"],
    }
    launch.pop("shop_area")
    card = build_card(content, launch, "en", dt.date(2026, 11, 1))
    posts = card.calendar.posts
    offers = [p for p in posts if p.promo]
    on_dates = [p for p in offers if p.occasion is not None]
    assert {p.occasion for p in on_dates} == {"Singles' Day (11.11)", "Black Friday"}
    trade_offers = len(content.trade("ecommerce").offers)
    quota = len(posts) * card.promo_percent // 100
    assert len(offers) == min(quota, len(on_dates) + trade_offers)


def test_the_first_card_loads_no_module_while_the_chats_wait() -> None:
    # In a fresh interpreter: the holidays library's country modules load with the coach.
    script = (
        "import sys\n"
        "from flows.coach import Coach, load_checked_content\n"
        "coach = Coach(load_checked_content())\n"
        "before = set(sys.modules)\n"
        "coach.build_card({'business_type': 'food'}, 'en')\n"
        "print(sorted(set(sys.modules) - before))\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parents[1],
    )
    assert run.stdout.strip() == "[]", run.stdout[:300]

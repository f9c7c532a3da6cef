"""The card follows the answers: networks, cadence, budget and actions change with them."""

from __future__ import annotations

from flows.card import StrategyCard, build_card, round_euros
from flows.coach import Coach
from flows.conditions import AnswerValue
from flows.i18n import Lang
from tests.personas import CAREFUL_BAKERY, play

B2B_ON_LINKEDIN: dict[str, AnswerValue] = {
    **CAREFUL_BAKERY,
    "business_type": "b2b",
    "goal": "leads",
    "audience": "businesses",
    "audience_where": "italy",
    "networks": ["linkedin"],
    "content_types": ["photos", "texts"],
    "hours": "h6_10",
}


def _card(coach: Coach, answers: dict[str, AnswerValue], lang: Lang = "en") -> StrategyCard:
    return play(coach, answers, lang).card.card


def test_networks_come_from_customers_and_fit_not_from_a_fixed_list(coach: Coach) -> None:
    b2b = _card(coach, B2B_ON_LINKEDIN)
    assert [p.platform_id for p in b2b.platforms] == ["linkedin"]
    bakery = _card(coach, CAREFUL_BAKERY)
    assert [p.platform_id for p in bakery.platforms] == ["instagram", "facebook"]
    assert bakery.platforms[0].reasons[0] == coach.content.card.phrases["reason_preferred"].en


def test_hours_decide_how_many_networks_and_how_often(coach: Coach) -> None:
    tiny = _card(coach, {**CAREFUL_BAKERY, "hours": "under_1"})
    assert len(tiny.platforms) == 1
    roomy = _card(
        coach,
        {**CAREFUL_BAKERY, "hours": "h6_10", "networks": ["instagram", "facebook", "whatsapp"]},
    )
    assert len(roomy.platforms) == 3
    assert roomy.platforms[2].tier == coach.content.card.phrases["secondary"].en
    mid = _card(coach, CAREFUL_BAKERY)

    def posts(card: StrategyCard) -> float:
        return sum(p.posts_per_week for p in card.platforms)

    # More time brings more posts, up to what four weeks of ideas can carry without repeats.
    assert posts(tiny) < posts(mid) <= posts(roomy)
    assert tiny.time.minutes < mid.time.minutes < roomy.time.minutes
    for plan in roomy.platforms:
        assert plan.posts_per_week <= coach.content.platform(plan.platform_id).cadence.max  # type: ignore[union-attr]


def test_formats_follow_what_the_business_can_make(coach: Coach) -> None:
    photos_only = _card(coach, {**CAREFUL_BAKERY, "content_types": ["photos"]})
    instagram = photos_only.platforms[0]
    assert "Reels" not in instagram.formats and instagram.formats
    nothing = _card(coach, {**CAREFUL_BAKERY, "content_types": ["none_yet"]})
    assert nothing.starter is not None
    assert nothing.platforms[0].formats[0].lower() in nothing.starter


def test_unsure_about_networks_gets_a_suggestion_with_a_reason(coach: Coach) -> None:
    card = _card(
        coach,
        {
            **CAREFUL_BAKERY,
            "networks": ["not_sure"],
            "audience": "young",
            "content_types": ["short_videos"],
        },
    )
    assert card.platforms
    suggested = coach.content.card.phrases["reason_suggested"].en.split("{")[0]
    assert card.platforms[0].reasons[0].startswith(suggested)


def test_budget_split_adds_up_to_the_monthly_amount(coach: Coach) -> None:
    card = _card(coach, {**CAREFUL_BAKERY, "budget": "b300_1000", "manager": "agency"}, "it")
    split = coach.content.card.splits["agency"]
    assert card.budget[0].startswith("Compenso dell'agenzia")
    for line, percent in zip(
        card.budget[:3], (split.people, split.content, split.promotion), strict=True
    ):
        assert f"circa {round_euros(600 * percent / 100)} € al mese" in line
    assert [round_euros(x) for x in (16, 32, 120, 420, 1060)] == [15, 30, 120, 400, 1100]
    zero = _card(coach, {**CAREFUL_BAKERY, "budget": "zero"})
    assert zero.budget[0] == coach.content.card.phrases["budget_zero"].en.format(
        hours="3–6 hours a week"
    )


def test_goal_sets_objective_kpis_and_mix(coach: Coach) -> None:
    launch = _card(coach, {**CAREFUL_BAKERY, "goal": "launch", "audience_where": "italy"})
    store = _card(coach, CAREFUL_BAKERY)
    assert launch.objective != store.objective
    assert "Bologna, quartiere Navile" in store.objective + store.target
    assert [k.name for k in launch.kpis] != [k.name for k in store.kpis]
    assert "70" in launch.mix and "80" in store.mix


def test_actions_follow_the_answers(coach: Coach) -> None:
    content = coach.content
    careful = build_card(content, CAREFUL_BAKERY, "en")
    careless = build_card(
        content, {**CAREFUL_BAKERY, "editorial_plan": "none", "manager": "nobody"}, "en"
    )

    def tasks(card: StrategyCard) -> list[str]:
        return [task.text for week in card.calendar.weeks for task in week.tasks]

    assert all(week.tasks for week in careful.calendar.weeks)
    pick = "Pick one person to answer comments and messages, and set their hours."
    assert pick in tasks(careless) and pick not in tasks(careful)
    assert all("{" not in text for text in tasks(careless))


def test_cadence_wording_matches_the_number_shown(coach: Coach) -> None:
    phrases = coach.content.card.phrases
    for hours in ("under_1", "h1_3", "h3_6", "h6_10", "over_10"):
        card = _card(coach, {**CAREFUL_BAKERY, "hours": hours})
        for plan in card.platforms:
            cadence = coach.content.platform(plan.platform_id).cadence  # type: ignore[union-attr]
            limits = {"min": f"{cadence.min:g}", "max": f"{cadence.max:g}"}
            shown = plan.posts_per_week
            assert shown >= 1
            # With time to spare the card asks for better posts, not for more of them.
            spare = phrases["cadence_spare"].en.split("{")[0] in card.cadence_total
            key = "cadence_below" if shown < cadence.min and not spare else "cadence_range"
            assert plan.cadence == phrases[key].en.format(posts=shown, **limits)

"""The teacher's class report: every number checked by hand, names only with consent."""

from __future__ import annotations

import io
import math
from dataclasses import dataclass
from fractions import Fraction

import pytest
from PIL import Image

from flows.card import build_card
from flows.coach import Coach
from flows.conditions import AnswerValue
from flows.content import Content
from flows.i18n import Lang
from flows.render_report import render_mistakes_chart
from flows.report import (
    ClassReport,
    Share,
    Submission,
    build_report,
    readiness_score,
    report_lines,
    report_sections,
)
from tests.personas import CAREFUL_BAKERY, MISTAKE_TRIGGERS, play


@dataclass(frozen=True)
class Student:
    """A scripted student: their changes to the careful bakery, and what they share."""

    changes: dict[str, AnswerValue]
    share: Share
    name: str | None
    mistakes: frozenset[str]
    """What the test expects them to get wrong, worked out by hand."""


def _triggers(*mistakes: str) -> dict[str, AnswerValue]:
    return dict(MISTAKE_TRIGGERS[m] for m in mistakes)


ALL_SIX = frozenset(MISTAKE_TRIGGERS)

CLASS = [
    Student({}, "named", "Giulia", frozenset()),
    Student(_triggers("promo_only"), "anonymous", "Hidden Hana", frozenset({"promo_only"})),
    Student(
        _triggers("instant_roi", "no_budget"),
        "no",
        "Secret Sam",
        frozenset({"instant_roi", "no_budget"}),
    ),
    Student(_triggers(*ALL_SIX), "named", None, ALL_SIX),
    # Unsure of the networks: the same-content question is never asked, so mistake 5 can't be.
    Student(
        {
            "goal": "leads",
            "audience_where": "region",
            "networks": ["not_sure"],
            "content_types": ["none_yet"],
            **_triggers("same_everywhere"),
        },
        "named",
        "  Luca   Bianchi ",
        frozenset(),
    ),
    Student(
        {
            "goal": "branding",
            "audience_where": "italy",
            "networks": ["instagram", "tiktok", "linkedin"],
            "preferred_network": "tiktok",
            "content_types": ["texts", "graphics"],
            "editorial_plan": "none",
        },
        "anonymous",
        None,
        frozenset({"no_plan"}),
    ),
]

EXPECTED_GOALS = [("store", 4), ("branding", 1), ("leads", 1)]
EXPECTED_NETWORKS = [
    ("instagram", 5),
    ("facebook", 4),
    ("tiktok", 1),
    ("linkedin", 1),
    ("not_sure", 1),
]
EXPECTED_FORMATS = [
    ("photos", 4),
    ("short_videos", 4),
    ("graphics", 1),
    ("texts", 1),
    ("none_yet", 1),
]
SECRET_NAMES = ("Hidden Hana", "Secret Sam")


def _submissions(coach: Coach, students: list[Student]) -> list[Submission]:
    """Play each student through the coach, so the answers are exactly what it stores."""
    return [
        Submission(play(coach, {**CAREFUL_BAKERY, **s.changes}).interview.answers, s.share, s.name)
        for s in students
    ]


def _report(coach: Coach, lang: Lang, students: list[Student] = CLASS) -> ClassReport:
    return build_report(
        coach.content,
        title="3B Marketing",
        case=coach.content.case("pizzeria"),
        joined=9,
        submissions=_submissions(coach, students),
        lang=lang,
    )


def _labels(
    content: Content, question_id: str, lang: Lang, expected: list[tuple[str, int]]
) -> list[tuple[str, int]]:
    options = {o.id: o.label(lang) for o in content.question(question_id).options}
    return [(options[option_id], count) for option_id, count in expected]


def _half_up(number: Fraction) -> int:
    return math.floor(number + Fraction(1, 2))


@pytest.mark.parametrize("lang", ["it", "en"])
def test_every_number_matches_a_hand_count(coach: Coach, lang: Lang) -> None:
    content = coach.content
    report = _report(coach, lang)

    assert report.title == "3B Marketing"
    assert report.case == content.case("pizzeria").title(lang)  # type: ignore[union-attr]
    assert (report.joined, report.finished) == (9, len(CLASS))
    assert report.objectives == _labels(content, "goal", lang, EXPECTED_GOALS)
    assert report.networks == _labels(content, "networks", lang, EXPECTED_NETWORKS)
    assert report.formats == _labels(content, "content_types", lang, EXPECTED_FORMATS)

    by_number = sorted(content.mistakes, key=lambda m: m.number)
    assert report.mistakes == [
        (m.number, m.title(lang), sum(m.id in s.mistakes for s in CLASS)) for m in by_number
    ]
    assert [m.students for m in report.mistakes] == [2, 2, 1, 2, 1, 2]

    scores = [_half_up(Fraction(100 * (6 - len(s.mistakes)), 6)) for s in CLASS]
    assert scores == [100, 83, 67, 0, 100, 83]
    average = Fraction(sum(scores), len(scores))
    assert report.readiness == _half_up(average * 10) / 10 == 72.2


def test_readiness_counts_the_mistakes_avoided(content: Content) -> None:
    every_mistake = {**CAREFUL_BAKERY, **_triggers(*ALL_SIX)}
    assert readiness_score(content, CAREFUL_BAKERY) == 100
    assert readiness_score(content, every_mistake) == 0
    for mistake in MISTAKE_TRIGGERS:
        assert readiness_score(content, {**CAREFUL_BAKERY, **_triggers(mistake)}) == 83
    assert readiness_score(content, {**CAREFUL_BAKERY, **_triggers("promo_only", "no_plan")}) == 67


def test_excerpts_only_for_consenting_students_and_names_only_when_named(coach: Coach) -> None:
    content = coach.content
    report = _report(coach, "en")
    sharing = [s for s in CLASS if s.share != "no"]
    assert len(report.excerpts) == len(sharing) == 5

    labels = [line.removeprefix("• ").split(":")[0] for line in report.excerpts]
    assert labels == ["Giulia", "Luca Bianchi", "Student 1", "Student 2", "Student 3"]

    # Each line is the student's goal and their card's primary networks.
    giulia = play(coach, CAREFUL_BAKERY).interview.answers
    card = build_card(content, giulia, "en")
    primary = [p.name for p in card.platforms if p.tier == "primary"]
    assert (
        report.excerpts[0]
        == f"• Giulia: Bring people to my shop or venue · {' and '.join(primary)}"
    )
    # Anonymous lines come sorted, so their order says nothing about who finished when.
    anonymous = [line.split(": ", 1)[1] for line in report.excerpts[2:]]
    assert anonymous == sorted(anonymous)
    assert anonymous[-1].startswith("Get known (brand awareness) · ")

    everything = "\n".join(report_lines(report, content, "en")) + repr(report)
    for secret in SECRET_NAMES:
        assert secret not in everything


def test_nobody_sharing_says_so(coach: Coach) -> None:
    private = [Student(s.changes, "no", s.name, s.mistakes) for s in CLASS]
    report = _report(coach, "en", private)
    assert report.excerpts == []
    lines = report_lines(report, coach.content, "en")
    assert coach.content.report["no_excerpts"]("en") in lines
    assert not any(name in line for line in lines for name in ("Giulia", "Luca"))


@pytest.mark.parametrize(
    ("lang", "heading", "readiness", "mistake_1"),
    [
        ("it", "Report della classe «3B Marketing»", "72,2", ": 2 su 6"),
        ("en", "Class report: 3B Marketing", "72.2", ": 2 of 6"),
    ],
)
def test_report_reads_as_plain_text_in_each_language(
    coach: Coach, lang: Lang, heading: str, readiness: str, mistake_1: str
) -> None:
    content = coach.content
    lines = report_lines(_report(coach, lang), content, lang)
    text = "\n".join(lines)
    assert lines[0] == heading
    assert content.case("pizzeria").title(lang) in lines[1]  # type: ignore[union-attr]
    assert lines[2] == content.report["progress"](lang).format(joined=9, finished=6)
    first_mistake = next(line for line in lines if line.startswith("1. "))
    assert first_mistake.endswith(mistake_1)
    assert readiness in text
    assert content.report["readiness_explained"](lang) in text
    for key in ("section_objectives", "section_networks", "section_mistakes", "section_excerpts"):
        assert content.report[key](lang) in lines
    assert not any(mark in text for mark in ("{", "}", "<b>", "</", "**", "__"))
    assert "" in lines and lines[-1] != ""
    other: Lang = "en" if lang == "it" else "it"
    assert content.report["section_mistakes"](other) not in lines


def test_sections_match_the_lines(coach: Coach) -> None:
    report = _report(coach, "it")
    sections = report_sections(report, coach.content, "it")
    flat = [line for s in sections for line in [s.title, *s.lines] if line]
    assert flat == [line for line in report_lines(report, coach.content, "it") if line]


@pytest.mark.parametrize("lang", ["it", "en"])
def test_nobody_finished_yet(content: Content, lang: Lang) -> None:
    report = build_report(content, title="3B", case=None, joined=4, submissions=[], lang=lang)
    assert (report.joined, report.finished, report.readiness) == (4, 0, None)
    assert report.objectives == report.networks == report.formats == []
    assert report.excerpts == []
    assert [m.number for m in report.mistakes] == [1, 2, 3, 4, 5, 6]
    assert all(m.students == 0 for m in report.mistakes)
    lines = report_lines(report, content, lang)
    assert lines[1] == content.report["own_business"](lang)
    assert lines[-1] == content.report["nobody_finished"](lang)
    assert content.report["section_mistakes"](lang) not in lines


@pytest.mark.parametrize("lang", ["it", "en"])
def test_a_teachers_own_case_is_named_not_taken_for_own_businesses(
    content: Content, lang: Lang
) -> None:
    brief = "Una cantina di Asti\nche vende online " + "e in negozio " * 20
    report = build_report(
        content, title="4A", case=None, joined=0, submissions=[], lang=lang, brief=brief
    )
    intro = report_lines(report, content, lang)[1]
    assert intro.startswith(
        content.report["teacher_case"](lang).format(brief="Una cantina di Asti")
    )
    assert "\n" not in intro and intro.endswith("…") and len(report.brief or "") <= 160
    assert content.report["own_business"](lang) not in report_lines(report, content, lang)


def test_joined_is_never_below_finished(coach: Coach) -> None:
    report = build_report(
        coach.content,
        title="3B",
        case=None,
        joined=1,
        submissions=_submissions(coach, CLASS[:3]),
        lang="en",
    )
    assert (report.joined, report.finished) == (3, 3)


def _png(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    assert image.format == "PNG"
    image.load()
    return image


@pytest.mark.parametrize("lang", ["it", "en"])
def test_the_chart_is_a_phone_sized_png(coach: Coach, lang: Lang) -> None:
    image = _png(render_mistakes_chart(_report(coach, lang), coach.content, lang))
    assert image.width == 1080
    assert 1080 <= image.height <= 2 * 1080
    assert image.width + image.height <= 10_000


def test_different_reports_draw_different_charts(coach: Coach) -> None:
    content = coach.content
    whole = render_mistakes_chart(_report(coach, "en"), content, "en")
    part = render_mistakes_chart(_report(coach, "en", CLASS[:2]), content, "en")
    italian = render_mistakes_chart(_report(coach, "it"), content, "it")
    assert len({whole, part, italian}) == 3
    assert _png(whole).tobytes() != _png(part).tobytes()


def test_the_chart_of_an_empty_class_renders(content: Content) -> None:
    report = build_report(
        content, title="🎓 3B «Marketing» – sera", case=None, joined=0, submissions=[], lang="it"
    )
    image = _png(render_mistakes_chart(report, content, "it"))
    assert image.width == 1080 and image.height >= 1080


def test_every_case_is_bilingual_and_fits_a_screen(content: Content) -> None:
    assert [c.id for c in content.cases] == ["pizzeria", "consulting", "ceramics", "teashop", "gym"]
    for case in content.cases:
        for lang in ("it", "en"):
            assert 200 <= len(case.brief(lang)) <= 600
            assert case.title(lang)
    assert content.case("nowhere") is None

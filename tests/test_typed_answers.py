"""Typed answers to choice questions: words, synonyms, typos, amounts, lists, questions back."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest

from flows.coach import Coach
from flows.conditions import AnswerValue
from flows.i18n import Lang
from flows.machine import Interview
from flows.outputs import ClarifyView, Echo, Notice, Output, QuestionView
from flows.typed_replies import spoken

NETWORKS_PICKED = ["instagram", "facebook", "tiktok"]


@dataclass(frozen=True)
class Ask:
    """A question back offering exactly these options."""

    options: frozenset[str]


@dataclass(frozen=True)
class Reask:
    """A refusal with this key; nothing stored."""

    key: str


Expected = str | list[str] | Ask | Reask


def ask(*options: str) -> Ask:
    return Ask(frozenset(options))


# (interview language, question, typed, what it must mean)
CASES: list[tuple[Lang, str, str, Expected]] = [
    # The trade, by a word of the trade, in either language
    ("it", "business_type", "parrucchiera", "services"),
    ("it", "business_type", "barbiere", "services"),
    ("it", "business_type", "palestra", "services"),
    ("en", "business_type", "gym", "services"),
    ("en", "business_type", "hairdresser", "services"),
    ("it", "business_type", "ho un bar", "food"),
    ("it", "business_type", "pizzeria", "food"),
    ("en", "business_type", "bakery", "food"),
    ("en", "business_type", "lawyer", "professional"),
    ("it", "business_type", "commercialista", "professional"),
    ("it", "business_type", "negozio online", "ecommerce"),
    ("it", "business_type", "negozio di scarpe", "shop"),
    ("en", "business_type", "e-commerce", "ecommerce"),
    ("it", "business_type", "3", "services"),
    ("it", "business_type", "Servizi alla persna", "services"),
    # Text in the other language still matches
    ("it", "business_type", "hairdresser", "services"),
    ("en", "business_type", "parrucchiere", "services"),
    ("en", "manager", "io", "owner"),
    ("it", "manager", "myself", "owner"),
    # Short answers and synonyms
    ("it", "manager", "io", "owner"),
    ("en", "manager", "me", "owner"),
    ("en", "manager", "myself", "owner"),
    ("it", "manager", "un'agenzia", "agency"),
    ("it", "manager", "nessuno", "nobody"),
    ("it", "stage", "pubblico ogni tanto", "irregular"),
    ("en", "stage", "never", "not_started"),
    ("it", "what_works", "le recensioni", "customers"),
    ("it", "what_works", "foto e video", "product"),
    ("it", "goal", "farmi conoscere", "branding"),
    ("en", "goal", "enquiries", "leads"),
    ("it", "audience_where", "in zona", "local"),
    ("en", "audience_where", "worldwide", "abroad"),
    ("it", "social_use", "solo offerte", "promo_only"),
    ("it", "payoff", "subito", "sales_now"),
    ("en", "payoff", "not sure", "unsure"),
    ("it", "budget", "niente", "zero"),
    ("it", "budget", "zero", "zero"),
    ("en", "budget", "nothing", "zero"),
    ("it", "same_content", "sì", "identical"),
    ("en", "same_content", "yes", "identical"),
    ("it", "editorial_plan", "quando mi viene l'ispirazione", "when_inspired"),
    # Amounts, mapped to the option whose range holds them
    ("it", "hours", "2 ore", "h1_3"),
    ("it", "hours", "2h", "h1_3"),
    ("en", "hours", "two hours", "h1_3"),
    ("it", "hours", "due ore", "h1_3"),
    ("it", "hours", "1,5 ore", "h1_3"),
    ("it", "hours", "più di 10", "over_10"),
    ("en", "hours", "10+", "over_10"),
    ("en", "hours", "More than 10 hous", "over_10"),
    ("it", "hours", "meno di un'ora", "under_1"),
    ("it", "hours", "mezz'ora", "under_1"),
    ("it", "hours", "12", "over_10"),  # no option 12: twelve hours
    ("it", "hours", "2", "h1_3"),  # option 2 and two hours agree
    ("it", "hours", "3", "h3_6"),  # option 3 is 3–6 hours, which holds three hours
    ("it", "hours", "1-3", "h1_3"),
    ("it", "hours", "1,5", "h1_3"),  # a decimal comma where hours are counted
    ("en", "budget", "1,000", "b300_1000"),
    ("it", "hours", "30 minuti", Reask("error_not_understood")),  # not a week's hours
    ("it", "budget", "200 euro all'anno", Reask("error_not_understood")),
    ("it", "payoff", "non subito", ask("unsure")),  # never "straight away"
    ("it", "stage", "non sempre", Reask("error_not_understood")),
    ("it", "audience", "20-40", ask("young", "young_adults", "adults")),
    ("en", "networks", "instagram facebook", ["instagram", "facebook"]),
    ("it", "manager", "io e un'agenzia", ask("owner", "agency")),
    ("it", "what_works", "foto e offerte", ask("product", "offers")),
    ("it", "budget", "50 euro", "under_100"),
    ("it", "budget", "€50", "under_100"),
    ("it", "budget", "50€", "under_100"),
    ("en", "budget", "200 euros", "b100_300"),
    ("it", "budget", "2000 €", "over_1000"),
    ("it", "budget", "1.500 euro", "over_1000"),
    ("en", "budget", "over €1,000", "over_1000"),
    ("it", "budget", "0", "zero"),
    ("it", "audience", "donne 30-50 anni", "adults"),
    ("en", "audience", "women 30-50", "adults"),
    ("it", "audience", "25 anni", "young_adults"),
    ("it", "audience", "25", "young_adults"),
    ("it", "audience", "sotto i 25", "young"),
    ("en", "audience", "over 55", "seniors"),
    ("it", "audience", "mamme", "families"),
    ("en", "audience", "students", "young"),
    # Lists for multiple choice
    ("it", "networks", "instagram, facebook", ["instagram", "facebook"]),
    ("it", "networks", "instagram e facebook", ["instagram", "facebook"]),
    ("en", "networks", "insta and fb", ["instagram", "facebook"]),
    ("it", "networks", "instagram e facebok", ["instagram", "facebook"]),
    ("en", "networks", "Instagarm", ["instagram"]),
    (
        "it",
        "networks",
        "tutti",
        ["instagram", "facebook", "tiktok", "linkedin", "youtube", "pinterest", "whatsapp"],
    ),
    (
        "it",
        "networks",
        "tutti tranne tiktok",
        ["instagram", "facebook", "linkedin", "youtube", "pinterest", "whatsapp"],
    ),
    (
        "en",
        "networks",
        "all except tiktok and linkedin",
        ["instagram", "facebook", "youtube", "pinterest", "whatsapp"],
    ),
    ("it", "networks", "non lo so", ["not_sure"]),
    ("it", "networks", "2 ,, 1 ;1", ["instagram", "facebook"]),
    ("it", "content_types", "foto e video", ["photos", "short_videos"]),
    ("it", "content_types", "foto, video", ["photos", "short_videos"]),
    ("en", "content_types", "photos and reels", ["photos", "short_videos"]),
    ("it", "content_types", "video lunghi o tutorial", ["long_videos"]),
    ("it", "content_types", "foto e video lungo", ["photos", "long_videos"]),
    ("it", "networks", "instagram e tik", ["instagram", "tiktok"]),
    ("en", "goal", "get more customers in the shop", "store"),
    ("en", "business_type", "we sell to companies", "b2b"),
    ("en", "editorial_plan", "nothing written, just ideas", "in_head"),
    ("it", "content_types", "niente", ["none_yet"]),
    ("it", "preferred_network", "insta", "instagram"),
    # A question back, not a guess
    ("it", "hours", "5", ask("h3_6", "over_10")),  # five hours, or option 5?
    ("en", "hours", "1", ask("under_1", "h1_3")),
    ("it", "hours", "4", ask("h3_6", "h6_10")),
    ("it", "hours", "3 ore", ask("h1_3", "h3_6")),  # on the border of two ranges
    ("it", "budget", "300", ask("b100_300", "b300_1000")),
    ("it", "editorial_plan", "no", ask("when_inspired", "none")),
    ("it", "same_content", "no", ask("adapted", "native")),
    ("it", "preferred_network", "instagram e facebook", ask("instagram", "facebook")),
    # Bad input: a clear re-ask, never a crash or a silent wrong answer
    ("it", "business_type", "9", Reask("error_out_of_range")),
    ("it", "goal", "0", Reask("error_out_of_range")),
    ("it", "business_type", "1,1,2", Reask("error_only_one")),
    ("it", "business_type", "1-3", Reask("error_only_one")),
    ("en", "goal", "1,3", Reask("error_only_one")),
    ("it", "business_type", "👍👍", Reask("error_not_understood")),
    ("en", "goal", "🚀🔥", Reask("error_not_understood")),
    ("it", "business_type", "x" * 5000, Reask("error_choice_too_long")),
    ("it", "business_type", "<b>negozio</b> <script>", ask("shop")),  # a word in the markup
    ("it", "business_type", "<script>alert(1)</script>", Reask("error_not_understood")),
    ("en", "goal", "<i>1</i>", Reask("error_not_understood")),
    ("it", "goal", "3 ore", Reask("error_not_understood")),  # an amount where none fits
    ("en", "networks", "instagram e non lo so", Reask("error_exclusive")),
    ("en", "networks", "1, 99", Reask("error_out_of_range")),
    ("it", "networks", "instagram, blabla", Reask("error_not_understood")),
    ("it", "hours", "-1", Reask("error_not_understood")),
    ("it", "business_type", "", Reask("error_empty_choice")),
]


def at(coach: Coach, question_id: str, lang: Lang) -> Interview:
    """An interview standing at this question, with the answers that lead there."""
    answers: dict[str, AnswerValue] = {
        "business_type": "services",
        "stage": "regular",
        "goal": "branding",
        "networks": NETWORKS_PICKED,
    }
    answers.pop(question_id, None)
    return coach.resume(lang, question_id, answers, [])


def typed(coach: Coach, lang: Lang, question_id: str, text: str) -> tuple[Interview, list[Output]]:
    interview = at(coach, question_id, lang)
    return interview, list(coach.answer_typed(interview, text))


def test_the_table_is_big_and_in_both_languages() -> None:
    assert len(CASES) >= 80
    assert {lang for lang, *_ in CASES} == {"it", "en"}


@pytest.mark.parametrize(("lang", "question_id", "text", "expected"), CASES)
def test_a_typed_answer_means_what_was_meant(
    coach: Coach, lang: Lang, question_id: str, text: str, expected: Expected
) -> None:
    interview, outputs = typed(coach, lang, question_id, text)
    try:
        if isinstance(expected, Ask):
            assert len(outputs) == 1, outputs
            (back,) = outputs
            assert isinstance(back, ClarifyView) and back.question_id == question_id
            assert {choice.id for choice in back.choices} == expected.options
            assert interview.state == question_id and question_id not in interview.answers
        elif isinstance(expected, Reask):
            notice, again = outputs
            assert isinstance(notice, Notice) and notice.is_error, outputs
            assert notice.key == expected.key, notice
            assert isinstance(again, QuestionView) and again.id == question_id
            assert interview.state == question_id and question_id not in interview.answers
        else:
            assert interview.answers.get(question_id) == expected, outputs
            echo = outputs[0]
            assert isinstance(echo, Echo) and echo.question_id == question_id
    finally:
        coach.release(interview)


def _typo(label: str) -> str | None:
    """Swap two letters in the middle of the label's longest word (of five letters or more)."""
    words = [word for word in re.findall(r"[^\W\d_]+", label) if len(word) >= 5]
    if not words:
        return None
    word = max(words, key=len)
    middle = len(word) // 2
    slipped = word[: middle - 1] + word[middle] + word[middle - 1] + word[middle + 1 :]
    return label.replace(word, slipped, 1)


def _label_typos(coach: Coach) -> list[tuple[str, str, str]]:
    content = coach.content
    typos = []
    for question in content.questions:
        if question.kind == "text" or question.options_from:  # those labels are asked elsewhere
            continue
        for option in question.options:
            for lang in ("it", "en"):
                slipped = _typo(spoken(option.label(lang)))
                if slipped is not None:
                    typos.append((question.id, option.id, slipped))
    return typos


def test_a_typo_in_any_option_label_still_finds_the_option(coach: Coach) -> None:
    typos = _label_typos(coach)
    assert len(typos) > 100
    wrong = []
    for question_id, option_id, slipped in typos:
        interview, outputs = typed(coach, "en", question_id, slipped)
        value = interview.answers.get(question_id)
        coach.release(interview)
        if value not in (option_id, [option_id]):
            wrong.append((question_id, slipped, outputs[0]))
    assert not wrong, wrong


def test_five_on_the_hours_question_asks_in_words_and_a_number_settles_it(coach: Coach) -> None:
    interview, outputs = typed(coach, "en", "hours", "5")
    (back,) = outputs
    assert isinstance(back, ClarifyView)
    assert "“5”" in back.text
    labels = [choice.label for choice in back.choices]
    assert labels == ["5 hours a week → 3–6 hours", "option 5 → More than 10 hours"]
    after = list(coach.answer_options(interview, [back.choices[0].id], echo=True))
    assert interview.answers["hours"] == "h3_6"
    assert isinstance(after[0], Echo) and after[0].answer == "3–6 hours"
    coach.release(interview)


def test_a_list_with_one_unclear_item_asks_about_it_and_keeps_the_rest(coach: Coach) -> None:
    interview, outputs = typed(coach, "en", "networks", "instagram and link")
    (back,) = outputs
    assert isinstance(back, ClarifyView) and "“link”" in back.text
    assert back.sure == ["instagram"] and [choice.id for choice in back.choices] == ["linkedin"]
    coach.answer_options(interview, [*back.sure, "linkedin"], echo=True)
    assert interview.answers["networks"] == ["instagram", "linkedin"]
    coach.release(interview)


def test_a_refusal_says_what_was_not_understood_with_examples(coach: Coach) -> None:
    interview, outputs = typed(coach, "it", "goal", "boh boh")
    notice, again = outputs
    assert isinstance(notice, Notice) and "«boh boh»" in notice.text
    assert len(re.findall("«", notice.text)) >= 3, "two or three examples in words"
    assert "virgola" not in notice.text, "one answer only: no talk of commas"
    assert isinstance(again, QuestionView) and again.brief
    notice, again = coach.answer_typed(interview, "ancora boh")
    assert isinstance(again, QuestionView) and not again.brief, "the options again, in full"
    coach.release(interview)
    interview, outputs = typed(coach, "en", "networks", "myspace")
    notice = outputs[0]
    assert isinstance(notice, Notice) and "commas" in notice.text
    coach.release(interview)


def test_after_back_an_empty_line_or_skip_keeps_the_answer(coach: Coach) -> None:
    interview = at(coach, "hours", "it")
    coach.answer_typed(interview, "2 ore")
    coach.back(interview)
    assert interview.state == "hours"
    kept = list(coach.answer_typed(interview, ""))
    assert isinstance(kept[0], Echo) and interview.answers["hours"] == "h1_3"
    coach.back(interview)
    coach.skip(interview)
    assert interview.state != "hours" and interview.answers["hours"] == "h1_3"
    coach.back(interview)
    coach.restart(interview)
    coach.release(interview)
    interview = at(coach, "hours", "it")
    coach.skip(interview)
    assert interview.answers["hours"] is None, "skip leaves unanswered only what had no answer"
    coach.release(interview)


def test_a_typed_text_is_said_back_only_when_it_replaces_an_answer(coach: Coach) -> None:
    interview = at(coach, "offer", "it")
    first = list(coach.answer_typed(interview, "tagli e colore"))
    assert not any(isinstance(o, Echo) for o in first)
    coach.back(interview)
    again = list(coach.answer_typed(interview, "tagli, colore e pieghe"))
    echo = again[0]
    assert isinstance(echo, Echo) and echo.answer == "tagli, colore e pieghe"
    coach.release(interview)

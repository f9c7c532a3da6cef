"""Scripted personas: answers by question id, played through the coach like a person would."""

from __future__ import annotations

from dataclasses import dataclass, field

from flows.coach import Coach
from flows.conditions import AnswerValue
from flows.i18n import Lang
from flows.machine import Interview
from flows.outputs import CardView, MistakeView, Output, QuestionView

CAREFUL_BAKERY: dict[str, AnswerValue] = {
    "business_type": "food",
    "offer": "Dolci artigianali senza glutine",
    "stage": "regular",
    "what_works": "product",
    "goal": "store",
    "shop_area": "Bologna, quartiere Navile",
    "audience": "families",
    "networks": ["instagram", "facebook"],
    "preferred_network": "instagram",
    "content_types": ["photos", "short_videos"],
    "hours": "h3_6",
    "social_use": "conversation",
    "payoff": "audience_first",
    "manager": "dedicated",
    "budget": "b100_300",
    "same_content": "adapted",
    "editorial_plan": "written",
}

# A hairdresser who types every answer in words, up to the hours question.
HAIRDRESSER_TYPING = [
    "parrucchiera",
    "tagli e colore per donne",
    "pubblico ogni tanto",
    "più clienti in salone",
    "Torino, San Salvario",
    "donne 30-50 anni",
    "instagram, facebook",
    "instagram",
    "foto e video",
]

# One change to the careful persona per mistake: (question that reveals it, answer).
MISTAKE_TRIGGERS: dict[str, tuple[str, AnswerValue]] = {
    "promo_only": ("social_use", "promo_only"),
    "instant_roi": ("payoff", "sales_now"),
    "marketing_dept": ("manager", "marketing_dept"),
    "no_budget": ("budget", "zero"),
    "same_everywhere": ("same_content", "identical"),
    "no_plan": ("editorial_plan", "when_inspired"),
}


@dataclass
class Turn:
    """What the coach showed right after one answer."""

    question_id: str
    outputs: list[Output]

    @property
    def mistakes(self) -> list[str]:
        return [o.id for o in self.outputs if isinstance(o, MistakeView)]


@dataclass
class Played:
    """A whole interview played by a persona."""

    interview: Interview
    turns: list[Turn] = field(default_factory=list)

    @property
    def card(self) -> CardView:
        last = self.turns[-1].outputs[-1]
        assert isinstance(last, CardView)
        return last

    def turn_for(self, question_id: str) -> Turn:
        return next(t for t in self.turns if t.question_id == question_id)

    @property
    def asked(self) -> list[str]:
        return [t.question_id for t in self.turns]


def play(coach: Coach, answers: dict[str, AnswerValue], lang: Lang = "en") -> Played:
    """Answer every question the coach asks from the script, tapping options or typing text."""
    interview = coach.new_interview(lang)
    played = Played(interview)
    outputs = coach.current(interview)
    while isinstance(outputs[-1], QuestionView):
        question = outputs[-1]
        value = answers[question.id]
        if question.kind == "text":
            assert isinstance(value, str)
            outputs = coach.answer_typed(interview, value)
        else:
            ids = [value] if isinstance(value, str) else list(value or [])
            outputs = coach.answer_options(interview, ids)
        played.turns.append(Turn(question.id, outputs))
        assert len(played.turns) <= len(coach.content.questions), "the interview does not end"
    return played

"""Varied simulated business owners: random but valid answers, played through the coach."""

from __future__ import annotations

import random
from dataclasses import dataclass

from flows.coach import Coach
from flows.conditions import AnswerValue
from flows.i18n import Lang
from flows.outputs import Notice, QuestionView

TYPED: dict[Lang, tuple[str, ...]] = {
    "it": (
        "Dolci artigianali senza glutine",
        "Consulenza fiscale per partite IVA",
        "Bologna, quartiere Navile",
        "Ceramiche dipinte a mano",
        "Taglio e piega",
        "Torino centro",
    ),
    "en": (
        "Gluten-free handmade cakes",
        "Tax advice for freelancers",
        "Leeds city centre",
        "Hand-painted ceramics",
        "Bike repairs and rentals",
        "Old town, next to the market",
    ),
}


@dataclass(frozen=True)
class Answer:
    """One question as the persona answers it: typed text, one option, or several."""

    question: str
    kind: str  # "text", "single" or "multi"
    prompt: str
    value: tuple[str, ...]  # the typed text, or the option ids in tapping order

    @property
    def taps(self) -> int:
        """How many updates this answer takes: toggles and Done for several options."""
        return len(self.value) + 1 if self.kind == "multi" else 1


@dataclass(frozen=True)
class Persona:
    """A whole interview: the answers in the order asked, and what the card is built from."""

    lang: Lang
    script: tuple[Answer, ...]
    expected: dict[str, AnswerValue]

    @property
    def updates(self) -> int:
        """Updates a whole interview takes, counting the /start that opens it."""
        return 1 + sum(answer.taps for answer in self.script)


def _pick(question: QuestionView, rng: random.Random) -> tuple[str, ...]:
    ids = [choice.id for choice in question.choices]
    if question.kind == "single":
        return (rng.choice(ids),)
    exclusive = [i for i in ids if i in question.exclusive]
    plain = [i for i in ids if i not in question.exclusive]
    if exclusive and (not plain or rng.random() < 0.1):
        return (rng.choice(exclusive),)
    return tuple(rng.sample(plain, rng.randint(1, min(3, len(plain)))))


def random_persona(coach: Coach, rng: random.Random, lang: Lang) -> Persona:
    """Play one interview with random valid answers; return its script and final answers."""
    interview = coach.new_interview(lang)
    script: list[Answer] = []
    try:
        outputs = coach.current(interview)
        while isinstance(question := outputs[-1], QuestionView):
            if question.kind == "text":
                value: tuple[str, ...] = (rng.choice(TYPED[lang]),)
                outputs = coach.answer_typed(interview, value[0])
            else:
                value = _pick(question, rng)
                outputs = coach.answer_options(interview, list(value))
            if any(isinstance(o, Notice) and o.is_error for o in outputs):
                raise ValueError(f"the coach refused {value} for {question.id}: {outputs}")
            script.append(Answer(question.id, question.kind, question.prompt, value))
        return Persona(lang, tuple(script), dict(interview.answers))
    finally:
        coach.release(interview)


def personas(coach: Coach, count: int, seed: int = 7) -> list[Persona]:
    """Count personas, Italian and English alternately, the same for the same seed."""
    rng = random.Random(seed)
    langs: tuple[Lang, Lang] = ("it", "en")
    return [random_persona(coach, rng, langs[i % 2]) for i in range(count)]

"""Content models and the loader that validates content/ at start-up."""

from __future__ import annotations

import itertools
from collections.abc import Collection, Iterable, Iterator, Mapping
from pathlib import Path
from string import Formatter
from typing import Annotated, Any, Literal, cast

import yaml
from pydantic import BaseModel, Field, ValidationError, field_validator, model_validator

from flows.budget import REPLY_CHECKS_OFFERED as REPLY_CHECKS
from flows.conditions import AnswerIn, Answers, AnswerValue, Condition, holds
from flows.i18n import LANGS, StrictModel, Text
from flows.typed_words import Range, TypingWords, Words

Id = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=32)]
"""Stable ids: short enough for Telegram's 64-byte callback data."""


MAX_IDS_IN_BUTTON = 54
"""Telegram's 64-byte callback data holds an action, an interview id and these two ids."""


class Option(StrictModel):
    """One choice of a question."""

    id: Id
    label: Text
    short: Text | None = None
    exclusive: bool = False
    value: float | None = None
    words: Words = Words()
    """What people type for this option besides its label, in either language."""
    range: Range | None = None
    """The amounts it stands for, in its question's unit ("2 ore" is 1–3 hours)."""


class Question(StrictModel):
    """One planning question."""

    id: Id
    kind: Literal["single", "multi", "text"]
    prompt: Text
    help: Text
    options: list[Option] = []
    options_from: Id | None = None
    ask_if: Condition | None = None
    required: bool = False
    min_length: int = Field(default=2, ge=1)
    max_length: int = Field(default=120, ge=1)
    place: bool = False
    """A typed place name: title-cased in sentences when typed all in lower case."""
    unit: Id | None = None
    """The unit of its options' ranges (see typing.yaml), for answers typed as amounts."""

    @model_validator(mode="after")
    def _options_fit_kind(self) -> Question:
        if self.kind == "text" and (self.options or self.options_from):
            raise ValueError("a text question has no options")
        if self.kind != "text" and not self.options and not self.options_from:
            raise ValueError(f"a {self.kind} question needs options or options_from")
        if self.options and self.options_from:
            raise ValueError("give either options or options_from, not both")
        return self


class MistakeVariant(StrictModel):
    """A mistake worded for the answers in `when` (for example, someone who has not started)."""

    when: Condition
    why: Text | None = None
    fix: Text | None = None
    card_fix: Text | None = None

    @model_validator(mode="after")
    def _words_something(self) -> MistakeVariant:
        if self.why is None and self.fix is None and self.card_fix is None:
            raise ValueError("a variant words at least one of why, fix, card_fix")
        return self


class Mistake(StrictModel):
    """One of the six common mistakes, and the answers that reveal it."""

    id: Id
    number: int = Field(ge=1, le=6)
    title: Text
    why: Text
    fix: Text
    card_fix: Text | None = None
    """What the card says instead of `fix`, once the plan it refers to exists."""
    variants: list[MistakeVariant] = []
    """Wordings for where the person stands; each field comes from the first that holds."""
    when: Condition

    def worded(self, field: Literal["why", "fix", "card_fix"], answers: Answers) -> Text | None:
        """Return the first holding variant's wording of `field`, or the mistake's own."""
        for variant in self.variants:
            text = getattr(variant, field)
            if text is not None and holds(variant.when, answers):
                return cast(Text, text)
        return cast(Text | None, getattr(self, field))


Weekday = Annotated[int, Field(ge=0, le=6)]
"""Monday = 0, as in datetime."""
ClockTime = Annotated[str, Field(pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$")]
Medium = Literal["photo", "video", "text"]


class PostIdea(StrictModel):
    """A concrete post: what to show or say, how its caption starts, what it can be made as."""

    idea: Text
    caption: Text
    media: list[Medium] = Field(min_length=1)
    trades: list[Id] | None = None
    """The trades the idea fits, when it does not fit every business."""

    def fits(self, trade_id: str) -> bool:
        """Return True when a business of this trade can really make the post."""
        return self.trades is None or trade_id in self.trades


class Pillar(StrictModel):
    """A recurring theme and the post ideas that serve it."""

    name: Text
    posts: list[PostIdea] = Field(min_length=5)


class Trade(StrictModel):
    """What a kind of business posts about, and when its customers look."""

    open_on_holidays: bool
    premises: bool = True
    """False for a business customers never visit (an online shop): no opening hours."""
    post_days: list[Weekday] = Field(min_length=7, max_length=7)
    post_times: list[ClockTime] = Field(min_length=1)
    pillars: list[Pillar] = Field(min_length=3, max_length=3)
    offers: list[PostIdea] = Field(min_length=3)
    roles: dict[Id, Text]
    """The job each network does for this trade, by platform id."""

    @field_validator("post_days")
    @classmethod
    def _every_day_once(cls, days: list[int]) -> list[int]:
        if sorted(days) != list(range(7)):
            raise ValueError("post_days must list every weekday once, best first")
        return days


class DateRule(StrictModel):
    """When a yearly date falls: a fixed day, days from Easter, or the n-th weekday of a month."""

    month: int | None = Field(default=None, ge=1, le=12)
    day: int | None = Field(default=None, ge=1, le=31)
    easter: int | None = None
    weekday: Weekday | None = None
    nth: int | None = Field(default=None, ge=-1, le=5)
    after: int = 0
    working_day: bool = False
    """A deadline: on a Saturday, Sunday or public holiday it moves to the next working day."""

    @model_validator(mode="after")
    def _one_form(self) -> DateRule:
        fixed = self.month is not None and self.day is not None and self.weekday is None
        nth = self.month is not None and self.weekday is not None and self.nth not in (None, 0)
        easter = self.easter is not None and self.month is None
        if [fixed, nth, easter].count(True) != 1 or (self.easter is not None and self.day):
            raise ValueError("give {month, day}, {month, weekday, nth} or {easter}")
        return self


class Occasion(StrictModel):
    """A commercial or trade date that matters to some trades, with its posts."""

    id: Id
    name: Text
    on: DateRule
    trades: list[Id] = Field(min_length=1)
    lead_days: int = Field(ge=1, le=30)
    promo: bool = False
    idea: Text
    caption: Text
    teaser: Text
    offer: Text | None = None


class HolidayTexts(StrictModel):
    """Posts for a public holiday: a greeting if closed, a post and a teaser if open."""

    greeting: Text
    greeting_online: Text
    greeting_caption: Text
    greeting_cta: Text
    open_idea: Text
    open_caption: Text
    open_teaser: Text


class PlanContent(StrictModel):
    """Texts and rules of thumb the four-week editorial calendar is built from."""

    goal_ideas: dict[Id, list[PostIdea]]
    ctas: dict[Id, list[Text]]
    holiday: HolidayTexts
    teaser_caption: Text
    reply_routines: dict[int, Text]
    content_media: dict[Id, Medium]
    """How each kind of content the business makes is posted: as a photo, a video or a text."""
    starter_content: list[Id] = Field(min_length=1)
    """Content types tried in turn when the business produces none that fits: the easy start."""
    phrases: dict[str, Text]


class Fact(StrictModel):
    """A figure, always with the source that published it."""

    text: Text
    source: str = Field(min_length=3)
    year: int = Field(ge=2000, le=2100)
    """The year the source was published: the card shows only recent figures."""


class Format(StrictModel):
    """A post format of a platform, the kinds of content it needs and its weekly cost."""

    id: Id
    label: Text
    needs: list[Id] = Field(min_length=1)
    minutes: int = Field(ge=5, le=240)
    """Realistic minutes to make and publish one post in this format, replies excluded."""


class Cadence(StrictModel):
    """A sustainable posts-per-week range (a rule of thumb, not a law)."""

    min: float = Field(ge=0)
    max: float = Field(gt=0)


class Platform(StrictModel):
    """A social network's profile: who is there, how it speaks, what works."""

    id: Id
    name: str
    audience: Text
    tone: Text
    formats: list[Format] = Field(min_length=1)
    cadence: Cadence
    best_goals: list[Id]
    audiences: list[Id]
    business_types: list[Id]
    needs_any: list[Id] = []
    facts: list[Fact] = []
    post_days: list[Weekday] | None = None
    """Weekdays that suit this network whatever the trade (e.g. LinkedIn on workdays)."""
    post_times: list[ClockTime] | None = None


class GoalCard(StrictModel):
    """What the card says for one goal."""

    objective: Text
    objective_under_way: Text
    """The objective for a business already posting: from the numbers it can read today."""
    measure: Text
    """What the objective counts, as the baseline and the reviews write it down."""
    pillar: Text
    kpis: list[Id] = Field(min_length=1)


class Kpi(StrictModel):
    """A key performance indicator and how to read it."""

    name: Text
    how: Text


class Mix(StrictModel):
    """Useful-vs-promotional content mix (a rule of thumb)."""

    useful: int = Field(ge=0, le=100)
    promo: int = Field(ge=0, le=100)
    note: Text

    @model_validator(mode="after")
    def _adds_up(self) -> Mix:
        if self.useful + self.promo != 100:
            raise ValueError("useful + promo must be 100")
        return self


class Split(StrictModel):
    """Budget split in percent between people, content and promotion."""

    people: int = Field(ge=0, le=100)
    content: int = Field(ge=0, le=100)
    promotion: int = Field(ge=0, le=100)
    people_label: Text | None = None
    """What the people share is called for this manager (an agency's fee), if not the default."""

    @model_validator(mode="after")
    def _adds_up(self) -> Split:
        if self.people + self.content + self.promotion != 100:
            raise ValueError("people + content + promotion must be 100")
        return self


class Action(StrictModel):
    """A step of the first 30 days, shown when its condition holds."""

    week: int = Field(ge=1, le=4)
    text: Text
    when: Condition | None = None
    network: Id | None = None
    """The network the step is about: it is shown only when the plan keeps that network."""
    first: bool = False
    """A step the rest depends on (claiming a profile, reading a code of conduct): done first."""


class Tip(Text):
    """A line of advice; one about a network is shown only when the plan keeps it."""

    network: Id | None = None
    when: Condition | None = None
    """The answers the line fits, when it does not fit every business of its playbook."""


class Contradiction(StrictModel):
    """Answers that do not fit together: one gentle line, and what the plan assumes instead."""

    id: Id
    when: Condition
    note: Text
    assume: dict[Id, Id] = {}
    """Answers the card is built with instead (question id to option id)."""


class CardContent(StrictModel):
    """Texts and rules of thumb the strategy card is built from."""

    titles: dict[str, Text]
    goals: dict[Id, GoalCard]
    kpis: dict[Id, Kpi]
    mix: dict[Literal["default", "launch"], Mix]
    replies: dict[Id, Text]
    splits: dict[Id, Split]
    phrases: dict[str, Text]
    actions: list[Action] = Field(min_length=4)
    under_way: Condition
    """The answers of a business already posting: its objective starts from today's numbers."""
    stage_posts: dict[Id, int] = {}
    """At most this many posts a week in the first four weeks, by option of `stage`."""
    contradictions: list[Contradiction] = []


class Playbook(StrictModel):
    """Advice for one kind of business, chosen by its answers."""

    id: Id
    when: Condition
    roles: dict[Id, Text] = {}
    """Network roles that replace the trade's, by platform id."""
    tips: list[Tip] = Field(min_length=1)
    actions: list[Action] = []
    kpis: list[Id] = []
    budget: Tip | None = None
    post_times: list[ClockTime] | None = None
    premises: bool | None = None
    """False where the business sells at a distance: its days off speak of shipping."""


MAX_BRIEF_LENGTH = 600
"""A case brief fits one phone screen: at most this many characters per language."""


class Case(StrictModel):
    """A ready case study a teacher can give a class instead of the students' own businesses."""

    id: Id
    title: Text
    brief: Text

    @field_validator("brief")
    @classmethod
    def _fits_a_screen(cls, brief: Text) -> Text:
        for lang in LANGS:
            if len(brief(lang)) > MAX_BRIEF_LENGTH:
                raise ValueError(f"the {lang} brief is longer than {MAX_BRIEF_LENGTH} characters")
        return brief


class Content(BaseModel):
    """Everything the coach says and knows, validated."""

    questions: list[Question]
    mistakes: list[Mistake]
    platforms: list[Platform]
    card: CardContent
    ui: dict[str, Text]
    cases: list[Case] = []
    report: dict[str, Text] = {}
    trades: dict[Id, Trade] = {}
    occasions: list[Occasion] = []
    plan: PlanContent | None = None
    playbooks: list[Playbook] = []
    typing: TypingWords = TypingWords()

    def question(self, question_id: str) -> Question:
        """Return the question with this id."""
        return self._questions_by_id()[question_id]

    def options_of(self, question: Question, answers: dict[str, AnswerValue]) -> list[Option]:
        """Return the options offered for `question` given the answers so far."""
        if question.options_from is None:
            return question.options
        source = self.question(question.options_from)
        picked = answers.get(source.id)
        picked_ids = [picked] if isinstance(picked, str) else list(picked or [])
        return [option for option in source.options if option.id in picked_ids]

    def all_options_of(self, question: Question) -> list[Option]:
        """Return every option a question may ever offer."""
        if question.options_from is None:
            return question.options
        return [o for o in self.question(question.options_from).options if not o.exclusive]

    def platform(self, platform_id: str) -> Platform | None:
        """Return the platform profile with this id, if any."""
        return next((p for p in self.platforms if p.id == platform_id), None)

    def text(self, key: str) -> Text:
        """Return a UI string."""
        return self.ui[key]

    def case(self, case_id: str) -> Case | None:
        """Return the case study with this id, if any."""
        return next((case for case in self.cases if case.id == case_id), None)

    def trade_id(self, business_type: str | None) -> str:
        """Return the trade to plan for: the business's own, the first one when unknown."""
        return business_type if business_type in self.trades else next(iter(self.trades))

    def trade(self, business_type: str | None) -> Trade:
        """Return the trade's pillars and ideas; the first trade when the type is unknown."""
        return self.trades[self.trade_id(business_type)]

    @property
    def editorial(self) -> PlanContent:
        """Return the calendar's texts (always loaded; typed apart for older test content)."""
        if self.plan is None:
            raise ContentError("plan.yaml", "(file)", "missing")
        return self.plan

    def _questions_by_id(self) -> dict[str, Question]:
        return {question.id: question for question in self.questions}


class ContentError(Exception):
    """Content that cannot be used; the message names the file and the key."""

    def __init__(self, file: str, key: str, problem: str) -> None:
        super().__init__(f"{file}: {key}: {problem}")
        self.file = file
        self.key = key
        self.problem = problem


FILES = {
    "questions": "questions.yaml",
    "mistakes": "mistakes.yaml",
    "platforms": "platforms.yaml",
    "card": "card.yaml",
    "ui": "ui.yaml",
    "cases": "cases.yaml",
    "report": "report.yaml",
    "plan": "plan.yaml",
    "dates": "dates.yaml",
    "playbooks": "playbooks.yaml",
    "typing": "typing.yaml",
}
TRADES_DIR = "trades"
"""One file per option of the question `business_type`: trades/<option id>.yaml."""


def default_content_dir() -> Path:
    """Return the content folder shipped with the package, or the checkout's one."""
    installed = Path(__file__).resolve().parent / "content"
    if installed.is_dir():
        return installed
    return Path(__file__).resolve().parent.parent / "content"


def load_content(
    directory: Path | None = None,
    *,
    required_questions: Iterable[str] = (),
    required_ui: Iterable[str] = (),
    card_placeholders: Iterable[str] = (),
    required_card_titles: Iterable[str] = (),
    required_card_phrases: Iterable[str] = (),
    required_plan_phrases: Iterable[str] = (),
    required_report: Mapping[str, Collection[str]] | None = None,
) -> Content:
    """Load and check every content file; raise ContentError naming the file and the key.

    `required_report` maps each report text the code reads to the placeholders it fills in.
    """
    directory = directory or default_content_dir()
    raw = {section: _read_yaml(directory / name, name) for section, name in FILES.items()}
    sections: dict[str, Any] = {}
    for section, name in FILES.items():
        sections[section] = _validated(section, raw[section], name)
    trades = {
        path.stem: _validated("trade", _read_yaml(path, f"{TRADES_DIR}/{path.name}"), path.name)
        for path in sorted((directory / TRADES_DIR).glob("*.yaml"))
    }
    content = Content(
        questions=sections["questions"].questions,
        mistakes=sections["mistakes"].mistakes,
        platforms=sections["platforms"].platforms,
        card=sections["card"].card,
        ui=sections["ui"].ui,
        cases=sections["cases"].cases,
        report=sections["report"].report,
        trades={stem: section.trade for stem, section in trades.items()},
        occasions=sections["dates"].dates,
        plan=sections["plan"].plan,
        playbooks=sections["playbooks"].playbooks,
        typing=sections["typing"].typing,
    )
    _check(content, set(required_questions), set(required_ui), set(card_placeholders))
    for kind, required, present in (
        ("titles", required_card_titles, content.card.titles),
        ("phrases", required_card_phrases, content.card.phrases),
    ):
        for missing in sorted(set(required) - set(present)):
            raise ContentError("card.yaml", f"card.{kind}.{missing}", "missing text")
    for missing in sorted(set(required_plan_phrases) - set(content.editorial.phrases)):
        raise ContentError("plan.yaml", f"plan.phrases.{missing}", "missing text")
    for checks in sorted(set(REPLY_CHECKS) - set(content.editorial.reply_routines)):
        raise ContentError("plan.yaml", f"plan.reply_routines.{checks}", "missing text")
    _check_report(content, required_report or {})
    return content


def _validated(section: str, raw: dict[str, Any], name: str) -> Any:
    body = raw.get(section)
    try:
        return _SECTION_MODELS[section].model_validate({section: body})
    except ValidationError as error:
        first = error.errors()[0]
        raise ContentError(name, _key(first["loc"], body), first["msg"]) from None


class _Questions(StrictModel):
    questions: list[Question] = Field(min_length=1)


class _Mistakes(StrictModel):
    mistakes: list[Mistake] = Field(min_length=1)


class _Platforms(StrictModel):
    platforms: list[Platform] = Field(min_length=1)


class _Card(StrictModel):
    card: CardContent


class _Ui(StrictModel):
    ui: dict[str, Text]


class _Cases(StrictModel):
    cases: list[Case] = Field(min_length=1)


class _Report(StrictModel):
    report: dict[str, Text]


class _Trade(StrictModel):
    trade: Trade


class _Dates(StrictModel):
    dates: list[Occasion] = Field(min_length=1)


class _Plan(StrictModel):
    plan: PlanContent


class _Playbooks(StrictModel):
    playbooks: list[Playbook] = Field(min_length=1)


class _Typing(StrictModel):
    typing: TypingWords


_SECTION_MODELS: dict[str, type[StrictModel]] = {
    "trade": _Trade,
    "dates": _Dates,
    "plan": _Plan,
    "playbooks": _Playbooks,
    "typing": _Typing,
    "questions": _Questions,
    "mistakes": _Mistakes,
    "platforms": _Platforms,
    "card": _Card,
    "ui": _Ui,
    "cases": _Cases,
    "report": _Report,
}


def _read_yaml(path: Path, name: str) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ContentError(name, "(file)", f"missing file {path}") from None
    except yaml.YAMLError as error:
        raise ContentError(name, "(file)", f"not valid YAML: {error}") from None
    if not isinstance(data, dict):
        raise ContentError(name, "(file)", "expected a mapping at the top level")
    return data


def _key(loc: tuple[int | str, ...], body: Any) -> str:
    """Turn a pydantic location into a readable key, naming list items by their id."""
    parts: list[str] = [str(loc[0])]
    node: Any = body
    for step in loc[1:]:
        if isinstance(step, int):
            item = node[step] if isinstance(node, list) and step < len(node) else None
            item_id = item.get("id") if isinstance(item, dict) else None
            parts.append(f"[{step}]" + (f"(id={item_id})" if item_id else ""))
            node = item
        else:
            if "[" in step or step.startswith(("function-", "tagged-")):
                continue
            parts.append("." + step)
            node = node.get(step) if isinstance(node, dict) else None
    return "".join(parts) or "(top)"


def _check_unit(content: Content, question: Question, key: str) -> None:
    """Check that a unit is declared in typing.yaml and that only a question with one has ranges."""
    if question.unit is not None and content.typing.unit(question.unit) is None:
        raise ContentError("questions.yaml", f"{key}.unit", f"unknown unit {question.unit!r}")
    for option in question.options:
        if option.range is not None and question.unit is None:
            raise ContentError(
                "questions.yaml", f"{key}.options.{option.id}.range", "needs the question's unit"
            )


def _check(
    content: Content, required_questions: set[str], required_ui: set[str], placeholders: set[str]
) -> None:
    """Check what the models alone cannot: ids, references, reachability, translations."""
    questions = content.questions
    _unique("questions.yaml", "questions", [q.id for q in questions])
    for question in questions:
        _unique(
            "questions.yaml", f"questions.{question.id}.options", [o.id for o in question.options]
        )
    _unique("mistakes.yaml", "mistakes", [m.id for m in content.mistakes])
    _unique("mistakes.yaml", "mistakes.number", [str(m.number) for m in content.mistakes])
    _unique("platforms.yaml", "platforms", [p.id for p in content.platforms])
    _unique("cases.yaml", "cases", [case.id for case in content.cases])
    for missing in sorted(required_questions - {q.id for q in questions}):
        raise ContentError("questions.yaml", f"questions.{missing}", "required question is missing")
    for missing in sorted(required_ui - set(content.ui)):
        raise ContentError("ui.yaml", f"ui.{missing}", "missing text")

    if questions[0].ask_if is not None:
        raise ContentError(
            "questions.yaml",
            f"questions.{questions[0].id}.ask_if",
            "the first question is always asked",
        )
    position = {q.id: index for index, q in enumerate(questions)}
    for question in questions:
        key = f"questions.{question.id}"
        _check_unit(content, question, key)
        if question.options_from is not None:
            source_index = position.get(question.options_from)
            if source_index is None or source_index >= position[question.id]:
                raise ContentError(
                    "questions.yaml", f"{key}.options_from", "must name an earlier question"
                )
            if questions[source_index].kind != "multi":
                raise ContentError(
                    "questions.yaml", f"{key}.options_from", "must name a multi question"
                )
        if question.ask_if is not None:
            _check_condition(
                content,
                question.ask_if,
                "questions.yaml",
                f"{key}.ask_if",
                before=position[question.id],
            )
    for mistake in content.mistakes:
        _check_condition(content, mistake.when, "mistakes.yaml", f"mistakes.{mistake.id}.when")
    for index, action in enumerate(content.card.actions):
        if action.when is not None:
            _check_condition(content, action.when, "card.yaml", f"card.actions[{index}].when")
    _check_advice(content)

    reachable = _reachable_questions(content)
    for question in questions:
        if question.id not in reachable:
            raise ContentError(
                "questions.yaml",
                f"questions.{question.id}.ask_if",
                "the question can never be asked",
            )
    for mistake in content.mistakes:
        if not _satisfiable(content, mistake.when, reachable):
            raise ContentError(
                "mistakes.yaml", f"mistakes.{mistake.id}.when", "no answers can ever reveal it"
            )

    _check_ids_against_options(content)
    _check_translations(content, placeholders)


def _check_advice(content: Content) -> None:
    """Check the conditions and ids of variants, playbooks, contradictions and trade roles."""
    card = content.card
    platforms = {platform.id for platform in content.platforms}
    conditions: list[tuple[Condition, str, str]] = [(card.under_way, "card.yaml", "card.under_way")]
    for mistake in content.mistakes:
        for index, variant in enumerate(mistake.variants):
            key = f"mistakes.{mistake.id}.variants[{index}].when"
            conditions.append((variant.when, "mistakes.yaml", key))
    for playbook in content.playbooks:
        key = f"playbooks.{playbook.id}"
        conditions.append((playbook.when, "playbooks.yaml", f"{key}.when"))
        conditions += [
            (action.when, "playbooks.yaml", f"{key}.actions[{index}].when")
            for index, action in enumerate(playbook.actions)
            if action.when is not None
        ]
        _known("playbooks.yaml", f"{key}.kpis", playbook.kpis, set(card.kpis))
        _known("playbooks.yaml", f"{key}.roles", playbook.roles, platforms)
        conditions += [
            (tip.when, "playbooks.yaml", f"{key}.tips[{index}].when")
            for index, tip in enumerate(playbook.tips)
            if tip.when is not None
        ]
        networks = [tip.network for tip in [*playbook.tips, playbook.budget] if tip and tip.network]
        networks += [action.network for action in playbook.actions if action.network]
        _known("playbooks.yaml", f"{key}.network", networks, platforms)
    for contradiction in card.contradictions:
        key = f"card.contradictions.{contradiction.id}"
        conditions.append((contradiction.when, "card.yaml", f"{key}.when"))
        for question_id, option_id in contradiction.assume.items():
            _check_condition(
                content,
                AnswerIn.model_validate({"answer": question_id, "in": [option_id]}),
                "card.yaml",
                f"{key}.assume",
            )
    for condition, file, key in conditions:
        _check_condition(content, condition, file, key)
    stages = {option.id for q in content.questions if q.id == "stage" for option in q.options}
    _known("card.yaml", "card.stage_posts", card.stage_posts, stages)
    _unique("playbooks.yaml", "playbooks", [playbook.id for playbook in content.playbooks])
    trades = set(content.trades)
    for trade_id, trade in content.trades.items():
        file = f"{TRADES_DIR}/{trade_id}.yaml"
        _known(file, "trade.roles", trade.roles, platforms)
        for missing in sorted(platforms - set(trade.roles)):
            raise ContentError(file, f"trade.roles.{missing}", "missing role")
    for goal_id, ideas in content.editorial.goal_ideas.items():
        for index, idea in enumerate(ideas):
            key = f"plan.goal_ideas.{goal_id}[{index}].trades"
            _known("plan.yaml", key, idea.trades or [], trades)


def _known(file: str, key: str, ids: Iterable[str], known: set[str]) -> None:
    for item in ids:
        if item not in known:
            raise ContentError(file, key, f"unknown id '{item}'")


def _unique(file: str, key: str, ids: list[str]) -> None:
    seen: set[str] = set()
    for item in ids:
        if item in seen:
            raise ContentError(file, f"{key}.{item}", "duplicate id")
        seen.add(item)


def _check_condition(
    content: Content, condition: Condition, file: str, key: str, before: int | None = None
) -> None:
    ids = [q.id for q in content.questions]
    for question_id, option_ids in condition.references():
        if question_id not in ids:
            raise ContentError(file, key, f"unknown question '{question_id}'")
        if before is not None and ids.index(question_id) >= before:
            raise ContentError(file, key, f"'{question_id}' is not asked before this question")
        known = {o.id for o in content.all_options_of(content.question(question_id))}
        for option_id in option_ids:
            if option_id not in known:
                raise ContentError(
                    file, key, f"unknown option '{option_id}' of question '{question_id}'"
                )


def _possible_values(content: Content, question: Question) -> list[AnswerValue]:
    """Every answer a question can get, for the small spaces our content uses."""
    options = [o.id for o in content.all_options_of(question)]
    values: list[AnswerValue] = [None]
    if question.kind == "single":
        values += options
    elif question.kind == "multi":
        for size in range(1, len(options) + 1):
            values += [list(combo) for combo in itertools.combinations(options, size)]
    else:
        values.append("text")
    return values


def _satisfiable(content: Content, condition: Condition, reachable: set[str]) -> bool:
    referenced = sorted({question_id for question_id, _ in condition.references()})
    if any(question_id not in reachable for question_id in referenced):
        return False
    spaces = [_possible_values(content, content.question(q)) for q in referenced]
    return any(
        condition.evaluate(dict(zip(referenced, combo, strict=True))) is True
        for combo in itertools.product(*spaces)
    )


def _reachable_questions(content: Content) -> set[str]:
    reachable: set[str] = set()
    for question in content.questions:
        if question.ask_if is None or _satisfiable(content, question.ask_if, reachable):
            reachable.add(question.id)
    return reachable


def _check_ids_against_options(content: Content) -> None:
    def option_ids(question_id: str) -> set[str]:
        if question_id not in {q.id for q in content.questions}:
            return set()
        return {o.id for o in content.all_options_of(content.question(question_id))}

    networks = option_ids("networks")
    for platform in content.platforms:
        key = f"platforms.{platform.id}"
        if networks and platform.id not in networks:
            raise ContentError("platforms.yaml", key, "not an option of the question 'networks'")
        for field, question_id, values in (
            ("best_goals", "goal", platform.best_goals),
            ("audiences", "audience", platform.audiences),
            ("business_types", "business_type", platform.business_types),
            ("needs_any", "content_types", platform.needs_any),
        ):
            for value in values:
                if value not in option_ids(question_id):
                    raise ContentError(
                        "platforms.yaml", f"{key}.{field}", f"unknown option '{value}'"
                    )
        for fmt in platform.formats:
            for value in fmt.needs:
                if value not in option_ids("content_types"):
                    raise ContentError(
                        "platforms.yaml",
                        f"{key}.formats.{fmt.id}.needs",
                        f"unknown option '{value}'",
                    )
    for network in sorted(networks - {p.id for p in content.platforms}):
        if not any(o.exclusive for o in content.question("networks").options if o.id == network):
            raise ContentError("platforms.yaml", f"platforms.{network}", "missing profile")
    card = content.card
    for field, question_id, keys in (
        ("card.goals", "goal", set(card.goals)),
        ("card.replies", "manager", set(card.replies)),
        ("card.splits", "manager", set(card.splits)),
        ("plan.goal_ideas", "goal", set(content.editorial.goal_ideas)),
        ("plan.ctas", "goal", set(content.editorial.ctas)),
        (TRADES_DIR, "business_type", set(content.trades)),
    ):
        file = {"card": "card.yaml", "plan": "plan.yaml"}.get(field.split(".")[0], field)
        expected = option_ids(question_id)
        for missing in sorted(expected - keys):
            raise ContentError(file, f"{field}.{missing}", "missing entry")
        for extra in sorted(keys - expected):
            raise ContentError(file, f"{field}.{extra}", "not an option of the question")
    for occasion in content.occasions:
        for trade in occasion.trades:
            if trade not in option_ids("business_type"):
                raise ContentError(
                    "dates.yaml", f"dates.{occasion.id}.trades", f"unknown trade '{trade}'"
                )
    _unique("dates.yaml", "dates", [occasion.id for occasion in content.occasions])
    for starter in content.editorial.starter_content:
        if starter not in option_ids("content_types"):
            raise ContentError("plan.yaml", "plan.starter_content", f"unknown option '{starter}'")
    for goal_id, goal in card.goals.items():
        for kpi in goal.kpis:
            if kpi not in card.kpis:
                raise ContentError(
                    "card.yaml", f"card.goals.{goal_id}.kpis", f"unknown kpi '{kpi}'"
                )


def _texts(node: Any, key: str) -> Iterator[tuple[str, Text]]:
    """Yield every Text inside a content node with its dotted key."""
    if isinstance(node, Text):
        yield key, node
    elif isinstance(node, BaseModel):
        for name in type(node).model_fields:
            item = getattr(node, name)
            yield from _texts(item, f"{key}.{name}")
    elif isinstance(node, dict):
        for name, item in node.items():
            yield from _texts(item, f"{key}.{name}")
    elif isinstance(node, list):
        for index, item in enumerate(node):
            item_id = getattr(item, "id", None)
            yield from _texts(item, f"{key}.{item_id}" if item_id else f"{key}[{index}]")


_TEMPLATE_SECTIONS = ("mistakes", "card", "plan", "dates", "trades", "playbooks")
_ATTRIBUTES = {"dates": "occasions"}
"""Content attributes whose name differs from their file's section."""


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in Formatter().parse(template) if name is not None}


def _check_translations(content: Content, extra_placeholders: set[str]) -> None:
    placeholders = {question.id for question in content.questions} | extra_placeholders
    files = {**FILES, "trades": TRADES_DIR}
    for section, file in files.items():
        for key, text in _texts(getattr(content, _ATTRIBUTES.get(section, section)), section):
            try:
                fields = {lang: _fields(text(lang)) for lang in LANGS}
            except ValueError as error:
                raise ContentError(file, key, f"broken {{placeholder}}: {error}") from None
            if fields["it"] != fields["en"]:
                raise ContentError(file, key, "the translations use different {placeholders}")
            unknown = fields["en"] - placeholders
            if section in _TEMPLATE_SECTIONS and unknown:
                raise ContentError(file, key, f"unknown placeholder {{{sorted(unknown)[0]}}}")


def _check_report(content: Content, required: Mapping[str, Collection[str]]) -> None:
    """Every report text the code reads is there, with only the placeholders the code fills."""
    for missing in sorted(set(required) - set(content.report)):
        raise ContentError("report.yaml", f"report.{missing}", "missing text")
    for key, filled in sorted(required.items()):
        unknown = _fields(content.report[key]("en")) - set(filled)
        if unknown:
            raise ContentError(
                "report.yaml", f"report.{key}", f"unknown placeholder {{{sorted(unknown)[0]}}}"
            )

"""Content models of the plan and the card: trades, dates, platforms, goals and playbooks."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator

from flows.conditions import Condition
from flows.content_ids import Id
from flows.i18n import StrictModel, Text

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

"""Which networks a business can keep up, in which formats, and how many posts a week each."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations
from typing import Literal

from flows.budget import TimeBudget
from flows.conditions import Answers, chosen
from flows.content import Content
from flows.content_plan import Format, Medium, Platform

TWO_NETWORKS_FROM_MINUTES = 180
THREE_NETWORKS_FROM_MINUTES = 480
MIN_FIT_FOR_ANOTHER_NETWORK = 4
"""A second or third network must earn its place: customers there, or two signs of fit."""
WEIGHTS = (1.0, 0.7, 0.4)
WEEKS = 4
"""The plan's length: every weekly slot needs this many ideas."""
"""How the posts are shared: the first network gets the most."""


@dataclass(frozen=True)
class Slot:
    """One weekly post on a network: its format, made as a photo, a video or a text."""

    format: Format
    medium: Medium


@dataclass(frozen=True)
class NetworkChoice:
    """A network in the plan and the posts it gets every week."""

    platform: Platform
    slots: list[Slot]
    primary: bool


@dataclass(frozen=True)
class LeftOut:
    """A network the customers use that the plan leaves for later, and why."""

    platform: Platform
    reason: Literal["time", "content", "focus"]


@dataclass(frozen=True)
class NetworkPlan:
    """The networks chosen, the ones left for later, and what the business makes for them."""

    chosen: list[NetworkChoice]
    left_out: list[LeftOut]
    made: frozenset[str]
    starter: bool
    """True when the business makes nothing that fits, so the plan starts with the easy kind."""

    @property
    def posts_per_week(self) -> int:
        """Return the weekly cadence: every week holds exactly this many posts."""
        return sum(len(choice.slots) for choice in self.chosen)

    @property
    def posting_minutes(self) -> int:
        """Return the minutes a week the posts take."""
        return sum(slot.format.minutes for choice in self.chosen for slot in choice.slots)


def picked(content: Content, answers: Answers, question_id: str) -> set[str]:
    """Return the options picked for a multiple-choice question, without exclusive ones."""
    exclusive = {o.id for o in content.question(question_id).options if o.exclusive}
    return set(chosen(answers.get(question_id))) - exclusive


def single(answers: Answers, question_id: str) -> str | None:
    """Return a single-choice answer, if given."""
    value = answers.get(question_id)
    return value if isinstance(value, str) else None


def preferred(content: Content, answers: Answers) -> str | None:
    """Return the customers' favourite network, as said or as the only one named."""
    used = picked(content, answers, "networks")
    return single(answers, "preferred_network") or (next(iter(used)) if len(used) == 1 else None)


def score(content: Content, answers: Answers, platform: Platform, made: set[str]) -> int:
    """Rank a network for this business: its customers first, then goal, audience and trade."""
    used = picked(content, answers, "networks")
    points = 4 if platform.id in used else 0
    points += 3 if platform.id == preferred(content, answers) else 0
    points += 2 if single(answers, "goal") in platform.best_goals else 0
    points += 2 if single(answers, "audience") in platform.audiences else 0
    points += 2 if single(answers, "business_type") in platform.business_types else 0
    if platform.needs_any and not made & set(platform.needs_any):
        points -= 5  # it would need content the business cannot produce
    return points


def medium_of(content: Content, fmt: Format, made: set[str]) -> Medium:
    """Return how the business makes this format: from the first of its needs it produces."""
    media = content.editorial.content_media
    return next(media[need] for need in fmt.needs if need in made)


def plan_networks(
    content: Content,
    answers: Answers,
    budget: TimeBudget,
    *,
    ideas: Sequence[frozenset[Medium]],
    max_posts: int,
) -> NetworkPlan:
    """Choose networks and weekly posts that fit the budget; never fewer than one post.

    `ideas` holds how each post idea can be made: a slot is only planned where four weeks of
    ideas made that way, never repeated, can fill it.
    """
    made = picked(content, answers, "content_types")
    starter = False
    if not any(_usable(p, made, budget) for p in content.platforms):
        starter = True
        made = next(
            {kind}
            for kind in content.editorial.starter_content
            if any(_usable(p, {kind}, budget) for p in content.platforms)
        )
    platforms = content.platforms
    ranked = sorted(
        (p for p in platforms if _usable(p, made, budget)),
        key=lambda p: (-score(content, answers, p, made), platforms.index(p)),
    )
    wanted = _networks_for(budget)
    chosen_platforms = ranked[:1]
    spent = _usable(ranked[0], made, budget)[0].minutes
    short_of_time: set[str] = set()
    for platform in ranked[1:]:
        if len(chosen_platforms) >= wanted:
            break
        if score(content, answers, platform, made) < MIN_FIT_FOR_ANOTHER_NETWORK:
            continue
        if spent + _usable(platform, made, budget)[0].minutes > budget.posting_minutes:
            short_of_time.add(platform.id)
            continue
        chosen_platforms.append(platform)
        spent += _usable(platform, made, budget)[0].minutes
    if budget.minutes < THREE_NETWORKS_FROM_MINUTES and len(chosen_platforms) >= wanted:
        short_of_time |= {p.id for p in ranked[len(chosen_platforms) :]}
    slots = _allocate(
        content,
        chosen_platforms,
        made=made,
        budget=budget,
        ideas=ideas,
        max_posts=max_posts,
    )
    primaries = 1 if wanted == 1 else 2
    choices = [
        NetworkChoice(
            platform,
            [Slot(fmt, medium_of(content, fmt, made)) for fmt in formats],
            primary=index < primaries,
        )
        for index, (platform, formats) in enumerate(zip(chosen_platforms, slots, strict=True))
        if formats
    ]
    return NetworkPlan(
        chosen=choices,
        left_out=_left_out(content, answers, [c.platform for c in choices], made, short_of_time),
        made=frozenset(made),
        starter=starter,
    )


def _networks_for(budget: TimeBudget) -> int:
    """Return how many networks the week's time can keep up: one, two, or three."""
    if budget.minutes < TWO_NETWORKS_FROM_MINUTES:
        return 1
    return 2 if budget.minutes < THREE_NETWORKS_FROM_MINUTES else 3


def _usable(platform: Platform, made: set[str], budget: TimeBudget) -> list[Format]:
    """Return the formats the business makes that fit the week, cheapest first."""
    formats = [
        fmt
        for fmt in platform.formats
        if made & set(fmt.needs) and fmt.minutes <= budget.posting_minutes
    ]
    return sorted(formats, key=lambda fmt: (fmt.minutes, platform.formats.index(fmt)))


def _allocate(
    content: Content,
    platforms: list[Platform],
    *,
    made: set[str],
    budget: TimeBudget,
    ideas: Sequence[frozenset[Medium]],
    max_posts: int,
) -> list[list[Format]]:
    """Give each network one post of its cheapest format, then add posts while time allows."""
    usable = [_usable(p, made, budget) for p in platforms]
    per_medium: Counter[Medium] = Counter()
    left = budget.posting_minutes
    slots: list[list[Format]] = [[] for _ in platforms]

    def fits(fmt: Format) -> bool:
        wanted = per_medium + Counter([medium_of(content, fmt, made)])
        return fmt.minutes <= left and ideas_suffice(wanted, ideas)

    def add(index: int, fmt: Format) -> None:
        nonlocal left
        slots[index].append(fmt)
        left -= fmt.minutes
        per_medium[medium_of(content, fmt, made)] += 1

    for index, formats in enumerate(usable):
        first = next((fmt for fmt in formats if fits(fmt)), None)
        if first is not None:
            add(index, first)
    if not any(slots):  # ideas run short in every medium: one post still goes out each week
        slots[0].append(usable[0][0])
        return slots
    while sum(map(len, slots)) < max_posts:
        options = []
        for index, platform in enumerate(platforms):
            count = len(slots[index])
            if not count or count >= max(1, int(platform.cadence.max)):
                continue
            formats = usable[index]
            rotation = formats[count % len(formats) :] + formats[: count % len(formats)]
            fmt = next((f for f in rotation if fits(f)), None)  # vary the formats
            if fmt is not None:
                options.append((count / WEIGHTS[index], index, fmt))
        if not options:
            break
        _, index, fmt = min(options, key=lambda option: (option[0], option[1]))
        add(index, fmt)
    return slots


def ideas_suffice(per_medium: Mapping[Medium, int], ideas: Sequence[frozenset[Medium]]) -> bool:
    """Return True if four weeks of these weekly slots can each get an idea of its own.

    Hall's condition: every group of media must have at least as many ideas made one of
    those ways as the group's slots need over the four weeks.
    """
    media = [medium for medium, count in per_medium.items() if count]
    for size in range(1, len(media) + 1):
        for group in combinations(media, size):
            needed = WEEKS * sum(per_medium[medium] for medium in group)
            if sum(1 for made_as in ideas if made_as & set(group)) < needed:
                return False
    return True


def _left_out(
    content: Content,
    answers: Answers,
    chosen_platforms: list[Platform],
    made: set[str],
    short_of_time: set[str],
) -> list[LeftOut]:
    """Say why each network the customers use is not in the plan: time, content, or focus."""
    left = []
    for platform in content.platforms:
        if platform.id not in picked(content, answers, "networks") or platform in chosen_platforms:
            continue
        if not any(made & set(fmt.needs) for fmt in platform.formats):
            left.append(LeftOut(platform, "content"))
        else:
            left.append(LeftOut(platform, "time" if platform.id in short_of_time else "focus"))
    return left

"""The plan's words: each placed post's idea, caption and call to action, and each date's note."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from flows.content_plan import PostIdea
from flows.datefmt import day_label
from flows.editorial_dates import Draft
from flows.editorial_types import DateToKnow, PlannedPost, PostKind
from flows.networks import NetworkPlan
from flows.occasions import KeyDate
from flows.wording import Writer


def word_post(
    say: Writer,
    *,
    networks: NetworkPlan,
    draft: Draft,
    kind: PostKind,
    goal: str,
    number: int,
    premises: bool,
    idea: tuple[str, PostIdea] | None,
    offer: PostIdea | None,
) -> PlannedPost:
    """Word a placed post: its idea, caption and call to action, in the user's language."""
    choice = networks.chosen[draft.network]
    slot = choice.slots[draft.slot]
    plan = say.content.editorial
    extra = stand_ins(say)
    ctas = plan.ctas[goal]
    # A day off is no day to ask for a booking.
    cta = say(
        plan.holiday.greeting_cta if kind == "greeting" else ctas[number % len(ctas)], **extra
    )
    key = draft.key
    base = PlannedPost(
        at=dt.datetime.combine(draft.day, draft.time),
        platform_id=choice.platform.id,
        network=choice.platform.name,
        format_id=slot.format.id,
        format=say(slot.format.label),
        medium=slot.medium,
        minutes=slot.format.minutes,
        pillar="",
        idea="",
        caption="",
        cta=cta,
        kind=kind,
        occasion=key.name if key else None,
    )
    holiday = plan.holiday
    if key is not None and key.occasion is not None:
        occasion = key.occasion
        text = {"offer": occasion.offer, "teaser": occasion.teaser}.get(kind) or occasion.idea
        caption = plan.teaser_caption if kind == "teaser" else occasion.caption
        return replace(
            base,
            pillar=key.name,
            idea=say(text, occasion=key.name, **extra),
            caption=say(caption, occasion=key.name, **extra),
        )
    if key is not None:
        greeting = holiday.greeting if premises else holiday.greeting_online
        text, caption = {
            "greeting": (greeting, holiday.greeting_caption),
            "teaser": (holiday.open_teaser, plan.teaser_caption),
        }.get(kind, (holiday.open_idea, holiday.open_caption))
        return replace(
            base,
            pillar=key.name,
            idea=say(text, holiday=key.name, occasion=key.name, **extra),
            caption=say(caption, holiday=key.name, occasion=key.name, **extra),
        )
    if offer is not None:
        return replace(
            base,
            pillar=say.plan_phrase("offer_pillar"),
            idea=say(offer.idea, **extra),
            caption=say(offer.caption, **extra),
            idea_media=tuple(offer.media),
        )
    assert idea is not None, "every regular post was matched to an idea"
    pillar, chosen = idea
    return replace(
        base,
        pillar=pillar,
        idea=say(chosen.idea, **extra),
        caption=say(chosen.caption, **extra),
        idea_media=tuple(chosen.media),
    )


def stand_ins(say: Writer) -> dict[str, object]:
    """Return words for answers a template names but the user skipped."""
    words: dict[str, object] = {}
    if not say.answers.get("offer"):
        words["offer"] = say.plan_phrase("offer_fallback")
    if not say.answers.get("hours"):
        words["hours"] = say.plan_phrase("hours_assumed")
    return words


def date_to_know(
    say: Writer,
    *,
    key: KeyDate,
    posts: list[PlannedPost],
    end: dt.date,
    closed: frozenset[dt.date],
    premises: bool,
) -> DateToKnow:
    """Say what the plan does about a date: a post, a teaser, a greeting, or getting ready."""
    mine = [p for p in posts if p.occasion == key.name and p.kind != "regular"]
    on_day = [p for p in mine if p.at.date() == key.day]
    teasers = [p for p in mine if p.kind == "teaser"]
    parts = []
    if on_day:
        parts.append(
            say.plan_phrase("date_greeting" if on_day[0].kind == "greeting" else "date_post")
        )
    for moved in (p for p in mine if p.kind != "teaser" and p not in on_day):
        parts.append(say.plan_phrase("date_post_on", day=day_label(moved.at.date(), say.lang)))
    for teaser in teasers:
        parts.append(say.plan_phrase("date_teaser", day=day_label(teaser.at.date(), say.lang)))
    if key.day > end:
        parts.append(say.plan_phrase("date_after"))
    elif key.day in closed and not on_day:
        parts.append(say.plan_phrase("date_closed" if premises else "date_closed_online"))
    elif not parts:
        parts.append(say.plan_phrase("date_listed"))
    return DateToKnow(key.day, key.name, key.holiday, "; ".join(parts))

"""The plan's ideas: how often they allow posting, and giving each post one of its own."""

from __future__ import annotations

from dataclasses import dataclass

from flows.content_plan import Medium, PostIdea, Trade
from flows.editorial_types import WEEKS

MAX_POSTS_A_WEEK = 8
"""Beyond this a small business gains little; and four weeks never repeat an idea."""


@dataclass
class IdeaPool:
    """The calendar's ideas, each given to one post only, so four weeks never repeat a text."""

    pillars: list[tuple[str, list[PostIdea]]]
    offers: list[PostIdea]
    """Offers not used yet."""

    def match(self, requests: list[tuple[int, Medium]]) -> list[tuple[str, PostIdea]]:
        """Give each (pillar, medium) request an idea of its own that can be made that way.

        A maximum bipartite matching (augmenting paths): a greedy pick could hand the last
        text idea to a photo post and leave a text post with none. The request's own pillar,
        then ideas made only that way, are tried first.
        """
        ideas = [(index, idea) for index, (_, pool) in enumerate(self.pillars) for idea in pool]
        owner: dict[int, int] = {}

        def choices(request: int) -> list[int]:
            pillar, medium = requests[request]
            fits = [k for k, (_, idea) in enumerate(ideas) if medium in idea.media]
            return sorted(fits, key=lambda k: (ideas[k][0] != pillar, len(ideas[k][1].media)))

        def augment(request: int, seen: set[int]) -> bool:
            for k in choices(request):
                if k not in seen:
                    seen.add(k)
                    if k not in owner or augment(owner[k], seen):
                        owner[k] = request
                        return True
            return False

        for request in range(len(requests)):
            augment(request, set())
        given = {request: k for k, request in owner.items()}
        spare = [k for k in range(len(ideas)) if k not in owner]
        chosen = []
        for request in range(len(requests)):
            k = given[request] if request in given else spare.pop(0)
            index, idea = ideas[k]
            chosen.append((self.pillars[index][0], idea))
        return chosen

    def offer(self, medium: Medium) -> PostIdea | None:
        """Return an unused offer idea that can be made this way, if any is left."""
        for idea in self.offers:
            if medium in idea.media:
                self.offers.remove(idea)
                return idea
        return None


def idea_media(trade: Trade, goal_ideas: list[PostIdea]) -> list[frozenset[Medium]]:
    """Return how each of the trade's and the goal's ideas can be made."""
    ideas = [idea for pillar in trade.pillars for idea in pillar.posts] + goal_ideas
    return [frozenset(idea.media) for idea in ideas]


def max_posts_a_week(trade: Trade, goal_ideas: list[PostIdea]) -> int:
    """Return the weekly cadence all the ideas can carry for four weeks without a repeat."""
    ideas = sum(len(pillar.posts) for pillar in trade.pillars) + len(goal_ideas)
    return max(1, min(MAX_POSTS_A_WEEK, ideas // WEEKS))

"""What fits one business: the trade's playbooks its answers select, and the answers planned for."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from flows.conditions import Answers, AnswerValue, holds
from flows.content import Content
from flows.content_plan import Action, Contradiction, Playbook, PostIdea, Tip, Trade
from flows.i18n import Text

TIPS_A_PLAYBOOK = 2
"""Tips shown from each playbook, its most useful first: a card is read on a phone."""
MAX_TIPS = 5
"""Tips on one card, from all its playbooks together."""
BUDGET_TIPS = 2
"""Budget advice lines under the split: the most specific first."""
MAX_KPIS = 6
"""More indicators than this and nobody looks at any of them."""


@dataclass(frozen=True)
class Advice:
    """The trade and the playbooks that fit one business's answers."""

    trade_id: str
    trade: Trade
    """The trade as planned: its posting times are the playbooks' when they set any."""
    playbooks: list[Playbook]
    answers: Answers

    def role(self, platform_id: str) -> Text:
        """Return the job a network does for this business: the last fitting playbook's word."""
        for playbook in reversed(self.playbooks):
            if platform_id in playbook.roles:
                return playbook.roles[platform_id]
        return self.trade.roles[platform_id]

    def tips(self, networks: Collection[str]) -> list[Tip]:
        """Return the first tips of every fitting playbook about the plan's networks."""
        tips = [
            tip
            for playbook in self.playbooks
            for tip in [t for t in playbook.tips if self._fits(t, networks)][:TIPS_A_PLAYBOOK]
        ]
        return tips[:MAX_TIPS]

    @property
    def actions(self) -> list[Action]:
        """Return the to-dos the playbooks add to the four weeks."""
        return [action for playbook in self.playbooks for action in playbook.actions]

    def budget(self, networks: Collection[str]) -> list[Tip]:
        """Return the first two fitting playbooks' budget advice about the plan's networks."""
        tips = [
            p.budget
            for p in self.playbooks
            if p.budget is not None and self._fits(p.budget, networks)
        ]
        return tips[:BUDGET_TIPS]

    def _fits(self, tip: Tip, networks: Collection[str]) -> bool:
        about = tip.network is None or tip.network in networks
        return about and holds(tip.when, self.answers)

    def kpis(self, goal_kpis: list[str]) -> list[str]:
        """Return the goal's first indicator, the playbooks', then the goal's others; a handful."""
        extra = [kpi for playbook in self.playbooks for kpi in playbook.kpis]
        return list(dict.fromkeys([*goal_kpis[:1], *extra, *goal_kpis[1:]]))[:MAX_KPIS]


def advice_for(content: Content, answers: Answers) -> Advice:
    """Return the trade and the playbooks whose conditions the answers meet."""
    business_type = answers.get("business_type")
    trade_id = content.trade_id(business_type if isinstance(business_type, str) else None)
    playbooks = [playbook for playbook in content.playbooks if holds(playbook.when, answers)]
    trade = content.trades[trade_id]
    times = next((p.post_times for p in reversed(playbooks) if p.post_times), None)
    if times:
        trade = trade.model_copy(update={"post_times": times})
    premises = next((p.premises for p in reversed(playbooks) if p.premises is not None), None)
    if premises is not None:
        trade = trade.model_copy(update={"premises": premises})
    return Advice(trade_id, trade, playbooks, answers)


def goal_ideas_for(content: Content, goal: str, trade_id: str) -> list[PostIdea]:
    """Return the goal's post ideas a business of this trade can really make."""
    return [idea for idea in content.editorial.goal_ideas[goal] if idea.fits(trade_id)]


def contradictions(content: Content, answers: Answers) -> list[Contradiction]:
    """Return the contradictions in these answers."""
    return [c for c in content.card.contradictions if holds(c.when, answers)]


def planned_answers(content: Content, answers: Answers) -> dict[str, AnswerValue]:
    """Return the answers the card is built on: contradictions settled, unasked stage as skipped.

    An interview stored before the stage question existed plans as a business starting out.
    """
    planned: dict[str, AnswerValue] = {"stage": None, **answers}
    for contradiction in contradictions(content, answers):
        planned.update(contradiction.assume)
    return planned

"""The interview's flow diagram, generated from the same transitions the machine runs."""

from __future__ import annotations

import sys

from transitions.extensions.diagrams import GraphMachine

from flows.coach import load_checked_content
from flows.content import Content
from flows.machine import ANSWER, CARD, interview_transitions

HEADER = """# Interview flow

Generated from the interview machine by `python -m flows.diagram > docs/flow.md`; do not edit
by hand. Each arrow is an `answer` (or `skip`) transition, labelled with the guard that must
hold: the `ask_if` lines of `content/questions.yaml`. `back` follows the same arrows in
reverse, and `restart` returns to the first question.
"""


class _Drawing:
    """A stand-in model: the diagram needs a model to draw from, never to run."""


def flow_diagram(content: Content) -> str:
    """Return the interview flow as a Markdown page with a Mermaid state diagram."""
    questions = content.questions
    transitions = [
        {**t, "conditions": [g.__name__ for g in t.get("conditions", []) if g.question.ask_if]}
        for t in interview_transitions(questions)
        if t["trigger"] == ANSWER
    ]
    model = _Drawing()
    GraphMachine(
        model=model,
        states=[*(q.id for q in questions), CARD],
        initial=questions[0].id,
        transitions=transitions,
        auto_transitions=False,
        graph_engine="mermaid",
        show_conditions=True,
        title="Interview",
    )
    graph = model.get_graph()  # type: ignore[attr-defined]
    return f"{HEADER}\n```mermaid\n{graph.draw(None).strip()}\n```\n"


if __name__ == "__main__":
    sys.stdout.write(flow_diagram(load_checked_content()))

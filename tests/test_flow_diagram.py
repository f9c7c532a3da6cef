from __future__ import annotations

from pathlib import Path

from flows.content import Content
from flows.diagram import flow_diagram


def test_the_documented_flow_is_the_machine_that_runs(content: Content) -> None:
    documented = (Path(__file__).resolve().parent.parent / "docs" / "flow.md").read_text(
        encoding="utf-8"
    )
    assert documented == flow_diagram(content), "regenerate: python -m flows.diagram > docs/flow.md"
    assert "goal --> shop_area: answer [asks_shop_area]" in documented
    assert "editorial_plan --> card: answer" in documented

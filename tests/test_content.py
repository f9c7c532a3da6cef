"""The shipped content loads, and broken content stops start-up naming the file and the key."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import BaseModel

from flows.coach import load_checked_content
from flows.content import Content, ContentError
from flows.content_loader import default_content_dir
from flows.content_plan import Fact
from flows.i18n import Text


def test_shipped_content_has_what_the_coach_promises(content: Content) -> None:
    # At most 17 are asked in one interview: shop_area and audience_where exclude each other.
    assert 10 <= len(content.questions) <= 18
    assert sorted(m.number for m in content.mistakes) == [1, 2, 3, 4, 5, 6]
    kinds = [q.kind for q in content.questions]
    assert kinds.count("text") <= 3, "choices wherever possible"
    assert {p.id for p in content.platforms} >= {"instagram", "facebook", "linkedin", "tiktok"}
    for platform in content.platforms:
        assert 0 < platform.cadence.min <= platform.cadence.max or platform.cadence.min == 0


def _texts_outside_facts(node: Any) -> list[str]:
    if isinstance(node, Fact):
        return []
    if isinstance(node, Text):
        return [node.it, node.en]
    if isinstance(node, BaseModel):
        return [
            t for name in type(node).model_fields for t in _texts_outside_facts(getattr(node, name))
        ]
    if isinstance(node, dict):
        return [t for item in node.values() for t in _texts_outside_facts(item)]
    if isinstance(node, list):
        return [t for item in node for t in _texts_outside_facts(item)]
    return []


def test_every_percentage_names_its_source(content: Content) -> None:
    # Objectives (+30% in 90 days) are targets we set, not figures about the world.
    card = content.card
    claims = [
        content.platforms,
        card.kpis,
        card.replies,
        card.phrases,
        card.actions,
        content.mistakes,
    ]
    unsourced = [
        text
        for text in _texts_outside_facts(claims)
        if re.search(r"\d+(,\d+)?\s?%", text)
        and not re.search(r"\(.*(Index|Digital|Pew|Rival|Istat).*\)", text)
    ]
    assert unsourced == []
    assert all(fact.source.strip() for p in content.platforms for fact in p.facts)


def _broken(tmp_path: Path, file: str, change: Callable[[Any], None]) -> Path:
    directory = tmp_path / "content"
    shutil.copytree(default_content_dir(), directory)
    path = directory / file
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return directory


def _question(data: Any, question_id: str) -> dict[str, Any]:
    return next(q for q in data["questions"] if q["id"] == question_id)


BROKEN: list[tuple[str, str, Callable[[Any], None], str]] = [
    (
        "missing translation",
        "questions.yaml",
        lambda d: _question(d, "goal")["prompt"].pop("en"),
        "questions.yaml: questions[4](id=goal).prompt.en: Field required",
    ),
    (
        "empty translation",
        "mistakes.yaml",
        lambda d: d["mistakes"][0]["fix"].update(it=""),
        "mistakes.yaml: mistakes[0](id=promo_only).fix.it:",
    ),
    (
        "condition on an unknown question",
        "mistakes.yaml",
        lambda d: d["mistakes"][3].update(when={"answer": "budjet", "in": ["zero"]}),
        "mistakes.yaml: mistakes.no_budget.when: unknown question 'budjet'",
    ),
    (
        "condition on an unknown option",
        "questions.yaml",
        lambda d: _question(d, "shop_area").update(ask_if={"answer": "goal", "in": ["stores"]}),
        "questions.yaml: questions.shop_area.ask_if: unknown option 'stores' of question 'goal'",
    ),
    (
        "duplicate question id",
        "questions.yaml",
        lambda d: _question(d, "offer").update(id="goal"),
        "questions.yaml: questions.goal: duplicate id",
    ),
    (
        "duplicate option id",
        "questions.yaml",
        lambda d: _question(d, "hours")["options"][1].update(id="under_1"),
        "questions.yaml: questions.hours.options.under_1: duplicate id",
    ),
    (
        "unreachable question",
        "questions.yaml",
        lambda d: _question(d, "same_content").update(
            ask_if={"answer": "networks", "count_at_least": 20}
        ),
        "questions.yaml: questions.same_content.ask_if: the question can never be asked",
    ),
    (
        "contradiction makes a question unreachable",
        "questions.yaml",
        lambda d: _question(d, "audience_where").update(
            ask_if={
                "all": [
                    {"answer": "goal", "in": ["store"]},
                    {"answer": "goal", "not_in": ["store"]},
                ]
            }
        ),
        "questions.yaml: questions.audience_where.ask_if: the question can never be asked",
    ),
    (
        "condition on a later question",
        "questions.yaml",
        lambda d: _question(d, "offer").update(ask_if={"answer": "budget", "in": ["zero"]}),
        "questions.yaml: questions.offer.ask_if: 'budget' is not asked before this question",
    ),
    (
        "unknown placeholder",
        "mistakes.yaml",
        lambda d: d["mistakes"][1]["why"].update(it="Per {bisness}", en="For {bisness}"),
        "mistakes.yaml: mistakes.instant_roi.why: unknown placeholder {bisness}",
    ),
    (
        "missing ui text",
        "ui.yaml",
        lambda d: d["ui"].pop("progress"),
        "ui.yaml: ui.progress: missing text",
    ),
    (
        "platform option unknown",
        "platforms.yaml",
        lambda d: d["platforms"][0].update(best_goals=["fame"]),
        "platforms.yaml: platforms.instagram.best_goals: unknown option 'fame'",
    ),
    (
        "card entry missing for a goal",
        "card.yaml",
        lambda d: d["card"]["goals"].pop("leads"),
        "card.yaml: card.goals.leads: missing entry",
    ),
    (
        "missing translation of a case brief",
        "cases.yaml",
        lambda d: d["cases"][1]["brief"].pop("en"),
        "cases.yaml: cases[1](id=consulting).brief.en: Field required",
    ),
    (
        "case brief too long for a screen",
        "cases.yaml",
        lambda d: d["cases"][0]["brief"].update(it="Pizzeria. " * 61),
        "cases.yaml: cases[0](id=pizzeria).brief: Value error, the it brief is longer than 600",
    ),
    (
        "duplicate case id",
        "cases.yaml",
        lambda d: d["cases"][2].update(id="pizzeria"),
        "cases.yaml: cases.pizzeria: duplicate id",
    ),
    (
        "missing report text",
        "report.yaml",
        lambda d: d["report"].pop("mistake_line"),
        "report.yaml: report.mistake_line: missing text",
    ),
    (
        "report placeholder the code does not fill",
        "report.yaml",
        lambda d: d["report"]["progress"].update(
            it="{joined} e {finishd}", en="{joined}, {finishd}"
        ),
        "report.yaml: report.progress: unknown placeholder {finishd}",
    ),
    (
        "report placeholders differ between languages",
        "report.yaml",
        lambda d: d["report"]["heading"].update(it="Report della classe"),
        "report.yaml: report.heading: the translations use different {placeholders}",
    ),
]


@pytest.mark.parametrize(
    ("file", "change", "message"), [b[1:] for b in BROKEN], ids=[b[0] for b in BROKEN]
)
def test_broken_content_is_rejected_naming_file_and_key(
    tmp_path: Path, file: str, change: Callable[[Any], None], message: str
) -> None:
    with pytest.raises(ContentError) as caught:
        load_checked_content(_broken(tmp_path, file, change))
    assert str(caught.value).startswith(message)


def test_broken_yaml_is_rejected(tmp_path: Path) -> None:
    directory = tmp_path / "content"
    shutil.copytree(default_content_dir(), directory)
    (directory / "ui.yaml").write_text("ui: [unclosed", encoding="utf-8")
    with pytest.raises(ContentError, match=r"^ui.yaml: \(file\): not valid YAML"):
        load_checked_content(directory)


def test_start_up_stops_on_broken_content(tmp_path: Path) -> None:
    directory = _broken(
        tmp_path, "questions.yaml", lambda d: _question(d, "goal")["prompt"].pop("it")
    )
    result = subprocess.run(
        [sys.executable, "-m", "bot", "--console"],
        input="",
        capture_output=True,
        text=True,
        env={"COACH_CONTENT_DIR": str(directory), "PATH": ""},
        cwd=Path(__file__).resolve().parent.parent,
        check=False,
        timeout=60,
    )
    assert result.returncode == 2
    assert "questions.yaml: questions[4](id=goal).prompt.it: Field required" in result.stderr

"""The loader: reads content/, validates each file, and runs the content checks."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from pathlib import Path
from typing import Any

import yaml
from pydantic import Field, ValidationError

from flows.content import FILES, TRADES_DIR, Case, Content, ContentError, Mistake, Question
from flows.content_checks import check_content
from flows.content_plan import CardContent, Occasion, PlanContent, Platform, Playbook, Trade
from flows.i18n import StrictModel, Text
from flows.typed_words import TypingWords


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
    check_content(
        content,
        required_questions=set(required_questions),
        required_ui=set(required_ui),
        card_placeholders=set(card_placeholders),
        required_card_titles=set(required_card_titles),
        required_card_phrases=set(required_card_phrases),
        required_plan_phrases=set(required_plan_phrases),
        required_report=required_report or {},
    )
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


SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's safe loader where PyYAML was built with it: the content loads ten times faster."""


def _read_yaml(path: Path, name: str) -> dict[str, Any]:
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=SAFE_LOADER)
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

"""The content checks: what the models alone cannot see (ids, references, reachability)."""

from __future__ import annotations

import itertools
from collections.abc import Collection, Iterable, Iterator, Mapping
from string import Formatter
from typing import Any

from pydantic import BaseModel

from flows.budget import REPLY_CHECKS_OFFERED as REPLY_CHECKS
from flows.conditions import AnswerIn, AnswerValue, Condition
from flows.content import FILES, TRADES_DIR, Content, ContentError, Question
from flows.i18n import LANGS, Text


def check_content(
    content: Content,
    *,
    required_questions: set[str],
    required_ui: set[str],
    card_placeholders: set[str],
    required_card_titles: set[str],
    required_card_phrases: set[str],
    required_plan_phrases: set[str],
    required_report: Mapping[str, Collection[str]],
) -> None:
    """Raise ContentError, naming the file and the key, for the first problem in `content`.

    `required_report` maps each report text the code reads to the placeholders it fills in.
    """
    _check(content, required_questions, required_ui, card_placeholders)
    for kind, required, present in (
        ("titles", required_card_titles, content.card.titles),
        ("phrases", required_card_phrases, content.card.phrases),
    ):
        for missing in sorted(required - set(present)):
            raise ContentError("card.yaml", f"card.{kind}.{missing}", "missing text")
    for missing in sorted(required_plan_phrases - set(content.editorial.phrases)):
        raise ContentError("plan.yaml", f"plan.phrases.{missing}", "missing text")
    for checks in sorted(set(REPLY_CHECKS) - set(content.editorial.reply_routines)):
        raise ContentError("plan.yaml", f"plan.reply_routines.{checks}", "missing text")
    _check_report(content, required_report)


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

"""docs/DEPLOY.md names every environment variable the coach reads."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NAME = re.compile(r"[A-Z][A-Z0-9_]{2,}")


def _variables_read() -> set[str]:
    """Names passed to a `.get(...)` or listed in a `for ... in (...)` in bot/: the settings."""
    names: set[str] = set()
    for path in (ROOT / "bot").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            candidates: list[ast.expr] = []
            if isinstance(node, ast.Call):
                func = node.func
                called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
                if called == "get" and node.args:
                    candidates = [node.args[0]]
            elif isinstance(node, ast.For) and isinstance(node.iter, ast.Tuple):
                candidates = list(node.iter.elts)
            names |= {
                c.value
                for c in candidates
                if isinstance(c, ast.Constant)
                and isinstance(c.value, str)
                and NAME.fullmatch(c.value)
            }
    return names


def _variables_documented() -> set[str]:
    text = (ROOT / "docs" / "DEPLOY.md").read_text(encoding="utf-8")
    table = text[text.index("## 6. Environment variables") :]
    rows = [line for line in table.splitlines() if line.startswith("| `")]
    return {name for row in rows for name in re.findall(r"`([A-Z][A-Z0-9_]+)`", row.split("|")[1])}


def test_every_variable_the_code_reads_is_in_the_table() -> None:
    read = _variables_read()
    assert {"TELEGRAM_BOT_TOKEN", "DATABASE_URL", "WEBHOOK_URL", "PORT", "COACH_LANG"} <= read
    assert read <= _variables_documented(), read - _variables_documented()


def test_the_table_names_nothing_the_code_does_not_read() -> None:
    assert _variables_documented() <= _variables_read()

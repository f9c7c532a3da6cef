"""Each framework stays in its own package: Telegram in bot/telegram, SQL in bot/storage."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OWNERS = {
    "telegram": "bot/telegram",
    "sqlalchemy": "bot/storage",
    "alembic": "bot/storage",
}
LIMIT = 400


def imported_packages(path: Path) -> set[str]:
    """Return the top-level packages a module imports, at any depth of the file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def modules(*folders: str) -> list[Path]:
    return sorted(p for folder in folders for p in (ROOT / folder).rglob("*.py"))


def test_each_framework_is_imported_only_by_its_package() -> None:
    strays = [
        f"{path.relative_to(ROOT)} imports {package}"
        for path in modules("bot", "flows")
        for package in imported_packages(path) & OWNERS.keys()
        if not path.relative_to(ROOT).as_posix().startswith(OWNERS[package] + "/")
    ]
    assert strays == []


def test_the_check_sees_an_import_inside_a_function(tmp_path: Path) -> None:
    module = tmp_path / "late.py"
    module.write_text("def f():\n    from sqlalchemy import select\n    import telegram.ext\n")
    assert imported_packages(module) == {"sqlalchemy", "telegram"}


def test_no_module_is_over_400_lines() -> None:
    long = {
        str(path.relative_to(ROOT)): count
        for path in modules("bot", "flows")
        if (count := len(path.read_text(encoding="utf-8").splitlines())) > LIMIT
    }
    assert long == {}

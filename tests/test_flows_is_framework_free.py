from __future__ import annotations

import subprocess
import sys


def test_flows_imports_neither_telegram_nor_sqlalchemy() -> None:
    code = (
        "import sys, flows.coach, flows.card, flows.render_text, flows.machine;"
        "from flows.coach import Coach, load_checked_content; Coach(load_checked_content());"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('telegram', 'sqlalchemy'));"
        "print(bad); sys.exit(1 if bad else 0)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr

"""A plain (non-editable) install ships the content and runs the coach from anywhere."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_wheel_ships_content_and_the_coach_runs_from_it(tmp_path: Path) -> None:
    build = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            str(ROOT),
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert build.returncode == 0, build.stderr
    wheel = next(tmp_path.glob("smm_coach-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    content = ROOT / "content"
    shipped = {f.relative_to(content).as_posix() for f in content.rglob("*") if f.is_file()}
    assert {
        n.removeprefix("flows/content/") for n in names if n.startswith("flows/content/")
    } == shipped
    assert "fonts/DejaVuSans.ttf" in shipped
    assert "bot/__main__.py" in names
    for page_file in ("templates/class_page.html", "templates/class_live.html"):
        assert f"bot/web/{page_file}" in names
    for asset in ("class_page.css", "class_page.js"):
        assert f"bot/web/static/{asset}" in names
    assert "bot/storage/migrations/env.py" in names
    assert any(n.startswith("bot/storage/migrations/versions/0001") for n in names)

    target = tmp_path / "site"
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(target)
    # Run outside the checkout, importing only the unpacked wheel (plus installed dependencies).
    environment = {**os.environ, "PYTHONPATH": str(target), "TELEGRAM_BOT_TOKEN": ""}
    run = subprocess.run(
        [sys.executable, "-m", "bot", "--lang", "en"],
        input="1\n",
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=tmp_path,
        env=environment,
        check=False,
        timeout=60,
    )
    assert run.returncode == 0, run.stderr
    assert "[Question 2 of" in run.stdout
    located = subprocess.run(
        [sys.executable, "-c", "import flows.content_loader as c; print(c.default_content_dir())"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=environment,
        check=True,
    )
    assert located.stdout.strip() == str(target / "flows" / "content")

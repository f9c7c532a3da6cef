"""The typed UI keys match content/ui.yaml, and each one reads in both languages."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import get_args

import yaml

from flows.content import Content
from flows.content_loader import default_content_dir
from flows.generate_ui_keys import TARGET, ui_keys_module
from flows.i18n import LANGS
from flows.ui_keys import UI_KEYS, UiKey

ROOT = Path(__file__).resolve().parent.parent


def test_the_generated_module_is_up_to_date_with_the_content() -> None:
    assert TARGET.read_text(encoding="utf-8") == ui_keys_module(default_content_dir() / "ui.yaml")
    keys = set(
        yaml.safe_load((default_content_dir() / "ui.yaml").read_text(encoding="utf-8"))["ui"]
    )
    assert keys == UI_KEYS


def test_a_new_key_changes_the_module_and_the_shipped_one_passes_the_check(tmp_path: Path) -> None:
    ui = tmp_path / "ui.yaml"
    raw = yaml.safe_load((default_content_dir() / "ui.yaml").read_text(encoding="utf-8"))
    raw["ui"]["ws_brand_new"] = {"it": "Nuovo", "en": "New"}
    ui.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    source = ui_keys_module(ui)
    assert '    "ws_brand_new",\n' in source
    assert source != TARGET.read_text(encoding="utf-8")
    check = [sys.executable, "-m", "flows.generate_ui_keys", "--check"]
    assert subprocess.run(check, cwd=ROOT, check=False).returncode == 0


def test_every_key_reads_in_both_languages(content: Content) -> None:
    keys: tuple[UiKey, ...] = get_args(UiKey)
    empty = [(key, lang) for key in keys for lang in LANGS if not content.text(key)(lang).strip()]
    assert empty == []

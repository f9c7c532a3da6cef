from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import TELEGRAM_API_URL, SettingsError, load_settings, read_dotenv
from bot.telegram.views import split_messages


def test_environment_wins_over_dotenv_which_wins_over_defaults(tmp_path: Path) -> None:
    dotenv = tmp_path / ".env"
    dotenv.write_text(
        "# comment\nTELEGRAM_BOT_TOKEN='123:from-file'\nexport PORT=9000\n"
        "LOG_LEVEL=debug\n\nnot a line\n",
        encoding="utf-8",
    )
    assert read_dotenv(dotenv)["TELEGRAM_BOT_TOKEN"] == "123:from-file"
    settings = load_settings({"PORT": "8443"}, dotenv)
    assert settings.telegram_bot_token == "123:from-file"
    assert settings.port == 8443 and settings.log_level == "DEBUG"
    assert settings.telegram_api_url == TELEGRAM_API_URL
    assert settings.file_url == "https://api.telegram.org/file/bot"
    assert "from-file" not in repr(settings)


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"PORT": "http"}, "PORT"),
        ({"PORT": "70000"}, "PORT"),
        ({"LOG_LEVEL": "LOUD"}, "LOG_LEVEL"),
        ({"WEBHOOK_URL": "https://example.org/telegram"}, "WEBHOOK_SECRET"),
    ],
)
def test_settings_that_cannot_work_are_refused(env: dict[str, str], message: str) -> None:
    with pytest.raises(SettingsError, match=message):
        load_settings(env, None)


def test_long_cards_are_split_between_blocks_under_the_limit() -> None:
    blocks = [
        f"<b>Section {i}</b>\n" + "\n".join(f"line {j} " + "x" * 80 for j in range(12))
        for i in range(8)
    ]
    messages = split_messages(blocks, limit=1500)
    assert all(len(m) <= 1500 for m in messages)
    assert "".join(messages).count("<b>") == "".join(messages).count("</b>") == 8
    huge = split_messages(["<b>T</b>\n" + "\n".join("y" * 90 for _ in range(60))], limit=1000)
    assert len(huge) > 1 and all(len(m) <= 1000 for m in huge)

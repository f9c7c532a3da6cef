from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import SecretStr, ValidationError

from bot.config import (
    DEFAULT_DATABASE_URL,
    TELEGRAM_API_URL,
    Settings,
    SettingsError,
    load_settings,
    read_dotenv,
)
from bot.telegram.views import split_messages, visible_length


def test_environment_wins_over_dotenv_which_wins_over_defaults(tmp_path: Path) -> None:
    dotenv = tmp_path / ".env"
    dotenv.write_text(
        "# comment\nTELEGRAM_BOT_TOKEN='123:from-file'\nexport PORT=9000\n"
        "LOG_LEVEL=debug\n\nnot a line\n",
        encoding="utf-8",
    )
    assert read_dotenv(dotenv)["TELEGRAM_BOT_TOKEN"] == "123:from-file"
    settings = load_settings({"PORT": "8443"}, dotenv)
    assert settings.telegram_bot_token.get_secret_value() == "123:from-file"
    assert settings.port == 8443 and settings.log_level == "DEBUG"
    assert settings.telegram_api_url == TELEGRAM_API_URL
    assert settings.file_url == "https://api.telegram.org/file/bot"
    assert "from-file" not in repr(settings)


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"PORT": "http"}, "PORT must be a TCP port number, not 'http'"),
        ({"PORT": "70000"}, "PORT must be a TCP port number, not '70000'"),
        ({"PORT": "0"}, "PORT must be a TCP port number, not '0'"),
        ({"LOG_LEVEL": "loud"}, "LOG_LEVEL must be DEBUG, INFO, WARNING or ERROR, not 'LOUD'"),
        (
            {"WEBHOOK_URL": "https://example.org/telegram"},
            "WEBHOOK_SECRET is required with WEBHOOK_URL, so forged updates are refused",
        ),
        (
            {"WEBHOOK_URL": "https://example.org/telegram", "WEBHOOK_SECRET": "  "},
            "WEBHOOK_SECRET is required with WEBHOOK_URL, so forged updates are refused",
        ),
    ],
)
def test_settings_that_cannot_work_are_refused(env: dict[str, str], message: str) -> None:
    with pytest.raises(SettingsError) as refused:
        load_settings({"TELEGRAM_BOT_TOKEN": "123:never-shown", **env}, None)
    # Only the friendly sentence: not pydantic's report, not the token.
    assert str(refused.value) == message
    assert refused.value.__cause__ is None and refused.value.__suppress_context__


def test_the_token_and_the_webhook_secret_never_show(tmp_path: Path) -> None:
    dotenv = tmp_path / ".env"
    dotenv.write_text("WEBHOOK_SECRET=hush-from-file\n", encoding="utf-8")
    env = {"TELEGRAM_BOT_TOKEN": "123:tok-from-env", "WEBHOOK_URL": "https://example.org/tg"}
    settings = load_settings(env, dotenv)
    assert isinstance(settings.telegram_bot_token, SecretStr)
    assert settings.telegram_bot_token.get_secret_value() == "123:tok-from-env"
    assert settings.webhook_secret.get_secret_value() == "hush-from-file"
    shown = (repr(settings), str(settings), f"{settings}", settings.model_dump_json())
    for text in shown:
        assert "tok-from-env" not in text and "hush-from-file" not in text
        assert "https://example.org/tg" in text  # the rest is still there to read
    # Not in pydantic's own errors either, when Settings is built directly.
    with pytest.raises(ValidationError) as refused:
        Settings(telegram_bot_token="123:tok-direct", port="nope")
    assert "tok-direct" not in str(refused.value)


def test_blank_values_mean_the_default(tmp_path: Path) -> None:
    dotenv = tmp_path / ".env"
    dotenv.write_text("PORT=9000\nLOG_LEVEL=\nDATABASE_URL='  '\n", encoding="utf-8")
    settings = load_settings({"PORT": "", "TELEGRAM_API_URL": "   "}, dotenv)
    # A blank variable in the environment still wins over the file, and means the default.
    assert settings.port == 8080 and settings.log_level == "INFO"
    assert settings.database_url == DEFAULT_DATABASE_URL
    assert settings.telegram_api_url == TELEGRAM_API_URL
    assert load_settings({}, dotenv).port == 9000
    assert load_settings({"PORT": " 8443 "}, None).port == 8443


def test_a_given_environment_replaces_os_environ(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PORT", "1234")
    monkeypatch.setenv("WEBHOOK_URL", "https://example.org/telegram")
    monkeypatch.setenv("WEBHOOK_SECRET", "s3cret")
    assert load_settings({}, None).port == 8080
    assert load_settings({}, None).webhook_url == ""
    assert load_settings(dotenv=None).port == 1234  # without a mapping, os.environ it is
    assert load_settings(dotenv=tmp_path / "missing.env").port == 1234
    # Built directly, Settings takes only its arguments and the defaults.
    assert Settings().port == 8080 and Settings().webhook_url == ""


@pytest.mark.parametrize("field", list(Settings.model_fields))
def test_every_setting_is_read_from_its_variable(field: str, tmp_path: Path) -> None:
    value = {"port": "8443", "log_level": "DEBUG"}.get(field, f"https://{field}.example")
    env = {"WEBHOOK_SECRET": "s3cret", field.upper(): value}
    read = getattr(load_settings(env, None), field)
    assert (read.get_secret_value() if isinstance(read, SecretStr) else str(read)) == value
    dotenv = tmp_path / ".env"
    dotenv.write_text(f"WEBHOOK_SECRET=s3cret\n{field.upper()}={value}\n", encoding="utf-8")
    read = getattr(load_settings({}, dotenv), field)
    assert (read.get_secret_value() if isinstance(read, SecretStr) else str(read)) == value


def test_settings_are_frozen() -> None:
    settings = load_settings({"PORT": "8443"}, None)
    with pytest.raises(ValidationError):
        settings.port = 1  # type: ignore[misc]
    assert settings == load_settings({"PORT": "8443"}, None)
    assert hash(settings) == hash(load_settings({"PORT": "8443"}, None))


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


def test_messages_are_packed_by_the_text_telegram_counts() -> None:
    bold = ["<b>" + "x" * 90 + "</b>" for _ in range(44)]  # 4,046 visible, 4,354 with the tags
    assert len("\n\n".join(bold)) > 4096
    assert split_messages(bold) == ["\n\n".join(bold)]
    assert visible_length("<b>Tom &amp; Jerry</b>") == len("Tom & Jerry")
    pins = "\n".join("📌" * 20 for _ in range(105))  # 2,204 characters, 4,304 UTF-16 units
    parts = split_messages([pins])
    assert len(parts) == 2 and all(visible_length(part) <= 4096 for part in parts)
    assert "\n".join(parts) == pins


def test_public_url_is_where_the_class_pages_are_linked_from() -> None:
    assert load_settings({}, None).pages_url == "http://localhost:8080"
    assert load_settings({"PORT": "9000"}, None).pages_url == "http://localhost:9000"
    given = load_settings({"PUBLIC_URL": " https://coach.example.org/ "}, None)
    assert given.pages_url == "https://coach.example.org"
    webhook = {"WEBHOOK_URL": "https://bot.example.org/telegram", "WEBHOOK_SECRET": "s"}
    assert load_settings(webhook, None).pages_url == "https://bot.example.org"
    prefixed = load_settings({"PUBLIC_URL": "https://school.example/coach/"}, None)
    assert prefixed.pages_url == "https://school.example/coach"
    for wrong in (
        "coach.example.org",
        "ftp://coach.example.org",
        "https://",
        "https://x/?a=1",
        "https://x/#top",
    ):
        with pytest.raises(SettingsError, match="PUBLIC_URL must be an http"):
            load_settings({"PUBLIC_URL": wrong}, None)

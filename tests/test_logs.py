from __future__ import annotations

import io
import logging

from bot.logs import RedactSecrets

TOKEN = "123456:AAExampleSecretTokenValue_abcdefghijkl"


def test_secrets_are_masked_in_messages_and_tracebacks() -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RedactSecrets([TOKEN, "hook-secret-1"]))
    logger = logging.getLogger("test.redaction")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        logger.warning("calling https://api.telegram.org/bot%s/getMe", TOKEN)
        try:
            raise RuntimeError(f"failed with hook-secret-1 and {TOKEN}")
        except RuntimeError:
            logger.exception("update failed")
    finally:
        logger.removeHandler(handler)
    text = stream.getvalue()
    assert TOKEN not in text and "hook-secret-1" not in text
    assert "https://api.telegram.org/bot***/getMe" in text
    assert "RuntimeError: failed with *** and ***" in text

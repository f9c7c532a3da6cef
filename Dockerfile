# The coach as a container: Telegram mode when TELEGRAM_BOT_TOKEN is set.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app

COPY pyproject.toml README.md ./
COPY bot ./bot
COPY flows ./flows
COPY content ./content

RUN pip install . \
    && useradd --create-home --uid 10001 coach \
    && mkdir -p /app/data \
    && chown coach /app/data

USER 10001
VOLUME ["/app/data"]

CMD ["python", "-m", "bot"]

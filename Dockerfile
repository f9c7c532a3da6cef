# The coach as a container.
#   docker build -t smm-coach .
#   docker run -e TELEGRAM_BOT_TOKEN=... -v coach-data:/app/data smm-coach        (long polling)
#   add -p 8080:8080 -e PUBLIC_URL=http://<this computer>:8080 for the class pages on PORT
#   docker run -e TELEGRAM_BOT_TOKEN=... -e WEBHOOK_URL=https://.../telegram \
#       -e WEBHOOK_SECRET=... -p 8080:8080 -v coach-data:/app/data smm-coach     (webhook on PORT)
# tests/test_dockerfile.py checks this file and runs its entry and health commands.

# ---- builder: the coach and its dependencies, installed into /opt/venv -----------------------
FROM python:3.11-slim AS builder

ENV PYTHONDONTWRITEBYTECODE=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_ROOT_USER_ACTION=ignore

WORKDIR /src

# Dependencies first, read from pyproject.toml: this layer is rebuilt only when pyproject changes.
# The build backend goes to the builder's own Python; the venv gets only what the coach imports.
COPY pyproject.toml ./
RUN python -c "import tomllib; p = tomllib.load(open('pyproject.toml', 'rb')); \
open('build-requirements.txt', 'w').write('\n'.join(p['build-system']['requires'])); \
open('requirements.txt', 'w').write('\n'.join(p['project']['dependencies']))" \
    && pip install -r build-requirements.txt \
    && python -m venv --without-pip /opt/venv \
    && pip --python /opt/venv/bin/python install -r requirements.txt

# Then the sources, as a wheel: the same artefact tests/test_packaging.py checks, with content/
# (texts and fonts) inside it as flows/content, so the runtime needs no checkout.
COPY README.md ./
COPY bot ./bot
COPY flows ./flows
COPY content ./content
RUN pip wheel --no-deps --no-build-isolation --wheel-dir /wheels . \
    && pip --python /opt/venv/bin/python install --no-deps /wheels/smm_coach-*.whl

# ---- runtime: Python, the venv, a non-root user and a volume for the SQLite file -------------
FROM python:3.11-slim AS runtime

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PATH=/opt/venv/bin:$PATH \
    PORT=8080

# The default DATABASE_URL, sqlite+aiosqlite:///data/coach.sqlite3, is relative to WORKDIR:
# the file lands in /app/data, a volume the coach user owns (a new named volume copies that).
RUN useradd --uid 10001 --user-group --home-dir /app --no-create-home \
        --shell /usr/sbin/nologin coach \
    && mkdir -p /app/data \
    && chown coach:coach /app/data

COPY --from=builder /opt/venv /opt/venv

WORKDIR /app
USER 10001:10001
VOLUME ["/app/data"]

# PORT: the class pages and /healthz, and the webhook when WEBHOOK_URL is set.
EXPOSE 8080

# The database answers SELECT 1; with WEBHOOK_URL set, GET /healthz on PORT answers 200 too.
HEALTHCHECK --interval=30s --timeout=10s --start-period=30s --retries=3 \
    CMD ["python", "-m", "bot.storage.health"]

# Long polling, or the webhook on PORT when WEBHOOK_URL (and WEBHOOK_SECRET) are set.
# Exec form: python is PID 1 and gets docker stop's SIGTERM, and stops cleanly on it.
ENTRYPOINT ["python", "-m", "bot"]
CMD []

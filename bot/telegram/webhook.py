"""The webhook server: Telegram's updates over HTTP, `/healthz`, and the class pages.

Each update is applied before Telegram gets its 200. If this process dies mid-update, Telegram
sends the update again, to this instance or another one behind the same proxy, and the
processed-updates table makes sure it counts once. Telegram sends one chat's updates one at a
time, waiting for each answer, so a user's answers keep their order across instances too.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import signal
from collections.abc import Awaitable, Callable

from aiohttp import web
from telegram import Update
from telegram.ext import Application

from bot.storage.health import HEALTH_PATH
from bot.web.server import ClassPages

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_UPDATE_BYTES = 1 << 20  # updates are a few kilobytes; anything bigger is not Telegram

HealthCheck = Callable[[], Awaitable[bool]]


def health_check(healthy: HealthCheck) -> Callable[[web.Request], Awaitable[web.Response]]:
    """Return the GET /healthz handler: 200 while the database answers, else 503."""

    async def health(request: web.Request) -> web.Response:
        if await healthy():
            return web.json_response({"status": "ok"})
        return web.json_response({"status": "database unreachable"}, status=503)

    return health


def webhook_app(
    application: Application,  # type: ignore[type-arg]
    path: str,
    secret: str,
    healthy: HealthCheck,
    pages: ClassPages | None = None,
) -> web.Application:
    """Build the aiohttp app: POST `path` takes updates, GET /healthz says if we can serve."""

    async def take_update(request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), secret.encode()):
            log.warning("webhook request without the right secret token refused")
            return web.Response(status=403)
        try:
            data = json.loads(await request.read())
            if not isinstance(data, dict) or not isinstance(data.get("update_id"), int):
                raise ValueError("no update_id")
            update = Update.de_json(data, application.bot)
        except (ValueError, TypeError, KeyError) as error:
            log.warning("webhook request that is not an update refused: %s", type(error).__name__)
            return web.Response(status=400)
        processor = application.update_processor
        await processor.process_update(update, application.process_update(update))
        return web.Response(status=200)

    app = web.Application(client_max_size=MAX_UPDATE_BYTES)
    app.router.add_post(f"/{path.strip('/')}", take_update)
    app.router.add_get(HEALTH_PATH, health_check(healthy))
    if pages is not None:
        pages.install(app)
    return app


def pages_app(pages: ClassPages, healthy: HealthCheck) -> web.Application:
    """Build the aiohttp app of long-polling mode: the class pages and GET /healthz."""
    app = web.Application()
    app.router.add_get(HEALTH_PATH, health_check(healthy))
    pages.install(app)
    return app


async def serve_webhook(
    application: Application,  # type: ignore[type-arg]
    *,
    listen: str,
    port: int,
    path: str,
    webhook_url: str,
    secret: str,
    healthy: HealthCheck,
    pages: ClassPages | None = None,
    stopped: asyncio.Event | None = None,
) -> None:
    """Run the application behind the webhook until SIGINT or SIGTERM (or `stopped` is set)."""
    stopped = stopped or asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stopped.set)
    runner = web.AppRunner(webhook_app(application, path, secret, healthy, pages), access_log=None)
    try:
        async with application:
            if application.post_init is not None:
                await application.post_init(application)
            await runner.setup()
            await web.TCPSite(runner, listen, port).start()
            await application.bot.set_webhook(
                webhook_url, secret_token=secret, allowed_updates=Update.ALL_TYPES
            )
            await application.start()
            log.info("webhook mode on port %s", port)
            await stopped.wait()
            log.info("stopping: finishing the updates under way")
            await runner.cleanup()  # stops taking updates, lets those in flight finish
            await application.stop()
            if application.post_stop is not None:
                await application.post_stop(application)
    finally:
        if runner.server is not None:  # start-up failed half-way
            await runner.cleanup()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(signum)
        if application.post_shutdown is not None:
            await application.post_shutdown(application)

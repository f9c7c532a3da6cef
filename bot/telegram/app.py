"""The Telegram application, wired in one place for `python -m bot` and the tests alike."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from typing import Any

from aiohttp import web
from telegram import BotCommand, BotCommandScopeAllGroupChats, Update
from telegram.constants import ParseMode
from telegram.ext import (
    Application,
    BaseRateLimiter,
    BaseUpdateProcessor,
    ContextTypes,
    Defaults,
)

from bot.config import Settings
from bot.storage.checkins import CheckinStore
from bot.storage.classes import ClassStore
from bot.storage.health import database_reachable
from bot.storage.repository import SqlSessionStore
from bot.storage.workshops import WorkshopStore
from bot.telegram.calls import ResilientCalls
from bot.telegram.features import Features
from bot.telegram.flood import FloodGuard
from bot.telegram.http import AiohttpRequest
from bot.telegram.ordering import PerUserOrderedProcessor
from bot.telegram.rate_limit import FairRateLimiter
from bot.telegram.reminders import Clock, utc_now
from bot.telegram.screen import Screen
from bot.telegram.services import Services
from bot.telegram.views import Views
from bot.telegram.webhook import pages_app, serve_webhook
from bot.web.addresses import ClassAddresses
from bot.web.server import ClassPages, serve_pages
from bot.web.snapshot import ClassSnapshots
from flows.coach import Coach
from flows.i18n import LANGS
from flows.requirements import COMMANDS, GROUP_COMMANDS

log = logging.getLogger(__name__)

WEBHOOK_PATH = "telegram"
BACKGROUND_GRACE_SECONDS = 30.0
"""How long a stopping bot waits for cards still being drawn and sent."""
REMINDER_SWEEP_SECONDS = 30.0
"""How often due reminders are looked for: a reminder arrives at most this late."""
POLL_SWEEP_SECONDS = 10.0
"""How often due workshop polls are looked for: a poll closes at most this late."""
FLOOD_LIMIT, FLOOD_WINDOW = 20, 4.0
"""At most this many updates of one user in this many seconds; a person stays far below."""


def default_rate_limiter() -> FairRateLimiter:
    """Telegram's limits (30 messages a second, 20 a minute per group), shared fairly."""
    return FairRateLimiter(max_retries=3)


def build_application(
    settings: Settings,
    coach: Coach,
    store: SqlSessionStore | None = None,
    *,
    rate_limiter: BaseRateLimiter[Any] | None = None,
    processor: BaseUpdateProcessor | None = None,
    clock: Clock = utc_now,
    reminder_every: float = REMINDER_SWEEP_SECONDS,
    poll_sweep_every: float = POLL_SWEEP_SECONDS,
    flood_limit: int | None = FLOOD_LIMIT,
    snapshots: ClassSnapshots | None = None,
) -> Application:  # type: ignore[type-arg]
    """Build the application: Bot API endpoint, rate limiter, handlers, start-up texts.

    Every `reminder_every` seconds a job sends the reminders due by `clock`, and every
    `poll_sweep_every` seconds another closes the workshop polls due by then. A user's updates
    beyond `flood_limit` in `FLOOD_WINDOW` seconds are dropped (None: never). `snapshots` is
    shared with the class pages the caller serves.
    """
    store = store or SqlSessionStore.from_url(settings.database_url)
    services = Services(
        coach,
        store,
        Views(coach.content),
        ClassStore(store.engine),
        CheckinStore(store.engine),
        WorkshopStore(store.engine),
        ClassAddresses(settings.pages_url),
        snapshots,
    )
    flood_guard = FloodGuard(flood_limit, FLOOD_WINDOW) if flood_limit is not None else None
    screen = Screen(services, flood_guard)

    async def publish_commands_and_description(application: Application) -> None:  # type: ignore[type-arg]
        await set_commands_and_descriptions(application, coach)
        services.drawing.warm_up()  # after the start-up calls, not competing with them

    async def finish_background(application: Application) -> None:  # type: ignore[type-arg]
        await services.background.finish(timeout=BACKGROUND_GRACE_SECONDS)

    async def close_store(application: Application) -> None:  # type: ignore[type-arg]
        services.drawing.close()
        await services.store.close()

    application = (
        Application.builder()
        .token(settings.telegram_bot_token.get_secret_value())
        .base_url(settings.telegram_api_url)
        .base_file_url(settings.file_url)
        .request(AiohttpRequest())
        .get_updates_request(AiohttpRequest(connections=1))
        .rate_limiter(ResilientCalls(rate_limiter or default_rate_limiter()))
        .concurrent_updates(processor or PerUserOrderedProcessor())
        .defaults(Defaults(parse_mode=ParseMode.HTML))
        .post_init(publish_commands_and_description)
        .post_stop(finish_background)
        .post_shutdown(close_store)
        .build()
    )
    features = Features.build(services, screen, clock)
    for group, handler in features.handlers():
        application.add_handler(handler, group=group)
    application.add_error_handler(features.failures.on_error)

    async def send_reminders(context: ContextTypes.DEFAULT_TYPE) -> None:
        await features.reminders.send_due(context.bot)

    async def close_due_polls(context: ContextTypes.DEFAULT_TYPE) -> None:
        await features.interview.workshops.close_due_polls(context.bot)

    assert application.job_queue is not None, "installed with python-telegram-bot[job-queue]"
    application.job_queue.run_repeating(
        send_reminders, interval=reminder_every, first=reminder_every, name="reminders"
    )
    application.job_queue.run_repeating(
        close_due_polls, interval=poll_sweep_every, first=poll_sweep_every, name="workshop-polls"
    )
    return application


async def set_commands_and_descriptions(application: Application, coach: Coach) -> None:  # type: ignore[type-arg]
    """Publish the command menu and the bot's descriptions in Italian and English.

    The twelve calls are independent, so they go out together: one round trip before the bot
    starts polling instead of twelve in a row.
    """
    bot = application.bot
    text = coach.content.text
    calls: list[Coroutine[Any, Any, bool]] = []
    for lang in (*LANGS, None):
        shown = lang or "en"
        commands = [BotCommand(name, text(key)(shown)) for name, key in COMMANDS.items()]
        in_groups = [BotCommand(name, text(key)(shown)) for name, key in GROUP_COMMANDS.items()]
        calls += [
            bot.set_my_commands(commands, language_code=lang),
            bot.set_my_commands(
                in_groups, scope=BotCommandScopeAllGroupChats(), language_code=lang
            ),
            bot.set_my_description(text("tg_description")(shown), language_code=lang),
            bot.set_my_short_description(text("tg_short_description")(shown), language_code=lang),
        ]
    await asyncio.gather(*calls)


def run(settings: Settings, coach: Coach) -> None:
    """Run until stopped: webhook when WEBHOOK_URL is set, long polling otherwise.

    Either way the class pages are served on PORT, next to GET /healthz.
    """
    store = SqlSessionStore.from_url(settings.database_url)
    snapshots = ClassSnapshots(ClassStore(store.engine), coach.content)
    application = build_application(settings, coach, store, snapshots=snapshots)
    pages = ClassPages(snapshots)

    async def healthy() -> bool:
        return await database_reachable(store.engine)

    if settings.webhook_url:
        asyncio.run(
            serve_webhook(
                application,
                listen="0.0.0.0",  # Telegram's servers, or the proxy, must reach it
                port=settings.port,
                path=WEBHOOK_PATH,
                webhook_url=settings.webhook_url,
                secret=settings.webhook_secret.get_secret_value(),
                healthy=healthy,
                pages=pages,
            )
        )
    else:
        serve_pages_while_polling(application, pages_app(pages, healthy), settings.port)
        log.info("long polling mode")
        application.run_polling(allowed_updates=Update.ALL_TYPES)


def serve_pages_while_polling(
    application: Application,  # type: ignore[type-arg]
    app: web.Application,
    port: int,
) -> None:
    """Serve `app` on `port` from start-up to shutdown of a long-polling application.

    A port already taken is logged and the bot carries on: the chat matters more than the page.
    The server stops at shutdown, which follows even a start-up that failed half-way, and
    before the database is closed.
    """
    started_up, shutting_down = application.post_init, application.post_shutdown
    runner: web.AppRunner | None = None

    async def start(application: Application) -> None:  # type: ignore[type-arg]
        nonlocal runner
        if started_up is not None:
            await started_up(application)
        try:
            runner = await serve_pages(app, port)
            log.info("class pages on port %s", port)
        except OSError as error:
            log.error("class pages not served: port %s: %s", port, error.strerror or error)

    async def stop(application: Application) -> None:  # type: ignore[type-arg]
        if runner is not None:
            await runner.cleanup()
        if shutting_down is not None:
            await shutting_down(application)

    application.post_init, application.post_shutdown = start, stop

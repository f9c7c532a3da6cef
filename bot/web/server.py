"""The class page's routes on the bot's aiohttp server: the page, its live updates, its CSV."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

from aiohttp import web
from aiohttp_sse import sse_response

from bot.storage.classes import ClassInfo
from bot.web.addresses import PAGE_PREFIX, SECRET_SHAPE, still_online
from bot.web.feed import WATCH_EVERY, ClassFeed
from bot.web.render import ClassPageRenderer
from bot.web.snapshot import ClassSnapshots

log = logging.getLogger(__name__)

STATIC = Path(__file__).parent / "static"
PING_EVERY = 2.0
"""Seconds between two keep-alive comments: a closed page is noticed (and forgotten) by then.

aiohttp tells a handler nothing when its client goes away; only a write finds out.
"""
PRIVATE_PAGE = {
    "Cache-Control": "no-store",
    # The secret is in the address: it must not leave with a link someone follows.
    "Referrer-Policy": "no-referrer",
    "X-Robots-Tag": "noindex, nofollow",
    "X-Content-Type-Options": "nosniff",
    # The bars' widths are style attributes; scripts come only from this server.
    "Content-Security-Policy": (
        "default-src 'self'; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'"
    ),
}


class ClassPages:
    """Serves each class's page at its secret address; a wrong or expired secret gets 404."""

    def __init__(self, snapshots: ClassSnapshots, *, every: float = WATCH_EVERY) -> None:
        self.classes = snapshots.classes
        self.snapshots = snapshots
        self.renderer = ClassPageRenderer(snapshots.content)
        self.feed = ClassFeed(self._revision, self._live_part, every)

    def install(self, app: web.Application) -> None:
        """Add the page's routes and its static files to an aiohttp app."""
        page = PAGE_PREFIX + "{secret}"
        app.router.add_get(page, self.page)
        app.router.add_get(page + "/events", self.events)
        app.router.add_get(page + "/results.csv", self.results)
        app.router.add_static("/static/", STATIC)

        async def stop_viewers(app: web.Application) -> None:
            await self.feed.close()  # open pages would otherwise hold the shutdown up

        app.on_shutdown.append(stop_viewers)

    async def page(self, request: web.Request) -> web.Response:
        """Serve the whole page, showing the class as it is now."""
        info = await self._class(request)
        # Relative addresses: behind a proxy that serves the bot under a path, they still hold.
        secret = info.page_secret
        html = self.renderer.page(
            await self.snapshots.take(info),
            events_url=f"{secret}/events",
            results_url=f"{secret}/results.csv",
        )
        return web.Response(text=html, content_type="text/html", headers=PRIVATE_PAGE)

    async def results(self, request: web.Request) -> web.Response:
        """Serve the consented results as a CSV download."""
        info = await self._class(request)
        body = self.renderer.results_csv(await self.snapshots.take(info))
        headers = {
            **PRIVATE_PAGE,
            "Content-Disposition": 'attachment; filename="class-results.csv"',
        }
        return web.Response(body=body, content_type="text/csv", charset="utf-8", headers=headers)

    async def events(self, request: web.Request) -> web.StreamResponse:
        """Stream the page's live part as server-sent events: now, then at every change."""
        info = await self._class(request)
        async with (
            sse_response(request, headers=PRIVATE_PAGE, ping_interval=PING_EVERY) as stream,
            self.feed.viewing(info.id) as viewer,
        ):
            gone = asyncio.ensure_future(stream.wait())
            update: asyncio.Future[str | None] | None = None
            try:
                while True:
                    update = asyncio.ensure_future(viewer.next())
                    await asyncio.wait({update, gone}, return_when=asyncio.FIRST_COMPLETED)
                    if not update.done():
                        break  # the page was closed
                    fragment = update.result()
                    if fragment is None:
                        break  # the class is gone, or the server is stopping
                    await stream.send(fragment)
            except (ConnectionResetError, TimeoutError):
                pass  # the page went away, or stalled and was cut off
            finally:
                gone.cancel()
                if update is not None:
                    update.cancel()
        return stream

    async def _class(self, request: web.Request) -> ClassInfo:
        """Return the class the address names, or answer 404: wrong, expired, or no such one."""
        secret = request.match_info["secret"]
        info = await self.classes.by_page_secret(secret) if SECRET_SHAPE.fullmatch(secret) else None
        if info is None or not still_online(info):
            raise web.HTTPNotFound()
        return info

    async def _revision(self, class_id: int) -> int | None:
        """Return the class's revision; None once it is gone or its page has expired."""
        info = await self.classes.get(class_id)
        return info.revision if info is not None and still_online(info) else None

    async def _live_part(self, class_id: int) -> str | None:
        """Render the page's changing part; None once the class is gone or its page expired."""
        info = await self.classes.get(class_id)
        if info is None or not still_online(info):
            return None
        return self.renderer.live(await self.snapshots.take(info))


async def serve_pages(app: web.Application, port: int, listen: str = "0.0.0.0") -> web.AppRunner:
    """Start serving `app` on `port`; the caller cleans the returned runner up."""
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    try:
        await web.TCPSite(runner, listen, port).start()
    except BaseException:
        await runner.cleanup()
        raise
    return runner

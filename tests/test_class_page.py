"""The class page over real HTTP: secrets, consent, the CSV, escaping, many students and viewers."""

from __future__ import annotations

import asyncio
import base64
import csv
import datetime as dt
import io
import re
import secrets
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from typing import Any

import aiohttp
from aiohttp import web
from sqlalchemy import event, update

from bot.sessions import Session
from bot.storage.classes import ClassInfo, ClassStore, Share
from bot.storage.models import ClassRow
from bot.storage.repository import SqlSessionStore
from bot.web.addresses import ClassAddresses
from bot.web.render import MAX_EXCERPTS
from bot.web.server import ClassPages, serve_pages
from bot.web.snapshot import ClassSnapshots
from flows.conditions import AnswerValue
from flows.content import Content
from flows.report import readiness_score
from tests.personas import CAREFUL_BAKERY, MISTAKE_TRIGGERS
from tests.telegram_support import free_port


@dataclass
class Served:
    pages: ClassPages
    base: str
    http: aiohttp.ClientSession

    def page_url(self, info: ClassInfo) -> str:
        return ClassAddresses(self.base).page(info)

    async def get(self, url: str) -> tuple[int, str]:
        async with self.http.get(url) as response:
            return response.status, await response.text()

    async def status(self, url: str) -> int:
        """The answer's status only: a live stream's body never ends."""
        async with self.http.get(url) as response:
            return response.status


@asynccontextmanager
async def serving(store: SqlSessionStore, content: Content) -> AsyncIterator[Served]:
    pages = ClassPages(ClassSnapshots(ClassStore(store.engine), content), every=0.05)
    app = web.Application()
    pages.install(app)
    port = free_port()
    runner = await serve_pages(app, port, "127.0.0.1")
    try:
        async with aiohttp.ClientSession() as http:
            yield Served(pages, f"http://127.0.0.1:{port}", http)
    finally:
        await runner.cleanup()


async def open_class(store: SqlSessionStore, title: str = "Marketing 2B") -> ClassInfo:
    return await ClassStore(store.engine).create(
        group_chat_id=-100, teacher_id=1, teacher_lang="en", title=title, case_id=None, brief=None
    )


async def finish(
    store: SqlSessionStore,
    class_id: int,
    user_id: int,
    answers: dict[str, AnswerValue],
    *,
    share: Share = "no",
    name: str | None = None,
) -> None:
    """A student joins, finishes a card built from `answers`, and chooses what to share."""
    classes = ClassStore(store.engine)
    await classes.join(class_id, user_id, "en")
    session = Session(user_id, user_id, "en")
    session.state = "card"
    session.finish_card(answers, "en")
    await store.save(session, update_id=user_id)
    await classes.finish(class_id, user_id)
    if share != "no":
        await classes.set_share(class_id, user_id, share, name)


def with_mistake(mistake: str | None, **changes: AnswerValue) -> dict[str, AnswerValue]:
    answers: dict[str, AnswerValue] = {**CAREFUL_BAKERY, **changes}
    if mistake is not None:
        question_id, value = MISTAKE_TRIGGERS[mistake]
        answers[question_id] = value
    return answers


def shown_count(html: str, element_id: str) -> str:
    found = re.search(rf'id="{element_id}">([^<]*)<', html)
    assert found, f"no #{element_id} in the page"
    return found.group(1)


def excerpts_in(html: str) -> list[str]:
    return re.findall(r'<li class="excerpt">([^<]*)</li>', html)


class Events:
    """A page's live updates as the browser's EventSource reads them."""

    def __init__(self, response: aiohttp.ClientResponse) -> None:
        self.response = response

    async def next(self, timeout: float = 5.0) -> str:
        data: list[str] = []
        async with asyncio.timeout(timeout):
            while True:
                line = (await self.response.content.readline()).decode().rstrip("\r\n")
                if line.startswith("data: "):
                    data.append(line.removeprefix("data: "))
                elif line == "" and data:
                    return "\n".join(data)

    async def until(self, predicate: object, timeout: float = 5.0) -> str:
        async with asyncio.timeout(timeout):
            while True:
                fragment = await self.next(timeout)
                if callable(predicate) and predicate(fragment):
                    return fragment


@asynccontextmanager
async def following(served: Served, info: ClassInfo) -> AsyncIterator[Events]:
    async with served.http.get(served.page_url(info) + "/events") as response:
        assert response.status == 200
        assert response.headers["Content-Type"].startswith("text/event-stream")
        yield Events(response)


async def test_each_class_has_its_own_128_bit_page_secret(store: SqlSessionStore) -> None:
    first, second = await open_class(store), await open_class(store)
    for info in (first, second):
        assert len(base64.urlsafe_b64decode(info.page_secret + "==")) == 16
        assert info.code not in info.page_secret
    assert first.page_secret != second.page_secret
    again = await ClassStore(store.engine).by_page_secret(first.page_secret)
    assert again is not None and again.id == first.id


async def test_every_change_the_page_shows_moves_the_revision(store: SqlSessionStore) -> None:
    classes = ClassStore(store.engine)
    info = await open_class(store)

    async def revision() -> int:
        now = await classes.get(info.id)
        assert now is not None
        return now.revision

    seen = [await revision()]

    async def moved() -> None:
        now = await revision()
        assert now > seen[-1]
        seen.append(now)

    await classes.set_case(info.id, "pizzeria")
    await moved()
    await classes.join(info.id, 50, "en")
    await moved()
    await finish(store, info.id, 51, with_mistake(None))
    await moved()
    await classes.set_share(info.id, 51, "anonymous", None)
    await moved()
    await store.erase(51)
    await moved()
    await classes.close(info.id)
    await moved()
    assert not await classes.set_share(info.id, 999, "named", "Nobody")  # not a student
    assert await revision() == seen[-1]


async def test_wrong_truncated_forged_and_expired_secrets_get_404(
    store: SqlSessionStore, content: Content
) -> None:
    info = await open_class(store)
    other = await open_class(store, "Another class")
    async with serving(store, content) as served:
        status, html = await served.get(served.page_url(info))
        assert status == 200 and "Marketing 2B" in html and "Another class" not in html
        prefix = served.base + "/class/"
        for secret in (
            secrets.token_urlsafe(16),  # forged, the right shape
            info.page_secret[:-1],  # truncated
            info.page_secret + "x",
            info.code,  # the public join code is not the page's secret
            "../" + info.page_secret,
            "%3Cscript%3E",
        ):
            for suffix in ("", "/events", "/results.csv"):
                assert await served.status(prefix + secret + suffix) == 404, (secret, suffix)
        assert (await served.get(served.page_url(other)))[0] == 200

        classes = ClassStore(store.engine)
        await classes.close(info.id)
        status, html = await served.get(served.page_url(info))
        assert status == 200 and content.text("page_closed")("en") in html
        for days, expected in ((6, 200), (8, 404)):
            async with store.engine.begin() as connection:
                closed = dt.datetime.now(dt.UTC) - dt.timedelta(days=days)
                await connection.execute(
                    update(ClassRow).where(ClassRow.id == info.id).values(closed_at=closed)
                )
            for suffix in ("", "/events", "/results.csv"):
                assert await served.status(served.page_url(info) + suffix) == expected, days


async def test_a_class_nobody_joined_shows_zero_and_how_to_join(
    store: SqlSessionStore, content: Content
) -> None:
    info = await open_class(store)
    async with serving(store, content) as served:
        status, html = await served.get(served.page_url(info))
        assert status == 200
        assert shown_count(html, "joined") == "0" and shown_count(html, "finished") == "0"
        assert content.text("page_waiting")("en") in html
        assert 'class="bar"' not in html
        async with served.http.get(served.page_url(info)) as response:
            assert response.headers["Referrer-Policy"] == "no-referrer"
            assert response.headers["Cache-Control"] == "no-store"


async def test_html_in_titles_and_names_is_escaped_and_long_names_cut(
    store: SqlSessionStore, content: Content
) -> None:
    title = "<script>alert('t')</script>" + "T" * 90
    info = await open_class(store, title)
    name = "<img src=x onerror=alert(1)>" + "N" * 36  # 64 characters, Telegram's longest
    await finish(store, info.id, 60, with_mistake(None), share="named", name=name)
    async with serving(store, content) as served:
        _, html = await served.get(served.page_url(info))
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(&#39;t&#39;)&lt;/script&gt;" in html
    (excerpt,) = excerpts_in(html)
    assert excerpt.startswith("&lt;img src=x onerror=alert(1)&gt;NNNNNNNNNNNN:")
    assert "N" * 13 not in excerpt  # the name is cut to 40 characters, as in the report


async def test_the_csv_holds_only_consented_results_and_parses_back(
    store: SqlSessionStore, content: Content
) -> None:
    info = await open_class(store)
    named = with_mistake("no_budget", goal="leads")
    anonymous = with_mistake("promo_only")
    await finish(store, info.id, 70, named, share="named", name="=SUM(A1)")
    await finish(store, info.id, 71, anonymous, share="anonymous", name="Hidden Name")
    await finish(store, info.id, 72, with_mistake("no_plan"))
    await finish(store, info.id, 73, with_mistake(None, goal="branding"), share="anonymous")
    async with (
        serving(store, content) as served,
        served.http.get(served.page_url(info) + "/results.csv") as response,
    ):
        assert response.status == 200
        assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
        assert "attachment" in response.headers["Content-Disposition"]
        body = await response.read()
    assert body.startswith(b"\xef\xbb\xbf")  # spreadsheets read the accents as UTF-8
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))
    assert len(rows) == 3 and "Hidden Name" not in body.decode("utf-8-sig")
    text = content.text
    goals = {o.id: o.label("en") for o in content.question("goal").options}
    mistakes = {m.id: f"{m.number}. {m.title('en')}" for m in content.mistakes}
    first, second, third = rows
    assert first[text("page_csv_student")("en")] == "'=SUM(A1)"  # never run as a formula
    assert first[text("page_csv_goal")("en")] == goals["leads"]
    assert first[text("page_csv_networks")("en")] == "Instagram; Facebook"
    assert first[text("page_csv_mistakes")("en")] == mistakes["no_budget"]
    assert first[text("page_csv_readiness")("en")] == str(readiness_score(content, named))
    # The anonymous rows have the numbers the page gives them: "Student 1" is one person.
    async with serving(store, content) as served:
        _, html = await served.get(served.page_url(info))
    for row in (second, third):
        student, goal = row[text("page_csv_student")("en")], row[text("page_csv_goal")("en")]
        assert any(line.startswith(f"{student}: {goal} ·") for line in excerpts_in(html))
    by_goal = {row[text("page_csv_goal")("en")]: row for row in (second, third)}
    assert by_goal[goals["store"]][text("page_csv_mistakes")("en")] == mistakes["promo_only"]
    assert by_goal[goals["branding"]][text("page_csv_mistakes")("en")] == ""
    formats = {o.id: o.label("en") for o in content.question("content_types").options}
    expected_formats = f"{formats['photos']}; {formats['short_videos']}"
    assert second[text("page_csv_formats")("en")] == expected_formats
    assert {second[text("page_csv_student")("en")], third[text("page_csv_student")("en")]} == {
        "Student 1",
        "Student 2",
    }


async def test_an_excerpt_shows_only_after_share_and_leaves_after_deletedata(
    any_store: SqlSessionStore, database: str, content: Content
) -> None:
    """The page is served by one instance; the changes come through another one's engine."""
    store = SqlSessionStore.from_url(database)
    classes = ClassStore(store.engine)
    info = await open_class(store)
    await finish(store, info.id, 80, with_mistake("instant_roi"))
    async with (
        serving(any_store, content) as served,
        following(served, info) as events,
    ):
        now = await events.next()
        assert shown_count(now, "finished") == "1" and excerpts_in(now) == []
        await classes.set_share(info.id, 80, "named", "Giulia")
        shared = await events.until(excerpts_in)
        assert excerpts_in(shared)[0].startswith("Giulia:")
        await classes.set_share(info.id, 80, "no", None)  # changed their mind
        withdrawn = await events.until(lambda f: not excerpts_in(f))
        assert "Giulia" not in withdrawn
        await classes.set_share(info.id, 80, "anonymous", None)
        await events.until(lambda f: any(e.startswith("Student 1:") for e in excerpts_in(f)))
        await store.erase(80)
        gone = await events.until(lambda f: shown_count(f, "finished") == "0")
        assert excerpts_in(gone) == [] and shown_count(gone, "joined") == "0"
    await store.close()


async def test_three_hundred_students_fit_one_screen(
    store: SqlSessionStore, content: Content
) -> None:
    info = await open_class(store)
    mistakes = sorted(MISTAKE_TRIGGERS)
    for i in range(300):
        made_one = mistakes[i % 6] if i % 2 else None
        share: Share = "anonymous" if i % 3 else "no"
        await finish(store, info.id, 1000 + i, with_mistake(made_one), share=share)
    async with serving(store, content) as served:
        _, html = await served.get(served.page_url(info))
    assert shown_count(html, "finished") == "300" and shown_count(html, "joined") == "300"
    assert len(excerpts_in(html)) == MAX_EXCERPTS
    shared = sum(1 for i in range(300) if i % 3)
    more = content.text("page_more_excerpts")("en").format(n=shared - MAX_EXCERPTS)
    assert more in html
    for mistake in content.mistakes:
        made = sum(1 for i in range(300) if i % 2 == 1 and mistakes[i % 6] == mistake.id)
        assert f'data-count="{made}"' in html
        assert f"{made} of 300" in html


@contextmanager
def membership_reads(store: SqlSessionStore) -> Iterator[list[str]]:
    """The SELECTs on memberships the engine runs meanwhile: what a class snapshot reads."""
    reads: list[str] = []

    def count(*args: Any) -> None:
        statement = str(args[2])
        if statement.lstrip().upper().startswith("SELECT") and "memberships" in statement:
            reads.append(statement)

    event.listen(store.engine.sync_engine, "before_cursor_execute", count)
    try:
        yield reads
    finally:
        event.remove(store.engine.sync_engine, "before_cursor_execute", count)


async def test_fifty_pages_opened_at_once_share_one_snapshot(
    store: SqlSessionStore, content: Content
) -> None:
    info = await open_class(store)
    await finish(store, info.id, 95, with_mistake("no_plan"), share="anonymous")
    async with serving(store, content) as served:
        for joined in ("1", "2"):
            with membership_reads(store) as reads:
                pages = await asyncio.gather(
                    *(served.get(served.page_url(info)) for _ in range(50))
                )
            assert all(status == 200 for status, _ in pages)
            assert {shown_count(html, "joined") for _, html in pages} == {joined}
            assert len(reads) == 3  # one snapshot of this revision, for all 50
            await ClassStore(store.engine).join(info.id, 96, "en")  # a new revision


async def test_fifty_viewers_cost_one_render_per_change(
    store: SqlSessionStore, content: Content
) -> None:
    classes = ClassStore(store.engine)
    info = await open_class(store)
    async with serving(store, content) as served:
        streams = await asyncio.gather(
            *(served.http.get(served.page_url(info) + "/events") for _ in range(50))
        )
        viewers = [Events(response) for response in streams]
        try:
            await asyncio.gather(*(v.next() for v in viewers))
            assert served.pages.feed.viewers(info.id) == 50
            before = served.pages.feed.renders
            with membership_reads(store) as reads:
                await classes.join(info.id, 90, "en")
                fragments = await asyncio.gather(*(v.next() for v in viewers))
                assert all(shown_count(f, "joined") == "1" for f in fragments)
                await asyncio.sleep(0.3)  # several more reads of the revision, nothing changed
            assert served.pages.feed.renders == before + 1
            assert len(reads) == 3  # joined, finished, the finished cards: once, for all 50
        finally:
            for response in streams:
                response.close()
        for _ in range(200):  # the keep-alive finds each closed page within seconds
            if served.pages.feed.viewers(info.id) == 0:
                break
            await asyncio.sleep(0.05)
        assert served.pages.feed.viewers(info.id) == 0  # closed pages stop being watched


async def test_open_pages_end_when_the_page_expires_or_the_server_stops(
    store: SqlSessionStore, content: Content
) -> None:
    info = await open_class(store)
    async with serving(store, content) as served, following(served, info) as events:
        await events.next()
        await ClassStore(store.engine).close(info.id)
        await events.until(lambda f: content.text("page_closed")("en") in f)
        async with store.engine.begin() as connection:
            expired = dt.datetime.now(dt.UTC) - dt.timedelta(days=8)
            await connection.execute(
                update(ClassRow).where(ClassRow.id == info.id).values(closed_at=expired)
            )
        async with asyncio.timeout(10):
            assert await events.response.content.read() == b""  # the stream ended
    other = await open_class(store, "Still open")
    pages = ClassPages(ClassSnapshots(ClassStore(store.engine), content), every=0.05)
    app = web.Application()
    pages.install(app)
    port = free_port()
    runner = await serve_pages(app, port, "127.0.0.1")
    async with aiohttp.ClientSession() as http:
        url = f"http://127.0.0.1:{port}/class/{other.page_secret}/events"
        async with http.get(url) as response:
            await Events(response).next()
            async with asyncio.timeout(10):  # an open page must not hold the shutdown up
                await runner.cleanup()
                assert await response.content.read() == b""

"""The class page end to end: the link on Telegram, and the page open in headless Chromium."""

from __future__ import annotations

import asyncio
import csv
import io
import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import aiohttp
import pytest
from PIL import Image
from selenium import webdriver
from selenium.webdriver.chrome.service import Service

from bot.storage.classes import ClassStore, Share
from bot.storage.repository import SqlSessionStore
from bot.telegram.webhook import pages_app
from bot.web.server import ClassPages, serve_pages
from bot.web.snapshot import ClassSnapshots
from flows.coach import Coach
from flows.conditions import AnswerValue
from flows.content import Content
from flows.i18n import Lang
from flows.ui_keys import UiKey
from tests.fake_telegram import BotMessage, FakeChat, FakeTelegram, FakeUser
from tests.personas import CAREFUL_BAKERY, MISTAKE_TRIGGERS
from tests.telegram_support import (
    class_announcement,
    consent_given,
    free_port,
    play_in_telegram,
    running_bot,
    says,
)
from tests.test_class_page import finish as finish_student

CHROMIUM, CHROMEDRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"
SCREEN = (1920, 1080)
SCREENSHOTS = os.environ.get("CLASS_PAGE_SCREENSHOTS")
"""A folder to keep the screenshots in, to look at them; they go to a temporary one otherwise."""

needs_browser = pytest.mark.skipif(
    not (shutil.which(CHROMIUM) and shutil.which(CHROMEDRIVER))
    and os.environ.get("REQUIRE_BROWSER") != "1",
    reason="Debian's chromium and chromium-driver are not installed (CI installs them)",
)


async def healthy() -> bool:
    return True


async def open_class_in_group(
    tg: FakeTelegram, content: Content, teacher: FakeUser, group: FakeChat, title: str
) -> tuple[str, BotMessage]:
    """The teacher opens a class on their own business; return its join payload and message."""
    await teacher.send(f"/class {title}", chat=group)
    start = title[:20].replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    choose = await tg.wait_for(
        lambda: next(
            (m for m in tg.messages(group.id) if m.from_bot and m.html and start in m.html), None
        )
    )
    await teacher.tap(choose, button_text=content.text("cls_own_business")(teacher_lang(teacher)))
    payload = await class_announcement(tg, content, choose)
    announcement = next(m for m in tg.messages(group.id) if m.message_id == choose.message_id)
    return payload, announcement


def teacher_lang(user: FakeUser) -> Lang:
    return "it" if user.user.get("language_code") == "it" else "en"


def page_payload(content: Content, announcement: BotMessage, lang: Lang) -> str:
    url = urlparse(announcement.button_url(content.text("cls_page_button")(lang)))
    assert url.netloc == "t.me"
    return parse_qs(url.query)["start"][0]


def link_in(message: BotMessage, base: str) -> str:
    return next(word for word in message.text.split() if word.startswith(base + "/class/"))


def student_answers(mistake: str) -> dict[str, AnswerValue]:
    question_id, value = MISTAKE_TRIGGERS[mistake]
    return {**CAREFUL_BAKERY, question_id: value}


async def finish_interview(
    tg: FakeTelegram, coach: Coach, student: FakeUser, payload: str, mistake: str
) -> BotMessage:
    """A student joins by the link and answers everything; return the consent question.

    The class counts the card as finished before the card, which asks it, is sent.
    """
    content, lang = coach.content, teacher_lang(student)
    await student.send(f"/start {payload}")
    await play_in_telegram(tg, coach, student, student_answers(mistake), lang=lang)
    return await says(tg, student.chat.id, content.text("cls_share_question")(lang)[:30])


async def share_choice(
    tg: FakeTelegram, content: Content, student: FakeUser, ask: BotMessage, choice: UiKey
) -> None:
    """The student answers the consent question."""
    lang = teacher_lang(student)
    label = content.text(choice)(lang)
    await student.tap(ask, button_text=label)
    await consent_given(tg, ask, label)


async def take_part(
    tg: FakeTelegram, coach: Coach, student: FakeUser, payload: str, *, mistake: str, share: UiKey
) -> None:
    """A student joins by the link, answers everything and says what they share."""
    ask = await finish_interview(tg, coach, student, payload, mistake)
    await share_choice(tg, coach.content, student, ask, share)


async def test_the_page_link_reaches_only_the_teacher_and_only_in_private(
    tg: FakeTelegram, content: Content, store: SqlSessionStore
) -> None:
    coach = Coach(content)
    group = tg.group_chat(8001, "Marketing 3A")
    teacher = tg.user(8100, "Prof. Rossi", "it")
    student = tg.user(8200, "Luca", "it")
    admin = tg.user(8300, "Dora", "en")
    tg.set_admins(group, [admin.id])
    base = "https://coach.example.org"
    async with running_bot(tg, coach, store, settings={"public_url": base + "/"}):
        payload, announcement = await open_class_in_group(tg, content, teacher, group, "3A")
        page = page_payload(content, announcement, "it")
        assert page != payload

        await student.send(f"/start {page}")
        await says(tg, student.chat.id, content.text("cls_not_allowed")("it"))

        await teacher.send(f"/start {page}")
        link = await says(tg, teacher.chat.id, base + "/class/")
        info = await ClassStore(store.engine).latest_in_group(group.id)
        assert info is not None
        assert link_in(link, base) == f"{base}/class/{info.page_secret}"
        assert f"{base}/class/{info.page_secret}/results.csv" in link.text
        await admin.send(f"/start {page}")  # a group admin may run the class too
        for_admin = await says(tg, admin.chat.id, base + "/class/")
        assert link_in(for_admin, base) == link_in(link, base)
        assert "Open it on the computer" in for_admin.text  # in the admin's own language

        await take_part(tg, coach, student, payload, mistake="no_budget", share="cls_share_named")
        tg.not_started.add(teacher.id)  # as if they had never opened the private chat
        await teacher.send("/report", chat=group)
        note = await says(tg, group.id, content.text("cls_page_private")("it")[:30])
        assert page_payload(content, note, "it") == page
        await teacher.send("/start")
        await teacher.send("/report", chat=group)
        exports = await tg.wait_for(
            lambda: [m for m in tg.messages(teacher.chat.id) if m.document][1:] or None, 20
        )  # the first came with the link, before anyone finished
        export = exports[-1]
        assert export.document is not None
        assert export.document_name == "risultati-classe.csv"
        rows = list(csv.DictReader(io.StringIO(export.document.decode("utf-8-sig"))))
        assert [row[content.text("page_csv_student")("it")] for row in rows] == ["Luca"]

    in_group = " ".join(m.text + str(m.reply_markup) for m in tg.messages(group.id))
    assert info.page_secret not in in_group


async def test_a_long_html_title_is_cut_and_deletedata_takes_the_excerpt_off(
    tg: FakeTelegram, content: Content, store: SqlSessionStore
) -> None:
    coach = Coach(content)
    group = tg.group_chat(8501, "Marketing 5E")
    teacher = tg.user(8600, "Prof. Verdi", "en")
    student = tg.user(8700, "Sara", "en")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    pages = ClassPages(ClassSnapshots(ClassStore(store.engine), content))
    runner = await serve_pages(pages_app(pages, healthy), port, "127.0.0.1")
    title = "<b>5E</b> & <script>alert(1)</script> " * 60  # about 2,000 characters
    try:
        async with (
            running_bot(tg, coach, store, settings={"public_url": base}),
            aiohttp.ClientSession() as http,
        ):
            payload, announcement = await open_class_in_group(
                tg, content, teacher, group, title[:30]
            )
            await teacher.send(f"/start {page_payload(content, announcement, 'en')}")
            link = link_in(await says(tg, teacher.chat.id, base + "/class/"), base)

            async def page() -> str:
                async with http.get(link) as response:
                    assert response.status == 200
                    return await response.text()

            html = await page()
            heading = html.split('<h1 class="title">', 1)[1].split("</h1>", 1)[0]
            assert "<b>" not in heading and "<script>" not in heading
            assert heading.startswith("&lt;b&gt;5E&lt;/b&gt; &amp; &lt;script&gt;")
            assert (
                len(heading.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")) <= 120
            )

            await take_part(tg, coach, student, payload, mistake="no_plan", share="cls_share_named")
            assert "Sara:" in await page()
            await student.send("/deletedata")
            confirm = await says(tg, student.chat.id, content.text("tg_delete_confirm")("en")[:20])
            await student.tap(confirm, button_text=content.text("tg_delete_yes")("en"))
            for _ in range(100):
                html = await page()
                if "Sara" not in html:
                    break
                await asyncio.sleep(0.1)
            assert "Sara" not in html and 'id="finished">0<' in html
    finally:
        await runner.cleanup()


@contextmanager
def chromium() -> Iterator[webdriver.Chrome]:
    """Debian's Chromium, headless, at a projector's 1920x1080, touching no outside network."""
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    profile = tempfile.mkdtemp(prefix="class-page-chromium-")
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--hide-scrollbars",
        f"--window-size={SCREEN[0]},{SCREEN[1]}",
        f"--user-data-dir={profile}",
    ):
        options.add_argument(flag)
    os.environ.setdefault("SE_OFFLINE", "true")  # Selenium Manager must not download anything
    driver = webdriver.Chrome(options=options, service=Service(CHROMEDRIVER))
    # The window's size includes the browser's own bars: the page itself must get the screen.
    screen = {"width": SCREEN[0], "height": SCREEN[1], "deviceScaleFactor": 1, "mobile": False}
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", screen)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def shown(driver: webdriver.Chrome, script: str) -> object:
    return driver.execute_script(script)


async def wait_in_page(driver: webdriver.Chrome, script: str, timeout: float) -> float:
    """Wait until `script` is true in the open page; return how long that took."""
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        if await asyncio.to_thread(shown, driver, script):
            return time.monotonic() - start
        await asyncio.sleep(0.1)
    raise AssertionError(f"not true within {timeout} s: {script}")


FINISHED = "return document.getElementById('finished').textContent"
MISTAKE_COUNTS = (
    "return Array.from(document.querySelectorAll('.mistakes .bar'))"
    ".map(bar => Number(bar.dataset.count))"
)


@needs_browser
@pytest.mark.parametrize("lang", ["it", "en"])
async def test_the_open_page_follows_students_as_they_finish(
    tg: FakeTelegram, content: Content, store: SqlSessionStore, tmp_path: Path, lang: Lang
) -> None:
    coach = Coach(content)
    group = tg.group_chat(9001, "Marketing 4C")
    teacher = tg.user(9100, "Prof. Neri", lang)
    students = [tg.user(9200 + i, name, lang) for i, name in enumerate(("Anna", "Marco"))]
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    pages = ClassPages(ClassSnapshots(ClassStore(store.engine), content))
    runner = await serve_pages(pages_app(pages, healthy), port, "127.0.0.1")
    title = "Marketing 4C — Social media per le PMI" if lang == "it" else "Marketing 4C — SMM"
    try:
        async with running_bot(tg, coach, store, settings={"public_url": base}):
            payload, announcement = await open_class_in_group(tg, content, teacher, group, title)
            await teacher.send(f"/start {page_payload(content, announcement, lang)}")
            link = link_in(await says(tg, teacher.chat.id, base + "/class/"), base)

            with chromium() as driver:
                await asyncio.to_thread(driver.get, link)
                assert title in await asyncio.to_thread(lambda: driver.title)
                heading = shown(driver, "return document.querySelector('h1').textContent")
                assert heading == title
                assert shown(driver, FINISHED) == "0"
                waiting = content.text("page_waiting")(lang)
                assert waiting in str(shown(driver, "return document.body.innerText"))

                anna, marco = students
                await take_part(
                    tg, coach, anna, payload, mistake="no_budget", share="cls_share_named"
                )
                await wait_in_page(driver, FINISHED + " === '1'", 2.0)
                ask = await finish_interview(tg, coach, marco, payload, "no_plan")
                await wait_in_page(driver, FINISHED + " === '2'", 2.0)  # from his card's end
                await share_choice(tg, content, marco, ask, "cls_share_anonymous")
                anonymous = content.report["anonymous"](lang).format(n=1)
                await wait_in_page(
                    driver, f"return document.body.innerText.includes('{anonymous}:')", 2.0
                )
                counts = shown(driver, MISTAKE_COUNTS)
                numbers = {m.id: m.number for m in content.mistakes}
                expected = [0] * 6
                for mistake in ("no_budget", "no_plan"):
                    expected[numbers[mistake] - 1] = 1
                assert counts == expected
                assert "Anna" in str(shown(driver, "return document.body.innerText"))

                fits = "return document.documentElement.scrollHeight <= window.innerHeight"
                assert shown(driver, fits), "the page scrolls on a 1920x1080 screen"
                folder = Path(SCREENSHOTS) if SCREENSHOTS else tmp_path
                folder.mkdir(parents=True, exist_ok=True)
                screenshot = folder / f"class-page-{lang}.png"
                await asyncio.to_thread(driver.save_screenshot, str(screenshot))
                with Image.open(screenshot) as image:
                    assert image.size == SCREEN

                forged = link[: -len(link.rsplit("/", 1)[1])] + "A" * 22
                await asyncio.to_thread(driver.get, forged)
                assert "404" in str(shown(driver, "return document.body.innerText"))
            async with aiohttp.ClientSession() as http, http.get(forged) as response:
                assert response.status == 404
    finally:
        await runner.cleanup()


GOALS = ["branding", "launch", "store", "leads", "showcase"]
NETWORKS = ["instagram", "facebook", "tiktok", "linkedin", "youtube", "pinterest", "whatsapp"]
FITS_WHOLE = """
const tall = [document.documentElement, ...document.querySelectorAll('.chart, .excerpts')];
return tall.every(box => box.scrollHeight <= box.clientHeight + 1)
"""


@needs_browser
@pytest.mark.parametrize("lang", ["it", "en"])
async def test_a_class_of_three_hundred_fits_the_projector(
    content: Content, store: SqlSessionStore, tmp_path: Path, lang: Lang
) -> None:
    title = ("Laboratorio di social media marketing " if lang == "it" else "Social media lab ") * 4
    classes = ClassStore(store.engine)
    info = await classes.create(
        group_chat_id=-1,
        teacher_id=1,
        teacher_lang=lang,
        title=title[:120],
        case_id=None,
        brief=None,
    )
    mistakes = sorted(MISTAKE_TRIGGERS)
    for i in range(300):
        answers: dict[str, AnswerValue] = {
            **CAREFUL_BAKERY,
            "goal": GOALS[i % 5],
            "networks": [NETWORKS[i % 7], NETWORKS[(i + 3) % 7]],
        }
        for j in range(i % 4):
            question_id, value = MISTAKE_TRIGGERS[mistakes[(i + j) % 6]]
            answers[question_id] = value
        share: Share = ("named", "anonymous", "no")[i % 3]
        name = f"Maria Vittoria {i} " * 4
        await finish_student(store, info.id, 5000 + i, answers, share=share, name=name)
    port = free_port()
    pages = ClassPages(ClassSnapshots(classes, content))
    runner = await serve_pages(pages_app(pages, healthy), port, "127.0.0.1")
    try:
        with chromium() as driver:
            await asyncio.to_thread(driver.get, f"http://127.0.0.1:{port}/class/{info.page_secret}")
            assert shown(driver, FINISHED) == "300"
            folder = Path(SCREENSHOTS) if SCREENSHOTS else tmp_path
            folder.mkdir(parents=True, exist_ok=True)
            await asyncio.to_thread(driver.save_screenshot, str(folder / f"class-300-{lang}.png"))
            assert shown(driver, FITS_WHOLE), "something is cut off or scrolls at 1920x1080"
    finally:
        await runner.cleanup()

"""The terminal front end, run as a real subprocess with piped input."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import icalendar
import pytest

from tests.personas import HAIRDRESSER_TYPING

ROOT = Path(__file__).resolve().parent.parent

ITALIAN_SESSION = [
    "2",
    "Dolci senza glutine 🍰",
    "2",  # posting now and then
    "3",
    "Bologna, Navile",
    "5",
    "1,2",
    "1",
    "1,2",
    "3",
    "1",  # promotion only: mistake 1
    "1",  # sales from the first month: mistake 2
    "1",
    "3",
    "1",  # identical content everywhere: mistake 5
    "1",
]

ENGLISH_SESSION = [
    "7",
    "Industrial <sensors> & valves",
    "1",  # not on social media yet
    "4",
    "6",
    "3",
    "4",
    "1,5",
    "8 hours",
    "3",
    "3",
    "2",  # the marketing department: mistake 3
    "/back",
    "1",  # changed mind: a dedicated person
    "1",  # no budget: mistake 4
    "4",  # no editorial plan: mistake 6
]


def run(
    lines: list[str], *args: str, env: dict[str, str] | None = None, out: Path | None = None
) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if k != "TELEGRAM_BOT_TOKEN"}
    environment.update(env or {})
    folder = out or Path(tempfile.mkdtemp(prefix="coach-out-"))  # never the checkout
    return subprocess.run(
        [sys.executable, "-m", "bot", "--out", str(folder), *args],
        input="\n".join(lines) + "\n",
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=ROOT,
        env=environment,
        timeout=60,
        check=False,
    )


def test_italian_session_reaches_the_card() -> None:
    result = run(ITALIAN_SESSION, "--lang", "it")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Nessun TELEGRAM_BOT_TOKEN" in out
    assert out.count("⚠️ Errore comune n.") == 3
    assert "Errore comune n. 2" in out and "Errore comune n. 5" in out
    first = out.index("⚠️ Errore comune n. 1")
    # Mistake 1 is explained right after the answer about social use, before the next question.
    assert (
        out.rindex("Come pensi di usare i social", 0, first)
        < first
        < out.index("Quando ti aspetti un ritorno")
    )
    assert "# La tua strategia social" in out
    assert "Dolci senza glutine 🍰" in out
    assert out.rstrip().endswith("A presto, e buon lavoro con i social!")


def test_english_session_with_a_change_of_mind() -> None:
    result = run(
        ENGLISH_SESSION, "--console", env={"TELEGRAM_BOT_TOKEN": "", "LANG": "en_GB.UTF-8"}
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Common mistake #3" in out and "Common mistake #4" in out and "Common mistake #6" in out
    card = out[out.index("# Your social media strategy") :]
    assert "LinkedIn" in card
    assert "Industrial <sensors> & valves" in card
    assert "**3. " not in card, "the mistake corrected with /back is not on the card"
    assert "**4. " in card and "**6. " in card


def test_the_terminal_saves_the_card_images_and_the_calendar(tmp_path: Path) -> None:
    out = tmp_path / "plan"
    result = run(ITALIAN_SESSION, "--lang", "it", out=out)
    assert result.returncode == 0, result.stderr
    calendar = out / "piano-editoriale.ics"
    images = sorted(out.glob("scheda-strategica-*.png"))
    assert calendar.is_file() and images
    for path in [*images, calendar]:
        assert str(path) in result.stdout
    assert images[0].read_bytes().startswith(b"\x89PNG")
    parsed = icalendar.Calendar.from_ical(calendar.read_bytes())
    assert len(list(parsed.walk("VEVENT"))) > 20


def test_a_folder_that_cannot_be_written_gets_a_clear_answer(tmp_path: Path) -> None:
    blocked = tmp_path / "file-not-folder"
    blocked.write_text("x")
    result = run(ENGLISH_SESSION, "--lang", "en", out=blocked)
    assert result.returncode == 0, result.stderr
    assert "I can't save the files in" in result.stdout and "--out" in result.stdout
    assert "Traceback" not in result.stderr


def test_careful_answers_get_no_warning() -> None:
    careful = [
        "4",
        "Borse in pelle fatte a mano",
        "3",  # posting regularly
        "1",  # what works: photos and videos of the product
        "5",
        "3",
        "2",
        "1,6",
        "1",
        "1,2",
        "3",
        "3",
        "3",
        "1",
        "3",
        "2",
        "1",
    ]
    result = run(careful, "--lang", "en")
    assert result.returncode == 0, result.stderr
    assert "⚠️" not in result.stdout.split("# Your social media strategy")[0]
    assert "No common mistakes" in result.stdout or "none of the six" in result.stdout.lower()


def test_console_survives_bad_input_and_commands() -> None:
    lines = [
        "",
        "abc",
        "0",
        "1,,9",
        "/nonsense",
        "/lang xx",
        "/lang it",
        "/skip",
        "1",
        "x" * 5000,
        "/help",
        "/quit",
        "ignored",
    ]
    result = run(lines, "--lang", "en")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "I didn't get anything" in out
    assert "There's no option 9" in out
    assert "Unknown command" in out and "Usage: /lang it or /lang en" in out
    assert "Ok, da ora parlo italiano." in out
    assert "non si può saltare" in out
    assert "ho tenuto i primi 120 caratteri" in out
    assert "Traceback" not in result.stderr


def test_end_of_input_mid_interview_exits_cleanly() -> None:
    result = run(["1", "Scarpe"], "--lang", "it")
    assert result.returncode == 0
    assert "A presto" in result.stdout


def test_a_reader_that_goes_away_is_not_an_error() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "--lang", "en", "--out", tempfile.mkdtemp()],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=ROOT,
        env={k: v for k, v in os.environ.items() if k != "TELEGRAM_BOT_TOKEN"},
    )
    assert process.stdout is not None and process.stdin is not None
    process.stdout.readline()
    process.stdout.close()  # like `| head -1`
    _, stderr = process.communicate(input=b"1\nShoes\n3\n" * 50, timeout=60)
    assert process.returncode == 0
    assert b"Traceback" not in stderr


HAIRDRESSER_IN_WORDS = [
    *HAIRDRESSER_TYPING,
    "5",  # five hours, or option 5? It is asked back
    "1",  # five hours
    "rispondo ai commenti quando posso",
    "prima la fiducia, poi le vendite",
    "io",
    "50 euro",
    "stessa idea adattata",
    "no",  # which "no"? Asked back
    "1",
]

BAKER_IN_WORDS = [
    "bakery",
    "gluten-free cakes",
    "I post now and then",
    "get known",
    "families",
    "in my town",
    "insta and fb",
    "instagram",
    "photos and reels",
    "about 4 hours",
    "useful content and chatting with customers",
    "within 3-6 months, by sales",
    "a dedicated person",
    "€200",
    "different content for each network",
    "nothing written, just ideas",
]


@pytest.mark.parametrize(
    ("lang", "lines", "card", "understood"),
    [
        (
            "it",
            HAIRDRESSER_IN_WORDS,
            "Ecco la tua scheda",
            [
                "✔ Servizi alla persona (estetica, palestra, parrucchiere…)",
                "✔ Adulti (35–54)",
                "✔ Foto, Video brevi (sotto il minuto)",
                "✔ 3–6 ore",
                "✔ Io, nei ritagli di tempo",
                "✔ Meno di 100 € al mese",
                "✔ No, pubblico quando mi viene l'ispirazione",
            ],
        ),
        (
            "en",
            BAKER_IN_WORDS,
            "Here is your strategy card",
            [
                "✔ Café, restaurant, bakery",
                "✔ Instagram, Facebook",
                "✔ 3–6 hours",
                "✔ €100–300 a month",
                "✔ I have ideas, but nothing written",
            ],
        ),
    ],
)
def test_a_person_typing_every_answer_in_words_reaches_the_card(
    lang: str, lines: list[str], card: str, understood: list[str]
) -> None:
    result = run(lines, "--lang", lang)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert card in out
    assert out.count("❗") <= 1, "at most one refusal"
    for line in understood:
        assert line in out.splitlines(), line

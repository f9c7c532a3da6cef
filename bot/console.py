"""Terminal front end: the same interview, typed, scriptable through piped input."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from flows.card import StrategyCard
from flows.coach import Coach
from flows.i18n import Lang, parse_lang
from flows.machine import Interview
from flows.outputs import CardView, ClarifyView, Echo, MistakeView, Notice, Output, QuestionView
from flows.render_calendar import render_calendar_ics
from flows.render_image import render_card_pngs
from flows.render_text import render_markdown
from flows.ui_keys import UiKey

Write = Callable[[str], None]


class ConsoleSession:
    """One terminal conversation: reads lines, prints the coach's replies."""

    def __init__(self, coach: Coach, lang: Lang, write: Write, out_dir: Path | None = None) -> None:
        self.coach = coach
        self.write = write
        self.out_dir = out_dir or Path.cwd()
        self.interview: Interview = coach.new_interview(lang)
        self.clarifying: ClarifyView | None = None
        """The question back just asked: its numbered readings settle it."""

    def ui(self, key: UiKey, **values: object) -> str:
        """Return a UI string in the interview's language."""
        return self.coach.content.text(key)(self.interview.lang).format(**values)

    def start(self) -> None:
        """Greet and ask the first question."""
        self.write(self.ui("welcome"))
        self.write(self.ui("help"))
        self.show(self.coach.current(self.interview))

    def handle(self, line: str) -> bool:
        """Handle one line of input; return False when the user wants to leave."""
        text = line.strip()
        asked, self.clarifying = self.clarifying, None
        if text.startswith("/"):
            return self._command(text)
        picked = _picked(asked, text)
        if asked is not None and picked is not None:
            ids = [*asked.sure, picked] if asked.kind == "multi" else [picked]
            self.show(self.coach.answer_options(self.interview, ids, echo=True))
        else:
            self.show(self.coach.answer_typed(self.interview, line))
        return True

    def _command(self, text: str) -> bool:
        name, _, argument = text.partition(" ")
        name = name.lower()
        coach, interview = self.coach, self.interview
        if name == "/quit":
            return False
        if name == "/back":
            self.show(coach.back(interview))
        elif name == "/skip":
            self.show(coach.skip(interview))
        elif name == "/restart":
            self.show(coach.restart(interview))
        elif name == "/help":
            self.write(self.ui("help"))
        elif name == "/lang":
            lang = parse_lang(argument)
            if lang is None:
                self.write(self.ui("lang_usage"))
            else:
                interview.lang = lang
                self.write(self.ui("lang_switched"))
                self.show(coach.current(interview))
        else:
            self.write(self.ui("unknown_command"))
        return True

    def show(self, outputs: Iterable[Output]) -> None:
        """Print the coach's outputs."""
        for output in outputs:
            if isinstance(output, Notice):
                self.write(("❗ " if output.is_error else "ℹ️ ") + output.text)
            elif isinstance(output, Echo):
                self.write(f"✔ {output.answer}")
            elif isinstance(output, ClarifyView):
                self.clarifying = output
                self.write(self._clarify(output))
            elif isinstance(output, MistakeView):
                self.write(self._mistake(output))
            elif isinstance(output, QuestionView):
                self.write(self._question(output))
            elif isinstance(output, CardView):
                self.write(self.ui("card_ready"))
                self.write(render_markdown(output.card))
                self.save_files(output.card)
                self.write(self.ui("card_after"))

    def save_files(self, card: StrategyCard) -> list[Path]:
        """Write the card's images and its calendar into the output folder; print their paths."""
        lang = self.interview.lang
        image_name = self.coach.content.text("console_image_filename")(lang)
        try:
            files = {
                image_name.format(page=page): png
                for page, png in enumerate(render_card_pngs(card), start=1)
            }
            files[self.coach.content.text("tg_calendar_filename")(lang)] = render_calendar_ics(card)
            self.out_dir.mkdir(parents=True, exist_ok=True)
            # Pages of an earlier, longer card would read as part of this one.
            for stale in self.out_dir.glob(image_name.format(page="*")):
                if stale.name not in files:
                    stale.unlink()
            paths = []
            for name, data in files.items():
                path = self.out_dir / name
                path.write_bytes(data)
                paths.append(path)
        except OSError as error:
            self.write(self.ui("console_files_failed", folder=str(self.out_dir), error=error))
            return []
        self.write(self.ui("console_files_saved"))
        self.write("\n".join(f"   {path}" for path in paths))
        return paths

    def _mistake(self, mistake: MistakeView) -> str:
        return "\n".join(
            [
                "",
                self.ui("mistake_heading", number=mistake.number, title=mistake.title),
                f"{self.ui('mistake_why')}: {mistake.why}",
                f"{self.ui('mistake_fix')}: {mistake.fix}",
            ]
        )

    def _question(self, question: QuestionView) -> str:
        progress = self.ui("progress", k=question.step, n=question.total)
        lines = ["", f"[{progress}] {question.prompt}"]
        if not question.brief:
            lines.append(f"   {question.help}")
            for number, choice in enumerate(question.choices, start=1):
                lines.append(f"   {number}. {choice.label}")
        hints = [self.ui("required_hint") if question.required else self.ui("skip_hint")]
        if question.given:
            lines.append("   " + self.ui("console_current", answer=question.given))
            hints.insert(0, self.ui("console_keep_hint"))
        hints_by_kind: dict[str, UiKey] = {
            "single": "console_hint_single",
            "multi": "console_hint_multi",
        }
        hint = hints_by_kind.get(question.kind, "console_hint_text")
        lines.append(f"> {self.ui(hint)} ({' · '.join(hints)})")
        return "\n".join(lines)

    def _clarify(self, clarify: ClarifyView) -> str:
        lines = ["", f"🤔 {clarify.text}"]
        for number, choice in enumerate(clarify.choices, start=1):
            lines.append(f"   {number}. {choice.label}")
        lines.append(f"> {self.ui('console_clarify_hint')}")
        return "\n".join(lines)


def _picked(asked: ClarifyView | None, text: str) -> str | None:
    """Return the option a number picks among the readings just offered, if it picks one."""
    if asked is None or not text.isdecimal() or len(text) > 2:
        return None
    index = int(text) - 1
    return asked.choices[index].id if 0 <= index < len(asked.choices) else None


def run_console(
    coach: Coach,
    lang: Lang,
    lines: Iterable[str],
    write: Write,
    *,
    echo: bool = False,
    out_dir: Path | None = None,
) -> int:
    """Run a whole terminal session over the given input lines; return the exit code."""
    session = ConsoleSession(coach, lang, write, out_dir)
    session.start()
    for line in lines:
        if echo:  # piped input is not shown by the terminal: echo it so transcripts read whole
            write(f"› {line.rstrip()}")
        if not session.handle(line):
            break
    write(session.ui("goodbye"))
    coach.release(session.interview)
    return 0

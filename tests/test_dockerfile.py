"""The Dockerfile builds what the coach needs, and its entry and health commands work.

No Docker engine is needed: the Dockerfile is parsed here and checked instruction by
instruction, then its ENTRYPOINT + CMD and HEALTHCHECK commands run as they would in the
container, from a working directory standing for WORKDIR, with the current interpreter for
`python` (the image's venv Python; the same minor version is checked), against the fake Bot API.
"""

from __future__ import annotations

import asyncio
import json
import os
import posixpath
import re
import shlex
import signal
import sys
import tomllib
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from sqlalchemy.engine import make_url

import bot.storage.health
from bot.config import DEFAULT_DATABASE_URL, Settings
from bot.storage.engine import sqlite_path
from tests.fake_telegram import FakeTelegram
from tests.telegram_support import ROOT, free_port, serves_class_pages

DOCKERFILE = ROOT / "Dockerfile"
DOCKERIGNORE = ROOT / ".dockerignore"
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
# Variables the coach reads: the container gets only those the image or `docker run` sets.
COACH_VARIABLES = frozenset(
    {"TELEGRAM_BOT_TOKEN", "TELEGRAM_API_URL", "DATABASE_URL", "WEBHOOK_URL", "WEBHOOK_SECRET"}
    | {"PORT", "PUBLIC_URL", "LOG_LEVEL", "COACH_LANG", "COACH_CONTENT_DIR"}
)


# ---------------------------------------------------------------------------------- the parser


@dataclass(frozen=True)
class Instruction:
    """One instruction, its continuation lines joined, with the line it starts on."""

    line: int
    keyword: str
    arguments: str

    def exec_form(self) -> list[str] | None:
        """The arguments as an exec-form (JSON) list, or None in shell form."""
        try:
            value = json.loads(self.arguments)
        except ValueError:
            return None
        if isinstance(value, list) and all(isinstance(item, str) for item in value):
            return value
        return None

    def flags(self) -> tuple[dict[str, str], str]:
        """The leading `--name=value` flags, and the rest of the arguments."""
        rest = self.arguments.strip()
        found: dict[str, str] = {}
        while match := re.match(r"--([\w-]+)(?:=(\S*))?\s*", rest):
            found[match[1]] = match[2] or ""
            rest = rest[match.end() :]
        return found, rest

    def commands(self) -> list[list[str]]:
        """A shell-form RUN's simple commands (split on && ; ||), each as its words."""
        commands: list[list[str]] = [[]]
        for word in shlex.split(self.arguments):
            if word in ("&&", "||", ";"):
                commands.append([])
            else:
                commands[-1].append(word)
        return [command for command in commands if command]


@dataclass
class Stage:
    """A build stage: its base, its name, and its instructions after FROM."""

    base: str
    name: str | None
    line: int
    instructions: list[Instruction] = field(default_factory=list)

    def all(self, keyword: str) -> list[Instruction]:
        """Every instruction with this keyword, in order."""
        return [i for i in self.instructions if i.keyword == keyword]

    def last(self, keyword: str) -> Instruction | None:
        """The instruction with this keyword that takes effect (the last one), if any."""
        found = self.all(keyword)
        return found[-1] if found else None

    def workdir(self) -> str:
        """The working directory after the stage's WORKDIR instructions."""
        current = "/"
        for instruction in self.all("WORKDIR"):
            current = posixpath.normpath(posixpath.join(current, instruction.arguments.strip()))
        return current

    def environment(self) -> dict[str, str]:
        """The variables ENV sets (values as written: `$PATH` is not expanded)."""
        values: dict[str, str] = {}
        for instruction in self.all("ENV"):
            words = shlex.split(instruction.arguments)
            if all("=" in word for word in words):
                values |= dict(word.split("=", 1) for word in words)
            else:  # the legacy form: ENV NAME value with spaces
                values[words[0]] = " ".join(words[1:])
        return values

    def command(self) -> list[str]:
        """ENTRYPOINT + CMD as the container runs them (both in exec form)."""
        entrypoint, cmd = self.last("ENTRYPOINT"), self.last("CMD")
        assert entrypoint is not None, "no ENTRYPOINT"
        entry = entrypoint.exec_form()
        assert entry is not None, f"line {entrypoint.line}: ENTRYPOINT must use exec form"
        # An ENTRYPOINT resets the CMD inherited from the base image.
        arguments = cmd.exec_form() if cmd is not None else []
        assert arguments is not None, "CMD must use exec form"
        return entry + arguments


def logical_lines(text: str) -> list[tuple[int, str]]:
    """Join continuation lines; drop comments (parser directives too) and blank lines."""
    joined: list[tuple[int, str]] = []
    parts: list[str] = []
    start = 0
    for number, raw in enumerate(text.splitlines(), 1):
        stripped = raw.strip()
        if not stripped or stripped.startswith("#"):  # also inside a continuation
            continue
        if not parts:
            start = number
        line = raw.rstrip()
        if line.endswith("\\"):
            parts.append(line[:-1])
            continue
        parts.append(line)
        joined.append((start, "".join(parts).strip()))
        parts = []
    assert not parts, f"line {start}: the last instruction ends with a line continuation"
    return joined


def parse_dockerfile(text: str) -> list[Stage]:
    """Split a Dockerfile into stages of instructions."""
    assert "# escape=" not in text.split("\n", 1)[0], "only the default escape character"
    stages: list[Stage] = []
    for number, line in logical_lines(text):
        keyword, _, arguments = line.partition(" ")
        keyword = keyword.upper()
        if keyword == "FROM":
            words = [w for w in arguments.split() if not w.startswith("--")]
            name = words[2] if len(words) == 3 and words[1].lower() == "as" else None
            stages.append(Stage(words[0], name, number))
        elif stages:
            stages[-1].instructions.append(Instruction(number, keyword, arguments.strip()))
        else:
            assert keyword == "ARG", f"line {number}: only ARG may come before FROM"
    return stages


def seconds(duration: str) -> float:
    """A Docker duration (30s, 1m30s, 500ms) in seconds."""
    units = {"ms": 0.001, "s": 1, "m": 60, "h": 3600}
    parts = re.findall(r"(\d+(?:\.\d+)?)(ms|s|m|h)", duration)
    assert parts and "".join(n + u for n, u in parts) == duration, duration
    return sum(float(number) * units[unit] for number, unit in parts)


def healthcheck(stage: Stage) -> tuple[dict[str, str], list[str]]:
    """The HEALTHCHECK's options and exec-form command."""
    instruction = stage.last("HEALTHCHECK")
    assert instruction is not None, "the final stage has no HEALTHCHECK"
    options, rest = instruction.flags()
    keyword, _, command = rest.partition(" ")
    assert keyword.upper() == "CMD", f"line {instruction.line}: HEALTHCHECK {keyword}"
    argv = Instruction(instruction.line, "CMD", command.strip()).exec_form()
    assert argv is not None, f"line {instruction.line}: the health check must use exec form"
    return options, argv


def dockerignored(patterns: list[str], path: str) -> bool:
    """Whether .dockerignore keeps `path` (relative, with /) out of the build context."""

    def regex(pattern: str) -> re.Pattern[str]:
        out = ""
        for token in re.findall(r"\*\*/?|\*|\?|\[[^]]*]|.", pattern):
            if token.startswith("**"):
                out += "(?:.*/)?" if token.endswith("/") else ".*"
            elif token == "*":
                out += "[^/]*"
            elif token == "?":
                out += "[^/]"
            elif token.startswith("["):
                out += token
            else:
                out += re.escape(token)
        return re.compile(out)

    excluded = False
    parts = path.split("/")
    for pattern in patterns:
        negated = pattern.startswith("!")
        cleaned = posixpath.normpath(pattern.removeprefix("!").strip().lstrip("/"))
        # A pattern that matches a folder keeps everything inside it out, as Docker does.
        if any(regex(cleaned).fullmatch("/".join(parts[:n])) for n in range(1, len(parts) + 1)):
            excluded = not negated
    return excluded


STAGES = parse_dockerfile(DOCKERFILE.read_text(encoding="utf-8"))
FINAL = STAGES[-1]


def stage_named(name: str) -> Stage:
    """The earlier stage `COPY --from` or `FROM` names."""
    found = [stage for stage in STAGES if stage.name == name]
    assert found, f"no stage named {name!r}"
    return found[0]


def image_path(stage: Stage, path: str) -> str:
    """An absolute path in the image, from one relative to the stage's WORKDIR."""
    return posixpath.normpath(posixpath.join(stage.workdir(), path))


def volumes_of(stage: Stage) -> list[str]:
    """The paths the stage's VOLUME instructions declare."""
    return [v for i in stage.all("VOLUME") for v in (i.exec_form() or i.arguments.split())]


def pip_commands(stage: Stage) -> list[tuple[int, Instruction, list[str]]]:
    """The stage's pip commands: (index of the RUN among the instructions, RUN, words)."""
    return [
        (index, run, words)
        for index, run in enumerate(stage.instructions)
        if run.keyword == "RUN"
        for words in run.commands()
        if "pip" in (Path(words[0]).name, *words[1:3])
    ]


# ------------------------------------------------------------------------- static checks


def test_the_parser_joins_continuations_and_splits_stages() -> None:
    stages = parse_dockerfile(
        "# syntax=docker/dockerfile:1\nARG V=3.11\nFROM python:${V} AS one\n"
        "RUN a \\\n    # a comment inside\n    && b\n\nfrom one\n"
        'ENTRYPOINT ["x", "-y"]\nCMD ["z"]\nENV A=1 \\\n    B="two words"\n'
    )
    assert [(s.base, s.name) for s in stages] == [("python:${V}", "one"), ("one", None)]
    assert stages[0].instructions == [Instruction(4, "RUN", "a     && b")]
    assert stages[0].instructions[0].commands() == [["a"], ["b"]]
    assert stages[1].command() == ["x", "-y", "z"]
    assert stages[1].environment() == {"A": "1", "B": "two words"}
    assert dockerignored(["**/__pycache__/", "data/"], "bot/storage/__pycache__/x.pyc")
    assert dockerignored(["*.py[cod]", "!keep.pyc"], "a.pyc")
    assert not dockerignored(["*.py[cod]", "!keep.pyc"], "keep.pyc")
    assert not dockerignored(["data/"], "bot/data.py")


def test_builds_in_stages_and_runs_on_slim_python_with_only_what_the_builder_installed() -> None:
    assert len(STAGES) >= 2
    base = FINAL.base
    while any(stage.name == base for stage in STAGES[:-1]):  # FROM an earlier stage
        base = stage_named(base).base
    match = re.fullmatch(r"python:(3\.\d+)(?:\.\d+)?-slim(?:-\w+)?(?:@sha256:[0-9a-f]{64})?", base)
    assert match, f"the runtime stage is {base}, not python:3.x-slim"
    # The entry test below runs the image's command with this interpreter: same Python.
    assert match[1] == f"{sys.version_info.major}.{sys.version_info.minor}"
    assert FINAL.all("ADD") == []
    for copy in FINAL.all("COPY"):
        assert "from" in copy.flags()[0], f"line {copy.line}: the runtime copies from the build"


def test_the_builder_installs_the_wheel_that_ships_content_and_fonts() -> None:
    # tests/test_packaging.py proves that this wheel holds content/ (fonts included) as
    # flows/content and that a plain install of it runs; here the image is that install.
    wheel = PYPROJECT["tool"]["hatch"]["build"]["targets"]["wheel"]
    assert wheel["force-include"] == {"content": "flows/content"}
    needed = {"pyproject.toml", PYPROJECT["project"]["readme"], *wheel["packages"], "content"}

    copies = [c for c in FINAL.all("COPY") if "from" in c.flags()[0]]
    assert len(copies) == 1, "the runtime copies one thing: the installed environment"
    source, target = copies[0].flags()[1].split()
    assert source == target, "a venv is not relocatable: its scripts name their interpreter"
    assert FINAL.environment()["PATH"].startswith(f"{source}/bin:"), "`python` is the venv's"
    builder = stage_named(copies[0].flags()[0]["from"])
    venv_python = f"{source}/bin/python"
    assert any(
        words[:3] == ["python", "-m", "venv"] and words[-1] == source
        for run in builder.all("RUN")
        for words in run.commands()
    ), f"the builder makes no venv at {source}"

    # The sources reach the builder's WORKDIR at their own paths; pyproject.toml comes first,
    # and the dependencies are installed before any source is copied (a cached layer).
    copied: dict[str, int] = {}
    for index, copy in enumerate(builder.instructions):
        if copy.keyword == "COPY" and "from" not in copy.flags()[0]:
            *sources, destination = copy.flags()[1].split()
            for item in sources:
                landed = image_path(builder, destination)
                if (ROOT / item).is_file() and (destination.endswith("/") or len(sources) > 1):
                    landed = posixpath.join(landed, posixpath.basename(item))
                assert landed == image_path(builder, item), f"line {copy.line}: {item} moves"
                copied.setdefault(item, index)
    assert needed <= copied.keys(), f"not copied into the builder: {needed - copied.keys()}"
    installs = pip_commands(builder)
    dependencies = [i for i, _, words in installs if "-r" in words and venv_python in words]
    assert dependencies, "the dependencies are installed from a requirements list"
    sources_at = min(copied[item] for item in needed - {"pyproject.toml"})
    assert copied["pyproject.toml"] < dependencies[0] < sources_at
    listed = builder.instructions[dependencies[0]].arguments
    assert "['project']['dependencies']" in listed, "the list is read from pyproject.toml"

    # The project itself: built from the WORKDIR (not editable), installed into the venv.
    built = [i for i, _, words in installs if "." in words and not {"-e", "--editable"} & {*words}]
    assert built and built[0] > sources_at, "the builder does not build the project `.`"
    wheel_dirs = {
        words[words.index("--wheel-dir") + 1] for _, _, words in installs if "--wheel-dir" in words
    }
    wheels = [f"{d}/smm_coach-*.whl" for d in wheel_dirs] + ["."]
    assert any(
        venv_python in words and "install" in words and {*wheels} & {*words}
        for _, _, words in installs
    ), "the project's wheel is not installed into the venv the runtime copies"


def test_the_build_context_has_the_sources_but_no_secrets_or_databases() -> None:
    patterns = [
        line.strip()
        for line in DOCKERIGNORE.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]
    for stage in STAGES:
        for copy in stage.all("COPY"):
            if "from" in copy.flags()[0]:
                continue
            for item in copy.flags()[1].split()[:-1]:
                top = ROOT / item
                files = [top] if top.is_file() else [p for p in top.rglob("*") if p.is_file()]
                assert files, f"line {copy.line}: nothing to copy at {item}"
                for path in files:
                    relative = path.relative_to(ROOT).as_posix()
                    if "__pycache__" not in path.parts:
                        assert not dockerignored(patterns, relative), f"{relative} is left out"
    assert not dockerignored(patterns, "content/fonts/DejaVuSans.ttf")
    for kept_out in (".env", "data/coach.sqlite3", ".venv/bin/python", ".git/config"):
        assert dockerignored(patterns, kept_out), kept_out


def test_runs_as_a_non_root_user_who_owns_the_database_volume() -> None:
    user = FINAL.last("USER")
    assert user is not None, "the final stage runs as root"
    name, _, group = user.arguments.partition(":")
    assert name not in ("root", "0") and group not in ("root", "0")

    # The default database is relative: it lands under WORKDIR, in a volume.
    default = sqlite_path(make_url(DEFAULT_DATABASE_URL))
    assert default is not None and not default.is_absolute()
    folder = PurePosixPath(image_path(FINAL, default.parent.as_posix()))
    volumes = volumes_of(FINAL)
    assert any(folder == PurePosixPath(v) or PurePosixPath(v) in folder.parents for v in volumes)

    # ...which the user owns, so a new named volume starts writable for it.
    names = {name}
    for run in FINAL.all("RUN"):
        for words in run.commands():
            if words[0] == "useradd" and ("--uid" in words or "-u" in words):
                flag = "--uid" if "--uid" in words else "-u"
                if name in (words[-1], words[words.index(flag) + 1]):
                    names |= {words[-1], words[words.index(flag) + 1]}
    assert any(
        words[0] == "chown" and words[-2].split(":")[0] in names and PurePosixPath(words[-1]) == v
        for run in FINAL.all("RUN")
        for words in run.commands()
        for v in (folder, *folder.parents)
        if str(v) in volumes
    ), f"the volume is not given to {name}"


def test_exposes_the_default_webhook_port() -> None:
    exposed = [port for i in FINAL.all("EXPOSE") for port in i.arguments.split()]
    assert exposed == [str(Settings().port)]
    assert FINAL.environment().get("PORT", str(Settings().port)) == str(Settings().port)


def test_the_health_check_is_python_m_bot_health_with_time_for_both_checks() -> None:
    options, argv = healthcheck(FINAL)
    assert argv == ["python", "-m", "bot.storage.health"]
    # The database and the webhook's /healthz may each take bot.storage.health.TIMEOUT.
    assert seconds(options.get("timeout", "30s")) > 2 * bot.storage.health.TIMEOUT


def test_the_entry_command_is_python_m_bot_in_exec_form() -> None:
    # Exec form: python is PID 1 and gets `docker stop`'s signal itself.
    assert FINAL.command() == ["python", "-m", "bot"]
    stop_signal = FINAL.last("STOPSIGNAL")
    assert stop_signal is None or stop_signal.arguments == "SIGTERM"  # the entry test sends it


# --------------------------------------------------- the image's commands, outside Docker


def container_environment(**variables: str) -> dict[str, str]:
    """This environment without the coach's settings, plus the image's ENV and `variables`."""
    environment = {k: v for k, v in os.environ.items() if k not in COACH_VARIABLES}
    image = {k: v for k, v in FINAL.environment().items() if k != "PATH"}  # PATH: the venv
    return environment | image | variables


def local(argv: list[str]) -> list[str]:
    """The image's command with this interpreter for `python`."""
    assert argv[0] == "python"
    return [sys.executable, *argv[1:]]


def workdir_with_volume(tmp_path: Path) -> tuple[Path, Path]:
    """A folder standing for WORKDIR, with the volume's folder in it (the image makes it)."""
    workdir = tmp_path / "app"
    volume = PurePosixPath(volumes_of(FINAL)[0])
    data = workdir / volume.relative_to(FINAL.workdir())
    data.mkdir(parents=True)
    return workdir, data


async def start_entry_command(
    workdir: Path, log: Path, **variables: str
) -> asyncio.subprocess.Process:
    """Run ENTRYPOINT + CMD in `workdir`; its output goes to `log` (a pipe nobody reads blocks)."""
    with log.open("ab") as output:
        return await asyncio.create_subprocess_exec(
            *local(FINAL.command()),
            cwd=workdir,
            env=container_environment(**variables),
            stdin=asyncio.subprocess.DEVNULL,
            stdout=output,
            stderr=output,
        )


async def run_healthcheck(workdir: Path, **variables: str) -> tuple[int, str, str]:
    """Run the HEALTHCHECK command as Docker would; (exit status, stdout, stderr)."""
    options, argv = healthcheck(FINAL)
    process = await asyncio.create_subprocess_exec(
        *local(argv),
        cwd=workdir,
        env=container_environment(**variables),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    # Docker counts a check slower than --timeout as failed.
    stdout, stderr = await asyncio.wait_for(process.communicate(), seconds(options["timeout"]))
    assert process.returncode is not None
    return process.returncode, stdout.decode(), stderr.decode()


async def stop(process: asyncio.subprocess.Process, signum: int) -> int:
    """Send `signum` and wait for the exit status (killing the process if it hangs)."""
    if process.returncode is None:
        process.send_signal(signum)
    try:
        return await asyncio.wait_for(process.wait(), 30)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()


async def test_the_entry_command_polls_keeps_the_database_in_the_volume_and_stops_on_sigint(
    tg: FakeTelegram, tmp_path: Path
) -> None:
    workdir, data = workdir_with_volume(tmp_path)
    token = {"TELEGRAM_BOT_TOKEN": tg.token, "TELEGRAM_API_URL": f"{tg.url}/bot"}
    log = tmp_path / "coach.log"
    port = free_port()
    process = await start_entry_command(workdir, log, **token, PORT=str(port))
    try:
        await tg.wait_for(
            lambda: ("default", "it") in tg.commands or process.returncode is not None, 30
        )
        assert process.returncode is None, log.read_text(encoding="utf-8")
        user = tg.user(4101, "Pia", "it")
        await user.send("/start")
        assert (await user.next_bot_message(timeout=15)).text.startswith("Ciao!")
        default = sqlite_path(make_url(DEFAULT_DATABASE_URL))
        assert default is not None and (workdir / default).is_file()
        assert (workdir / default).parent == data, "the database is in the volume"
        await serves_class_pages(f"sqlite+aiosqlite:///{workdir / default}", port)

        status, out, err = await run_healthcheck(workdir, **token)
        assert (status, out.strip(), err) == (0, "healthy", "")

        impossible = f"sqlite+aiosqlite:///{tmp_path / 'missing' / 'coach.sqlite3'}"
        status, out, err = await run_healthcheck(workdir, **token, DATABASE_URL=impossible)
        assert status == 1 and out == ""
        assert err.count("\n") == 1 and err.startswith("unhealthy: database ")
        assert "no SQLite file" in err and str(tmp_path / "missing") in err
        assert not (tmp_path / "missing").exists(), "a health check creates nothing"

        closed = f"postgresql+asyncpg://coach:pa55word@127.0.0.1:{free_port()}/coach"
        status, out, err = await run_healthcheck(workdir, **token, DATABASE_URL=closed)
        assert status == 1 and err.count("\n") == 1
        assert "does not answer" in err and "pa55word" not in err and tg.token not in err
    finally:
        status = await stop(process, signal.SIGINT)
    output = log.read_text(encoding="utf-8")
    assert status == 0, output
    assert "long polling mode" in output and tg.token not in output


async def test_the_entry_command_serves_the_webhook_on_port_and_stops_on_docker_stop(
    tg: FakeTelegram, tmp_path: Path
) -> None:
    from bot.telegram.app import WEBHOOK_PATH  # noqa: PLC0415 (only this test needs the application)

    workdir, _ = workdir_with_volume(tmp_path)
    port = free_port()
    variables = {
        "TELEGRAM_BOT_TOKEN": tg.token,
        "TELEGRAM_API_URL": f"{tg.url}/bot",
        "WEBHOOK_URL": f"http://127.0.0.1:{port}/{WEBHOOK_PATH}",
        "WEBHOOK_SECRET": "image-test_secret",
        "PORT": str(port),
    }
    log = tmp_path / "coach.log"
    process = await start_entry_command(workdir, log, **variables)
    try:
        await tg.wait_for(lambda: tg.webhook is not None or process.returncode is not None, 30)
        assert process.returncode is None, log.read_text(encoding="utf-8")
        user = tg.user(4102, "Ann", "en")
        await user.send("/start")
        assert (await user.next_bot_message(timeout=15)).text.startswith("Hi!")
        assert await run_healthcheck(workdir, **variables) == (0, "healthy\n", "")
    finally:
        status = await stop(process, signal.SIGTERM)  # what `docker stop` sends
    output = log.read_text(encoding="utf-8")
    assert status == 0, output
    assert f"webhook mode on port {port}" in output and tg.token not in output

    status, _, err = await run_healthcheck(workdir, **variables)
    assert status == 1 and f"127.0.0.1:{port}/healthz" in err and err.count("\n") == 1

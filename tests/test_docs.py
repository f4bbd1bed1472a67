"""Every example in README.md and docs/*.md runs, as a reader would run it from a checkout.

Each Markdown file runs in a fresh folder where ``datasets`` links to the repository's datasets and
``docs/`` is an empty folder of its own (so ``--plot docs/compare.png`` never touches the repository's
figures). Its fenced blocks run in the order they appear:

- ```python blocks run one after another in one namespace;
- ```console blocks run each ``$ `` command (a line ending in ``\\`` continues on the next):
  ``forecast ...`` through click's `CliRunner` (the models it names on fast settings, `FAST`),
  anything else (``head ...``) as a subprocess. Each must exit with 0; where the lines shown right
  after a command start with a CSV header (``date,passengers``), the command's standard output must
  start with that header;
- ```sh blocks are illustrative and are not run: lines that need an environment or data that a test does
  not have (``make``, ``torchrun``); a test checks that they hold nothing else and that each ``make`` target exists;
- ```text blocks are output, messages or diagrams, and are not run.

A block in any other language fails, so that no example goes unrun by accident. Relative links must
point at files (and headings) that exist.
"""

import re
import shlex
import subprocess
import traceback
from pathlib import Path

import pytest
from click.testing import CliRunner

from forecast.cli.main import cli
from forecast.registry import ModelSpec

ROOT = Path(__file__).resolve().parent.parent
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
RUN, ILLUSTRATIVE, NOT_RUN = {"python", "console"}, {"sh"}, {"text"}
FENCE = re.compile(r"^```(\S*)\n(.*?)^```$", re.MULTILINE | re.DOTALL)
CSV_HEADER = re.compile(r"[^\s,]+(,[^\s,]+)+")


def page_id(page):
    return str(page.relative_to(ROOT))


def blocks(page):
    """The fenced blocks of a page: ``(language, text)`` in the order they appear."""
    return FENCE.findall(page.read_text())


def console_commands(block):
    """The ``$ `` commands of a console block, each with the output lines shown right after it."""
    commands, lines = [], iter(block.splitlines())
    for line in lines:
        if line.startswith("$ "):
            command = line[2:]
            while command.endswith("\\"):
                command = command[:-1].rstrip() + " " + next(lines).strip()
            commands.append((command, []))
        elif not line.strip():
            commands.append(None)  # a blank line ends what the previous command showed
        elif commands and commands[-1] is not None:
            commands[-1][1].append(line)
    return [command for command in commands if command is not None]


def run_command(command, folder):
    """Run one console command in ``folder``: ``(exit code, standard output, everything it printed)``."""
    args = shlex.split(command)
    if args[0] == "forecast":
        result = CliRunner().invoke(cli, args[1:])
        printed = result.output
        if result.exc_info and not isinstance(result.exception, SystemExit):
            printed += "".join(traceback.format_exception(*result.exc_info))
        return result.exit_code, result.stdout, printed
    done = subprocess.run(args, cwd=folder, capture_output=True, text=True)
    return done.returncode, done.stdout, done.stdout + done.stderr


# Models the command line builds by name train and search on fast settings here: the examples must run and
# print what the page shows; the figures the pages quote come from the commands run in full.
FAST = {"max_epochs": 3, "max_models": 4}


def fast_build(build):
    def build_fast(spec, **settings):
        estimator = build(spec, **settings)
        given = estimator.get_params()
        fast = {name: min(value, given[name] or value) for name, value in FAST.items() if name in given}
        return estimator.set_params(**fast)

    return build_fast


@pytest.mark.long
@pytest.mark.parametrize("page", PAGES, ids=page_id)
def test_every_example_runs(page, tmp_path, monkeypatch):
    monkeypatch.setattr(ModelSpec, "build", fast_build(ModelSpec.build))
    (tmp_path / "datasets").symlink_to(ROOT / "datasets")
    (tmp_path / "docs").mkdir()
    monkeypatch.chdir(tmp_path)
    namespace = {"__name__": "__main__"}
    for number, (language, text) in enumerate(blocks(page), start=1):
        where = f"{page_id(page)}, block {number}"
        assert language in RUN | ILLUSTRATIVE | NOT_RUN, f"{where}: ```{language} is neither run nor marked ```sh"
        if language == "python":
            exec(compile(text, where, "exec"), namespace)
        elif language == "console":
            for command, shown in console_commands(text):
                code, stdout, printed = run_command(command, tmp_path)
                assert code == 0, f"{where}: `{command}` exited with {code}:\n{printed}"
                if shown and CSV_HEADER.fullmatch(shown[0]):
                    assert stdout.startswith(shown[0] + "\n"), f"{where}: `{command}` printed:\n{stdout[:500]}"


ILLUSTRATIVE_BLOCKS = [
    pytest.param(text, id=f"{page_id(page)}-{number}")
    for page in PAGES
    for number, (language, text) in enumerate(blocks(page), start=1)
    if language in ILLUSTRATIVE
]
# What a ```sh block may hold: the Makefile's targets (run by CI itself) and torchrun launches (several processes).
ILLUSTRATIVE_COMMANDS = ("make ", "torchrun ")


@pytest.mark.parametrize("text", ILLUSTRATIVE_BLOCKS)
def test_sh_blocks_hold_only_make_targets_and_launches(text):
    makefile = (ROOT / "Makefile").read_text()
    commands = [line.strip() for line in text.splitlines() if line.strip() and not line.startswith((" ", "\t"))]
    for command in commands:
        assert command.startswith(ILLUSTRATIVE_COMMANDS), f"run it in a ```console block instead: {command}"
        if command.startswith("make "):
            target = command.split()[1]
            assert re.search(rf"^{re.escape(target)}:", makefile, re.MULTILINE), f"the Makefile has no {target!r}"


def anchor(heading):
    """GitHub's anchor of a heading: lower case, punctuation dropped, spaces to hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


@pytest.mark.parametrize("page", PAGES, ids=page_id)
def test_relative_links_resolve(page):
    text = FENCE.sub("", page.read_text())
    for target in re.findall(r"\]\(([^)\s]+)\)", text):
        if re.match(r"[a-z]+:", target):
            continue
        path, _, fragment = target.partition("#")
        linked = (page.parent / path).resolve() if path else page
        assert linked.exists(), f"{page_id(page)} links to {target}, which does not exist"
        if fragment:
            headings = re.findall(r"^#+ (.+)$", FENCE.sub("", linked.read_text()), re.MULTILINE)
            assert fragment in {anchor(heading) for heading in headings}, f"{page_id(page)}: no heading #{fragment}"

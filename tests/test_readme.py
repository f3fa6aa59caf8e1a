"""Every command in the README's ```bash blocks runs as written.

The commands run in a copy of the repository (tests/labcopy.py: the working tree's files, the
environment already set up), in README order, because some need what an earlier one made
(`make check NB=workspace/...` checks the notebook `make lab` copied). Each is run exactly as
written, through bash, in one of three ways, and HOW says which and why; a README command
missing from HOW fails test_every_readme_command_has_a_way_to_run, so none is left out
silently:

- FULL: run to the end; its exit status and what it printed or wrote are checked;
- STARTED: run until it shows it is doing its job (a line of its output; for `make lab`,
  JupyterLab answering HTTP), then stopped, because it runs for minutes (`make lab` until
  the learner stops it; `make demo` grades a class; `make prove`, `make train`,
  `make train-fashion` and `make bench` take minutes);
- DRY: `make -n`, the commands it would run, checked: only `make test`, which runs this
  file (it would run itself).

A fresh clone has no `.venv`: test_make_lab_sets_up_the_environment_first checks (with
`make -n`) that `make lab` creates it from the pins before anything else; the install itself
(minutes, from PyPI) is what `make setup` does before every test run.
"""
import pathlib
import re
import shutil
import subprocess
from dataclasses import dataclass

import pytest

from labcopy import ROOT, answers, copy_repository, environment, free_port, running

FULL, STARTED, DRY = "run to the end", "started, then stopped", "dry run (make -n)"


@dataclass
class How:
    way: str
    expect: str                 # a regular expression its output must match
    why: str = ""               # why it is not run to the end
    status: int = 0             # FULL: the expected exit status
    needs_data: bool = False    # reads the real MNIST files (else it would download them)
    needs_sandbox: bool = False # grades clean-room: refuses without bubblewrap


SUBMISSION = "course/submitted/learner/01-convolution/convolution.ipynb"

HOW = {
    "make demo": How(STARTED, r"Building the demo class", "builds and grades a whole demo class: minutes"),
    "make test": How(DRY, r"-m pytest", "runs the test suite, this file included: it would run itself"),
    "make lab": How(STARTED, "", "serves JupyterLab until the learner stops it; stopped once it answers HTTP"),
    "make book": How(STARTED, r"Running Sphinx", "executes every notebook, MNIST training included: minutes "
                     "(tests/test_book.py builds it in full with QUICK=1)", needs_data=True),
    "make release ASSIGNMENT=01-convolution": How(FULL, r"01-convolution: kit for the class .*01-convolution-kit\.zip"),
    # before: a learner's submission is put in course/submitted/ (the untouched release: 0 points)
    "make grade WORKERS=2": How(FULL, r"learner\s+graded\s+0 / \d+", needs_sandbox=True),
    "make gradescope ASSIGNMENT=01-convolution": How(FULL, r"wrote autograder-01-convolution\.zip"),
    "cd course && ../.venv/bin/nbgrader autograde 01-convolution --force": How(FULL,
                                                                               r"Autograding .*learner/01-convolution"),
    "make formgrader": How(STARTED, r"http://127\.0\.0\.1:\d+/formgrader", "serves the formgrader until the "
                           "instructor stops it; stopped once it says its address (test_review opens a submission)"),
    "cd course && ../.venv/bin/nbgrader db assignment add 01-convolution --duedate=\"2027-01-15 17:00:00 UTC\"":
        How(FULL, r"Creating/updating assignment with ID '01-convolution': \{'duedate'"),
    # after make grade: the learner's 0 is in the gradebook
    ".venv/bin/python -m autograder export --format canvas": How(FULL, r"wrote .*/course/reports/canvas\.csv"),
    ".venv/bin/python -m autograder export --format roster": How(FULL, r"wrote .*/course/reports/roster\.csv"),
    "cd course && ../.venv/bin/nbgrader export --exporter=autograder.admin.export.CanvasExportPlugin":
        How(FULL, r"Wrote reports/canvas\.csv: \d+ student"),
    # the workspace notebook as make lab copied it, untouched: points missing (make exits 2)
    "make check NB=workspace/01-convolution/convolution.ipynb": How(FULL, r"\b0 / \d+ points", status=2),
    "make prove ARGS=\"--only conv_forward --verbose --bank-only\"": How(FULL, r"mutation score: (\d+) / \1 bugs"),
    "make prove": How(STARTED, r"Bank of answers", "plays every answer of the bank and the hostile class: minutes"),
    "make train": How(STARTED, r"mnist: \d+ training, \d+ test images", "trains on MNIST for about 4 minutes",
                      needs_data=True),
    "make train ARGS=--help": How(FULL, r"usage: python -m solutions.train"),
    "make train-fashion": How(STARTED, r"fashion-mnist: \d+ training, \d+ test images",
                              "trains on Fashion-MNIST for many minutes", needs_data=True),
    "make bench": How(STARTED, r"numpy \d", "times every layer against its naive loops: minutes"),
}


def readme_commands():
    """The commands of the README's ```bash blocks, in order, each once, without its comment."""
    text = (ROOT / "README.md").read_text()
    commands = []
    for block in re.findall(r"^```bash\n(.*?)^```", text, re.S | re.M):
        for line in block.splitlines():
            command = re.sub(r"\s+#.*$", "", line).strip()
            if command and not command.startswith("#") and command not in commands:
                commands.append(command)
    return commands


COMMANDS = readme_commands()


def test_every_readme_command_has_a_way_to_run():
    assert set(COMMANDS) == set(HOW), "a README command without an entry in HOW, or an entry no longer there"
    for command, how in HOW.items():
        assert how.way == FULL or how.why, f"{command}: say why it is not run to the end"


@pytest.fixture(scope="module")
def repo(tmp_path_factory):
    """A copy of the repository and the environment its commands run in."""
    copy = copy_repository(tmp_path_factory.mktemp("repo"))
    return copy, environment(copy, tmp_path_factory.mktemp("jupyter-home"))


def output_of(log):
    return pathlib.Path(log).read_text(errors="replace")


@pytest.mark.parametrize("command", COMMANDS)
def test_readme_command(repo, command, request):
    copy, env = repo
    how = HOW[command]
    if how.needs_data:
        request.getfixturevalue("data_root")      # the real files: skips without them, fails on CI
    if how.needs_sandbox and not request.getfixturevalue("sandbox"):    # (on CI a failure)
        pytest.skip("bubblewrap is missing and `make grade` refuses to grade without it (`make sandbox`)")
    log = copy.parent / f"{re.sub(r'[^A-Za-z0-9]+', '-', command)[:60]}.log"

    if how.way == DRY:
        dry = subprocess.run(["bash", "-c", command.replace("make ", "make -n ", 1)], cwd=copy, env=env,
                             capture_output=True, text=True)
        assert dry.returncode == 0 and re.search(how.expect, dry.stdout), dry.stdout + dry.stderr
    elif command == "make lab":
        port = free_port()
        with running(command, copy, dict(env, PORT=str(port)), log, lambda: answers(port) == 200):
            pass
        assert f"http://127.0.0.1:{port}/lab" in output_of(log)
        assert (copy / "workspace" / "01-convolution" / "convolution.ipynb").is_file()
    elif how.way == STARTED:
        with running(command, copy, env, log, lambda: re.search(how.expect, output_of(log), re.M)):
            pass
    else:
        if command.startswith("make grade") or "nbgrader autograde" in command:
            submit_the_release(copy)
        with open(log, "wb") as out:
            done = subprocess.run(["bash", "-c", command], cwd=copy, env=env, stdout=out, stderr=subprocess.STDOUT,
                                  stdin=subprocess.DEVNULL)
        text = output_of(log)
        assert done.returncode == how.status, text[-3000:]
        assert re.search(how.expect, text, re.M), text[-3000:]
        if command.startswith("make gradescope"):
            assert (copy / "autograder-01-convolution.zip").is_file()
        if " export " in command:      # the learner graded by an earlier command is in the file
            written = copy / "course" / "reports" / ("roster.csv" if "roster" in command else "canvas.csv")
            assert "learner" in written.read_text()


def submit_the_release(copy):
    """A learner's submission: notebook 01 as released (made by an earlier command)."""
    released = copy / "course" / "release" / "01-convolution" / "convolution.ipynb"
    assert released.is_file(), "the release is made by `make lab` and `make release`, earlier in the README"
    (copy / SUBMISSION).parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(released, copy / SUBMISSION)


def test_make_lab_sets_up_the_environment_first(tmp_path):
    """On a fresh clone (no .venv), `make lab` first creates .venv from the pins."""
    copy = copy_repository(tmp_path / "repo", venv=False)
    dry = subprocess.run(["make", "-n", "lab"], cwd=copy, capture_output=True, text=True,
                         env=environment(copy, tmp_path / "home"))
    lines = dry.stdout.splitlines()
    assert dry.returncode == 0, dry.stderr
    setup = [i for i, line in enumerate(lines) if "-m venv .venv" in line or "pip install" in line]
    release = next(i for i, line in enumerate(lines) if "-m autograder release" in line)
    assert setup and max(setup) < release, dry.stdout
    assert any("-r requirements.txt" in line for line in lines) and any("-e ." in line for line in lines)


def test_make_check_without_a_notebook_says_how_to_use_it(repo):
    copy, env = repo
    done = subprocess.run(["make", "check"], cwd=copy, env=env, capture_output=True, text=True)
    assert done.returncode == 2 and "usage: make check NB=" in done.stderr, done.stdout + done.stderr

"""Grading inside Gradescope's autograder container, for classes that outgrow one machine.

`python -m autograder gradescope ASSIGNMENT` writes autograder-ASSIGNMENT.zip, one Gradescope
assignment's autograder: the grader (autograder/ without the proof's bank of answers, with that
assignment's checks alone), the reference (solutions/), coursekit, that assignment's source
notebook alone, the course's nbgrader_config.py (its late policy), the pins, coursekit's
wheel, and Gradescope's two entry points:
  setup.sh        installs bubblewrap, Python 3.11 if the image's is older, a venv in <root>/venv
                  with the pins of what grading needs (requirements.txt) and coursekit (the
                  kernel's only course package), the MNIST files, and makes <root>/source root's alone
  run_autograder  grades that assignment's notebook in /autograder/submission (a submission
                  without it, or with other notebooks, is told which file it expects), applies
                  the course's late policy to Gradescope's submission time and due date
                  (submission_metadata.json), and writes /autograder/results/results.json; it
                  exits 1 where the container cannot confine student code (the student reads
                  that grading could not run, Gradescope tells the instructor, stderr says why)
The container's root is $AUTOGRADER_ROOT when set (tests use a fake one), else /autograder;
the bundle is unpacked in <root>/source, and Gradescope runs copies of both scripts from <root>.
Where bubblewrap cannot start in the container, the kernel runs as an unprivileged user
who cannot read <root>/source (cleanroom/user.py), or the result says why it cannot.
"""
import dataclasses
import datetime
import json
import os
import pathlib
import secrets
import tempfile
import time
import zipfile

from .. import PROJECT

from .kit import build_wheel, pins
from .course import DEFAULT_ROOT, assignments, course_config, kernel_data_dir, notebook_path

PACKAGES = ("autograder", "solutions", "coursekit")
SEED_FILE = "grading-seed.txt"      # in the bundle's course/: the seed each student's own follows from
METADATA = "submission_metadata.json"   # Gradescope's, beside the submission folder
METADATA_BYTES = 2**20
SHOWN_NAMES = 5                     # at most this many of a submission's notebooks named back
NOT_RUN = ("grading could not run: this autograder could not confine code safely in its container. "
           "Your instructor has been told; nothing in your notebook caused it")
NO_SUBMISSION_TIME = ("Gradescope's submission metadata gives no readable submission time or due date, "
                      "so no late penalty was applied: your instructor can check the time on Gradescope")

SETUP_SH = """#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder image. Every step must
# work: a failure fails the build, with its reason on stderr.
set -euo pipefail
root="${AUTOGRADER_ROOT:-/autograder}"
cd "$root/source"                               # Gradescope also runs a copy from /autograder
fail() { echo "setup.sh: $*" >&2; exit 1; }
export DEBIAN_FRONTEND=noninteractive

apt-get update -q || fail "apt-get update failed: the image cannot reach its package mirrors"
apt-get install -y -q bubblewrap || fail "bubblewrap, the grader's sandbox, could not be installed"

# The pins need Python 3.11. An image whose python3 is 3.11 is used as it is; otherwise
# (Gradescope's Ubuntu 22.04 images ship 3.10) the distribution's python3.11 is installed.
if python3 -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' 2>/dev/null; then
  python=python3
  apt-get install -y -q python3-venv || fail "python3-venv could not be installed"
else
  echo "setup.sh: the image's python3 is $(python3 -V 2>&1 || echo missing): installing python3.11" >&2
  apt-get install -y -q python3.11 python3.11-venv || fail "this image's distribution has no python3.11: \\
choose a Gradescope base image with Python 3.11 available (Ubuntu 22.04 or later, Debian 12)"
  python=python3.11
fi
# The venv is outside the source, which only root may read: a kernel that runs as an
# unprivileged user (where no sandbox can start) needs its Python and coursekit, nothing else.
venv="$root/venv"
"$python" -m venv "$venv" || fail "no virtual environment could be made with $python"
"$venv/bin/python" -m pip install --quiet --upgrade pip
"$venv/bin/python" -m pip install --quiet -r requirements.txt || fail "the course's pins could not be installed"
"$venv/bin/python" -m pip install --quiet --no-deps ./*.whl || fail "coursekit could not be installed"
export COURSE_DATA_DIR="$(pwd)/data"
"$venv/bin/python" -c "from coursekit.data import load_mnist; load_mnist()" || fail "MNIST could not be fetched and verified"
chmod 711 "$root"
chmod 700 "$root/source"
echo "setup.sh: ready, $("$venv/bin/python" -V)"
"""

RUN_AUTOGRADER = """#!/usr/bin/env bash
# Gradescope runs this for every submission.
set -uo pipefail
root="${AUTOGRADER_ROOT:-/autograder}"
cd "$root/source"                           # Gradescope runs a copy of this script from $root
chmod 700 .                                 # the answers are root's alone, whatever the unpacking did
export COURSE_DATA_DIR="${COURSE_DATA_DIR:-$(pwd)/data}"
mkdir -p "$root/results" && chmod 755 "$root/results"     # the kernel's user writes no result
python="$root/venv/bin/python"
[ -x "$python" ] || python=python3          # a bundle unpacked without setup.sh (the tests' fake root)
PYTHONPATH="$(pwd)" "$python" -m autograder --course course gradescope-run "$root/submission" \
  "$root/results/results.json"
"""


def bundle_name(assignment):
    """The file name of an assignment's Gradescope autograder: autograder-<assignment>.zip."""
    return f"autograder-{assignment}.zip"


def make_zip(out_path, assignment, course_root=DEFAULT_ROOT):
    """Write the Gradescope autograder zip of one assignment at out_path (see the module's
    docstring for what it holds); returns its path. ValueError for an assignment the course
    does not have."""
    from ..checks import MODULES
    course_root = pathlib.Path(course_root)
    if assignment not in assignments(course_root):
        raise ValueError(f"no such assignment: {assignment} (the course has {', '.join(assignments(course_root))})")
    left_out = {pathlib.Path(module.__file__).resolve() for other, module in MODULES.items() if other != assignment}
    out_path = pathlib.Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(out_path, "w", zipfile.ZIP_DEFLATED) as bundle:
        for name, text in (("setup.sh", SETUP_SH), ("run_autograder", RUN_AUTOGRADER)):
            info = zipfile.ZipInfo(name)
            info.external_attr = 0o755 << 16
            bundle.writestr(info, text)
        bundle.writestr("requirements.txt", "".join(f"{pin}\n" for pin in pins()))
        with tempfile.TemporaryDirectory() as tmp:
            wheel = build_wheel(tmp)
            bundle.write(wheel, wheel.name)
        for package in PACKAGES:
            for path in sorted((PROJECT / package).rglob("*.py")):
                inside = path.relative_to(PROJECT)
                if inside.parts[:2] == ("autograder", "proof") or path.resolve() in left_out:
                    continue             # the bank of answers, other assignments' checks
                bundle.write(path, inside.as_posix())
        bundle.write(course_root / "nbgrader_config.py", "course/nbgrader_config.py")
        bundle.writestr(f"course/{SEED_FILE}", str(secrets.randbelow(2**31)))
        source = notebook_path(course_root, assignment)
        bundle.write(source, f"course/source/{assignment}/{source.name}")
    return out_path


def grade_in_container(submission_dir, results_path, course_root=DEFAULT_ROOT, accept_risk=False, assignment=None):
    """Grade the assignment's notebook in submission_dir and write Gradescope's results.json
    at results_path; returns the Verdict. `assignment` defaults to the one assignment of the
    course (a bundle holds one). The submission must hold that notebook and no other (else it
    is ungradable, told which file is expected); a graded one submitted after its due date
    (submission_metadata.json beside submission_dir) loses points by the course's late
    policy, as a test of negative score and a line of the output. Where the container cannot
    confine student code, results.json says only that grading could not run, and Unprotected
    is raised (with what is missing) for the caller to fail the run."""
    from ..cleanroom.runner import CleanRoom, Unprotected, grade_submission, student_seed, ungradable
    from ..reports.gradescope import write_gradescope
    started = time.monotonic()
    assignment = assignment or _only_assignment(course_root)
    expected = notebook_path(course_root, assignment)
    metadata = _metadata(pathlib.Path(submission_dir).parent / METADATA)
    student = _gradescope_student(metadata)
    problem, notebook = _the_notebook(submission_dir, expected.name)
    if problem:
        verdict = ungradable("submission", assignment, expected.stem, problem)
    else:
        seed = student_seed(_bundle_seed(course_root), student)
        try:
            with CleanRoom(accept_risk=accept_risk, course_root=course_root, single_submission=True) as room:
                verdict = grade_submission(course_root, assignment, "submission", notebook, data_dir=kernel_data_dir(),
                                           room=room, seed=seed)
        except Unprotected:
            write_gradescope(ungradable("submission", assignment, expected.stem, NOT_RUN), results_path, time.monotonic() - started)
            raise
        if verdict.graded:
            verdict = _late(verdict, course_root, student, metadata)
    write_gradescope(verdict, results_path, time.monotonic() - started)
    return verdict


def _only_assignment(course_root):
    """The one assignment of a bundle's course; ValueError when it has several."""
    (assignment, *others) = assignments(course_root)
    if others:
        raise ValueError(f"{course_root} holds several assignments: say which one to grade (--assignment)")
    return assignment


def _the_notebook(submission_dir, expected):
    """("", its path) when submission_dir holds the notebook named `expected` and no other,
    else (what is wrong and which file is expected, for the student, None). Notebooks are
    named by file name only, at most SHOWN_NAMES of them."""
    found = sorted(p for p in pathlib.Path(submission_dir).rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)
    names = ", ".join(sorted({p.name[:60] for p in found})[:SHOWN_NAMES]) + (", ..." if len(found) > SHOWN_NAMES
                                                                               else "")
    if len(found) == 1 and found[0].name == expected:
        return "", found[0]
    if not found:
        return f"this assignment grades {expected}, and the submission holds no notebook: upload {expected}", None
    if len(found) > 1:
        return (f"this assignment grades {expected} alone, and the submission holds {len(found)} notebooks "
                f"({names}): upload {expected} and no other notebook"), None
    return (f"this assignment grades {expected}, and the submission holds {names} instead: upload this "
            f"assignment's notebook, named {expected}"), None


def _late(verdict, course_root, student, metadata):
    """The verdict with the course's late penalty (course/nbgrader_config.py) for a submission
    made after Gradescope's due date (the latest of the assignment's and any of its users'),
    as grade settles it; with a note, and no penalty, when the metadata gives no time to judge by."""
    from . import late
    seconds = _seconds_late(metadata)
    if seconds is None:
        return dataclasses.replace(verdict, notes=[*verdict.notes, NO_SUBMISSION_TIME])
    if seconds <= 0:
        return verdict
    taken = late.penalty(late.penalty_plugin(course_config(course_root)), student, verdict.raw_score, seconds)
    return dataclasses.replace(verdict, late_seconds=seconds, late_penalty=taken)


def _seconds_late(metadata):
    """Seconds from Gradescope's due date to the submission's created_at (0 when on time or when
    the assignment has no due date), or None when the metadata (a dict) has no readable
    submission time or due date (ISO 8601 with its zone)."""
    def when(text):
        moment = datetime.datetime.fromisoformat(str(text).replace("Z", "+00:00"))
        if moment.tzinfo is None:
            raise ValueError(text)
        return moment
    try:
        created = when(metadata["created_at"])
        if metadata["assignment"]["due_date"] is None:
            return 0.0
        dues = [when(metadata["assignment"]["due_date"])]
        for user in metadata.get("users") or []:
            if isinstance(user, dict) and isinstance(user.get("assignment"), dict) and user["assignment"].get("due_date"):
                dues.append(when(user["assignment"]["due_date"]))      # an extension of that student's
        return max((created - max(dues)).total_seconds(), 0.0)
    except (KeyError, TypeError, ValueError, AttributeError):
        return None


def _bundle_seed(course_root):
    """The seed make_zip drew for this bundle (0 for a course folder that has none)."""
    try:
        return int((pathlib.Path(course_root) / SEED_FILE).read_text())
    except (OSError, ValueError):
        return 0


def _metadata(metadata_path):
    """Gradescope's submission_metadata.json as a dict, read with files.read_submitted (no
    link followed, bounded); {} when it is missing or unreadable."""
    from ..cleanroom.files import Refused, open_folder, read_submitted
    metadata_path = pathlib.Path(metadata_path)
    try:
        fd = open_folder(metadata_path.parent, [])
        try:
            found = json.loads(read_submitted(fd, metadata_path.name, METADATA_BYTES, text=True))
        finally:
            os.close(fd)
    except (Refused, OSError, ValueError):
        return {}
    return found if isinstance(found, dict) else {}


def _gradescope_student(metadata):
    """Who submitted, from Gradescope's metadata (a dict): the ids of the submission's users
    (a group submits together), so each student's hidden inputs are their own, as grade draws
    them; "submission" when the metadata names none."""
    try:
        return ",".join(sorted(str(u["id"]) for u in metadata["users"])) or "submission"
    except (KeyError, TypeError):
        return "submission"

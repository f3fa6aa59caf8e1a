"""Grading inside Gradescope's autograder container, for classes that outgrow one machine.

`python -m autograder gradescope` writes autograder.zip: the course's packages,
the source notebooks, the pins, coursekit's wheel, and Gradescope's two entry points:
  setup.sh        installs bubblewrap, Python 3.11 if the image's is older, a venv in <root>/venv
                  with the pins of what grading needs (requirements.txt) and coursekit (the
                  kernel's only course package), the MNIST files, and makes <root>/source root's alone
  run_autograder  grades /autograder/submission/*.ipynb and writes /autograder/results/results.json,
                  with the grader's packages from <root>/source
The container's root is $AUTOGRADER_ROOT when set (tests use a fake one), else /autograder;
the bundle is unpacked in <root>/source, and Gradescope runs copies of both scripts from <root>.
Where bubblewrap cannot start in the container, the kernel runs as an unprivileged user
who cannot read <root>/source (cleanroom/user.py), or the result says why it cannot.
"""
import json
import os
import pathlib
import secrets
import tempfile
import time
import zipfile

from .. import PROJECT

from .kit import build_wheel, pins
from .course import DEFAULT_ROOT, assignment_of, assignments, kernel_data_dir, notebook_path

PACKAGES = ("autograder", "solutions", "coursekit")
SEED_FILE = "grading-seed.txt"      # in the bundle's course/: the seed each student's own follows from
METADATA = "submission_metadata.json"   # Gradescope's, beside the submission folder
METADATA_BYTES = 2**20

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


def make_zip(out_path, course_root=DEFAULT_ROOT):
    """Write the Gradescope autograder zip; returns its path."""
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
                bundle.write(path, path.relative_to(PROJECT).as_posix())
        course_root = pathlib.Path(course_root)
        bundle.write(course_root / "nbgrader_config.py", "course/nbgrader_config.py")
        bundle.writestr(f"course/{SEED_FILE}", str(secrets.randbelow(2**31)))
        for assignment in assignments(course_root):
            source = notebook_path(course_root, assignment)
            bundle.write(source, f"course/source/{assignment}/{source.name}")
    return out_path


def grade_in_container(submission_dir, results_path, course_root=DEFAULT_ROOT, accept_risk=False):
    """Grade the notebook in submission_dir and write Gradescope's results.json; returns the
    Verdict. Where the container cannot confine student code, the result says so (0 points)
    unless accept_risk."""
    from ..reports.gradescope import write_gradescope
    from ..cleanroom.runner import CleanRoom, Unprotected, grade_submission, student_seed, ungradable
    started = time.monotonic()
    submission_dir = pathlib.Path(submission_dir)
    found = next(((path, assignment) for path in sorted(submission_dir.rglob("*.ipynb"))
                  if (assignment := assignment_of(course_root, path.name))), None)
    if found is None:
        known = assignments(course_root)
        names = ", ".join(sorted(notebook_path(course_root, a).name for a in known))
        verdict = ungradable("submission", known[0], notebook_path(course_root, known[0]).stem,
                             f"no course notebook was submitted (one of {names})")
    else:
        notebook, assignment = found
        seed = student_seed(_bundle_seed(course_root), _gradescope_student(submission_dir.parent / METADATA))
        try:
            with CleanRoom(accept_risk=accept_risk, course_root=course_root, single_submission=True) as room:
                verdict = grade_submission(course_root, assignment, "submission", notebook, data_dir=kernel_data_dir(),
                                           room=room, seed=seed)
        except Unprotected as error:
            verdict = ungradable("submission", assignment, notebook_path(course_root, assignment).stem,
                                 f"the autograder cannot grade safely here; ask your instructor. {error}")
    write_gradescope(verdict, results_path, execution_time=time.monotonic() - started)
    return verdict


def _bundle_seed(course_root):
    """The seed make_zip drew for this bundle (0 for a course folder that has none)."""
    try:
        return int((pathlib.Path(course_root) / SEED_FILE).read_text())
    except (OSError, ValueError):
        return 0


def _gradescope_student(metadata_path):
    """Who submitted, from Gradescope's metadata: the ids of the submission's users (a group
    submits together), so each student's hidden inputs are their own, as grade draws them;
    "submission" when the file is missing or unreadable."""
    from ..cleanroom.files import Refused, open_folder, read_submitted
    metadata_path = pathlib.Path(metadata_path)
    try:
        fd = open_folder(metadata_path.parent, [])
        try:
            users = json.loads(read_submitted(fd, metadata_path.name, METADATA_BYTES, text=True))["users"]
        finally:
            os.close(fd)
        return ",".join(sorted(str(u["id"]) for u in users)) or "submission"
    except (Refused, OSError, ValueError, KeyError, TypeError):
        return "submission"

"""Grade submissions clean-room: the student's code runs in its own sandboxed kernel,
the checks' references and comparisons run here.

For one submission: read the notebook (or say why it cannot be), build the program
(submission.build_program), run it cell by cell in a SandboxKernel, then for each
graded exercise save its cases into the sandbox, let the kernel call the student's
function on them (harness.run_saved_cases), read the outcomes back (wire) and score
them here (check.score). A cell that runs too long is interrupted and skipped; a
kernel that dies is restarted and the cells that had run are replayed.
"""
import functools
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile
import time

import nbformat

from . import harness, wire
from .check import score, settle
from .checks import NOTEBOOKS
from .course import notebook_path
from .kernel import Limits, SandboxKernel
from .submission import Unreadable, build_program, find_notebook, read_notebook
from .verdict import ExerciseResult, Verdict

RESTARTS = 2                 # kernel restarts allowed per submission
CASE_SECONDS = 20            # one case of a check, inside the kernel
SUBMISSION_FILES_BYTES = 50 * 2**20
HARNESS = "_grader_harness_"     # the kernel's name for the harness, bound before the student's code runs


def _shorten(text, limit=300):
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[:limit] + " ..."


def ungradable(student, assignment, notebook, reason):
    """A verdict for a submission that could not be run: every exercise 0, the reason said."""
    exercises = [ExerciseResult(c.name, 0.0, c.points, [f"  not graded: {reason}"]) for c in NOTEBOOKS[assignment]]
    return Verdict(student, assignment, notebook, f"ungradable: {reason}", exercises)


def _copy_submission(folder, sandbox, notebook):
    """The student's other files (data they saved, helper files), up to a size limit."""
    total = 0
    for path in sorted(pathlib.Path(folder).rglob("*")):
        if path.is_file() and not path.is_symlink() and path != notebook and path.suffix != ".ipynb":
            total += path.stat().st_size
            if total > SUBMISSION_FILES_BYTES:
                return f"the submission's other files exceed {SUBMISSION_FILES_BYTES // 2**20} MB; the rest were left out"
            target = sandbox / path.relative_to(folder)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)
    return None


@functools.lru_cache(maxsize=1)
def _matplotlib_cache():
    """A matplotlib font cache built once per grading process (each kernel would otherwise
    spend a few tenths of a second rebuilding it in its fresh config folder)."""
    folder = pathlib.Path(tempfile.mkdtemp(prefix="mplcache-"))
    subprocess.run([sys.executable, "-c", "import matplotlib.font_manager"], capture_output=True,
                   env=dict(os.environ, MPLCONFIGDIR=str(folder)), timeout=120)
    return folder


def _seed_sandbox(sandbox):
    """The kernel-side modules, and the font cache, copied into a fresh sandbox."""
    for module, name in ((harness, "_grader_harness.py"), (wire, "_grader_wire.py")):
        shutil.copyfile(module.__file__, sandbox / name)
    shutil.copytree(_matplotlib_cache(), sandbox / ".matplotlib")


class _Session:
    """A kernel plus the cells that ran in it, so a dead kernel can be replayed."""

    def __init__(self, sandbox, limits, data_dir, hide):
        self.sandbox, self.limits, self.data_dir, self.hide = sandbox, limits, data_dir, hide
        self.kernel, self.ran, self.restarts, self.notes = None, [], 0, []
        self.deadline = time.monotonic() + limits.submission_seconds

    def start(self):
        self.kernel = SandboxKernel(self.sandbox, self.limits, self.data_dir, self.hide)
        self.kernel.deadline = self.deadline
        self.kernel.start()

    def close(self):
        if self.kernel is not None:
            self.kernel.shutdown()

    def run(self, label, code, timeout=None):
        result = self.kernel.execute(code, timeout)
        self.notes.extend(f"{label}: {note}" for note in result.notes)
        if result.status == "error":
            self.notes.append(f"{label} raised {_shorten(result.error)}")
        if result.status == "ok" or result.status == "error":
            self.ran.append(code)
        elif result.status == "timeout":
            self.notes.append(f"{label} {result.error}; it was skipped")
        elif result.status == "died":
            self.notes.append(f"{label}: {result.error}")
            self.restart()
        return result

    def restart(self):
        """A new kernel with the cells that had run before, replayed in order."""
        self.kernel.shutdown()
        if self.restarts >= RESTARTS or self.kernel.seconds_left() <= 0:
            self.kernel = None
            return
        self.restarts += 1
        self.start()
        for code in list(self.ran):
            if self.kernel.execute(code).status == "died":
                self.kernel.shutdown()
                self.kernel = None
                return


def _outcomes(folder, count, reason):
    outcomes = []
    for i in range(count):
        stem = folder / f"outcome-{i}"
        try:
            outcomes.append(wire.load(stem))
        except (OSError, ValueError) as error:
            outcomes.append({"error": reason or f"no result ({type(error).__name__})"})
    return outcomes


def _check_exercise(session, check, folder):
    """Run one check's cases in the kernel; score the outcomes here (a check.Report)."""
    cases = check.cases()
    folder.mkdir(parents=True)
    for i, case in enumerate(cases):
        wire.dump(case.args, folder / f"case-{i}")
        tables = check.stand_ins(case)
        if tables:
            wire.dump(tables, folder / f"uses-{i}")
    reason = None
    if session.kernel is None:
        reason = "not run: the kernel had stopped for good (see the notes)"
    else:
        code = (f"{HARNESS}.run_saved_cases({check.name!r}, {str(folder)!r}, {check.adapter!r}, "
                f"{CASE_SECONDS})")
        result = session.run(f"the check of {check.name}", code, timeout=CASE_SECONDS * len(cases) + 10)
        if result.status in ("timeout", "died"):
            reason = f"no result: {result.error}"
    return score(check, _outcomes(folder, len(cases), reason), cases)


def _exercise(report):
    return ExerciseResult(report.check.name, float(report.points), float(report.check.points),
                          report.text().splitlines()[1:])


def grade_submission(course_root, assignment, student, submission=None, limits=None, data_dir=None):
    """The Verdict of one student's submission of one assignment (never raises for bad input).

    submission: the folder (default <course_root>/submitted/<student>/<assignment>) or a
    notebook file (the self-check).
    """
    course_root = pathlib.Path(course_root).resolve()
    source_path = notebook_path(course_root, assignment)
    submission = pathlib.Path(submission or course_root / "submitted" / student / assignment)
    limits = limits or Limits()
    notes = []
    try:
        if submission.is_file():
            notebook, note = submission, None
        else:
            notebook, note = find_notebook(submission, source_path.name)
        notes += [note] if note else []
        student_nb = read_notebook(notebook)
    except Unreadable as error:
        return ungradable(student, assignment, source_path.stem, str(error))

    program = build_program(nbformat.read(source_path, as_version=4), student_nb)
    notes += program.notes
    with tempfile.TemporaryDirectory(prefix=f"grade-{student}-") as tmp:
        sandbox = pathlib.Path(tmp)
        note = _copy_submission(notebook.parent, sandbox, notebook)
        notes += [note] if note else []
        _seed_sandbox(sandbox)
        session = _Session(sandbox, limits, data_dir, hide=[course_root])
        try:
            session.start()
            session.run("grader set-up", f"import _grader_harness as {HARNESS}\n{HARNESS}.protect()")
            for label, code in program.cells:
                if session.kernel is None:
                    break
                session.run(label, code)
            reports = [_check_exercise(session, check, sandbox / ".cases" / check.name)
                       for check in NOTEBOOKS[assignment]]
            exercises = [_exercise(report) for report in settle(reports)]
        except Exception as error:  # the grader's own failure: say so, never a silent 0
            return ungradable(student, assignment, source_path.stem,
                              f"the grader failed on this submission ({type(error).__name__}: {error})")
        finally:
            session.close()
    notes += session.notes
    return Verdict(student, assignment, source_path.stem, "graded", exercises, notes)

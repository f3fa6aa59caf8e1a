"""Grade submissions clean-room: the student's code runs in its own sandboxed kernel,
the checks' references and comparisons run here.

For one submission: read its files without trusting them (files.py), build the
program (submission.build_program), run it cell by cell in a SandboxKernel, then for
each graded exercise save its cases where the kernel can only read them, let the
kernel call the student's function on them (harness.run_cases), take the outcomes
from the results pipe (wire) and score them here (checks.scoring.score). A cell that runs too
long is interrupted and skipped; a kernel that dies is restarted and the cells that
had run are replayed.

A CleanRoom is one grading run's private folder and control groups; it chooses how
kernels are confined (the bubblewrap sandbox, else the kernel as an unprivileged user
who provably cannot read the answers: user.py), says once what protection this
machine cannot give, and refuses to grade without it unless the instructor accepts the
risk. `python -m autograder.cleanroom.runner` grades one
submission described on standard input (a worker of classroom.grade_class).
"""
import dataclasses
import contextlib
import hashlib
import json
import os
import pathlib
import secrets
import shutil
import subprocess
import sys
import tempfile
import threading
import time

import coursekit
from coursekit import wire
from coursekit.compare import quote

from . import cgroup, user
from .. import sandbox
from ..sandbox import protocol
from ..checks.scoring import hidden_outcome, score, settle, unattempted
from ..checks import NOTEBOOKS
from ..admin.course import DEFAULT_ROOT, kernel_data_dir, notebook_path
from .files import Refused, list_folder, open_folder, read_file, read_relative
from .. import PROJECT
from .kernel import (SANDBOX, UNCONFINED, USER, Execution, Folders, SandboxKernel, kernel_env, python_executable,
                     python_paths, sandbox_argv, sandbox_available, unmount_below)
from .user import KERNEL_UID
from ..limits import Limits
from .submission import Unreadable, answers, build_program, course_imports, parse_notebook
from ..verdict import CRASHED, GRADED, KILLED, TIMED_OUT, UNGRADABLE, ExerciseResult, Verdict

RUN_PREFIX = "grade-run-"        # a grading run's folder, and its control groups' name
OWNER = "owner"                  # in a run's folder: "pid start-time" of the process that opened it
WRITABLE = "writable.json"       # in a run's folder: the folders the fallback's kernels could write
KERNEL_UID_FILE = "kernel-uid"   # in a kernel's folder: the uid it runs as, in the fallback
TEST_SPLIT = "t10k-"             # the held-out test digits: trained_model is graded on them, no kernel sees them


class Unprotected(Exception):
    """This machine cannot give the protection grading needs; the message lists what is missing."""


def _grader_failed(error):
    return f"the grader failed on this submission ({type(error).__name__}: {quote(error)})"


def ungradable(student, assignment, notebook, reason, seed=0):
    """A verdict for a submission that could not be run: every exercise 0, the reason said."""
    exercises = [ExerciseResult(c.name, 0.0, c.points) for c in NOTEBOOKS[assignment]]
    return Verdict(student, assignment, notebook, UNGRADABLE, exercises, seed=seed, reason=reason)


def student_seed(run_seed, student):
    """The seed of one student's hidden inputs in a run: reproducible from the run's seed."""
    return int.from_bytes(hashlib.sha256(f"{run_seed}/{student}".encode()).digest()[:4], "big")


# The room ---------------------------------------------------------------------------------------

def _build_font_cache(folder):
    """Start building matplotlib's font cache in folder, once per run (a fresh kernel would
    spend a few tenths of a second rebuilding it); the process building it."""
    folder.mkdir()
    return subprocess.Popen([sys.executable, "-c", "import matplotlib.font_manager"], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, env=dict(os.environ, MPLCONFIGDIR=str(folder)))


def _sandbox_problem(room_folder, limits):
    """Why a sandboxed process cannot start here as it must (no capability, not root), or ""."""
    if not sandbox_available():
        return "bubblewrap (bwrap) is not installed: student code would run unconfined (`make sandbox`)"
    folders = Folders(room_folder / "preflight")
    folders.fresh_ipc()
    folders.connection.write_text("{}")
    folders.connection.chmod(0o644)
    probe = ("import os; status = dict(l.split(':', 1) for l in open('/proc/self/status'));"
             "print(os.getuid(), int(status['CapEff'], 16), int(status['NoNewPrivs']))")
    argv = sandbox_argv(folders, {}, limits) + [sys.executable, "-P", "-s", "-c", probe]
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=60,
                              env=kernel_env(limits, -1, "/", "/"))
    except (OSError, subprocess.TimeoutExpired) as error:
        return f"bubblewrap cannot start a sandbox here ({error})"
    finally:
        folders.remove()
    try:
        uid, caps, no_new_privs = map(int, done.stdout.split())
    except ValueError:
        return f"bubblewrap cannot start a sandbox here: {quote(done.stderr) or 'no reason given'}"
    if uid == 0 or caps or not no_new_privs:
        return f"the sandbox runs as uid {uid} with capabilities {caps:#x} and no_new_privs {no_new_privs}"
    return ""


def _secrets(course_root):
    """What no kernel may read: the answers, the grader with its checks, the course (its
    sources, submissions and gradebook) and the held-out test digits."""
    data = kernel_data_dir()
    held_out = sorted(pathlib.Path(data).rglob(f"{TEST_SPLIT}*")) if data else []
    return [PROJECT / "solutions", PROJECT / "autograder", pathlib.Path(course_root), *held_out]


def _answers_in_view(course_root):
    """Folders the sandbox shows that hold a secret (a problem each)."""
    seen = [*python_paths(), PROJECT / "coursekit"]
    return [f"the kernel would see {s}, inside {v}" for v in seen for s in _secrets(course_root)
            if s.resolve().is_relative_to(pathlib.Path(v).resolve())]


OPENED = []          # the names of the rooms this process opened, in order


def leftovers(names=None):
    """The run folders and control groups of grading runs that exist now (none once every
    run has ended); of the rooms `names` alone when given (a test's own, while other runs
    may grade on the same machine: see OPENED)."""
    found = set(map(str, pathlib.Path(tempfile.gettempdir()).glob(f"{RUN_PREFIX}*")))
    found |= set(map(str, cgroup.existing(RUN_PREFIX)))
    return found if names is None else {item for item in found if pathlib.Path(item).name in set(names)}


def _process_identity(pid):
    """(pid, start time) of a live process, or None: a pid alone may be reused."""
    try:
        return pid, pathlib.Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[19]
    except (OSError, IndexError):
        return None


def remove_abandoned_rooms():
    """Remove the rooms whose process was killed before it could (a SIGKILL, a cluster worker
    lost): their kernels' processes (control groups, or the uid of each kernel that ran as a
    user of its own, with what that uid left), mounts and folders. Returns the names removed."""
    removed = []
    for folder in pathlib.Path(tempfile.gettempdir()).glob(f"{RUN_PREFIX}*"):
        try:              # /tmp is everyone's: only a real folder of this user's is one of our rooms
            if folder.is_symlink() or folder.stat().st_uid != os.getuid():
                continue
            pid, started = (folder / OWNER).read_text().split()
        except (OSError, ValueError):
            continue                  # a room being made, or not one of ours
        if _process_identity(int(pid)) == (int(pid), started):
            continue
        with contextlib.suppress(OSError, ValueError):
            writable = json.loads((folder / WRITABLE).read_text())
            for uid_file in folder.glob(f"*/{KERNEL_UID_FILE}"):
                uid = int(uid_file.read_text())
                if uid in user.UIDS:
                    user.end_processes(uid)
                    user.remove_leftovers(uid, writable)
        groups = cgroup.RunGroups(folder.name)
        groups.attach()
        groups.remove()
        unmount_below(folder)
        shutil.rmtree(folder, ignore_errors=True)
        removed.append(folder.name)
    return removed


class CleanRoom:
    """One grading run: a private folder for every submission's sandbox, the run's control
    groups, a font cache; all removed when the run ends, whatever happened.

    confinement: SANDBOX where bubblewrap starts as it must. Else the fallback, USER (each
    kernel a uid of its own, user.py), on a machine that holds one submission and nothing
    else (single_submission: Gradescope's container) where the probe finds nothing the
    kernel's user may not read; then the user's process limit stands in for missing control
    groups. Anywhere else a missing protection is a problem: require refuses (Unprotected)
    unless accept_risk, and the run then uses the fallback where root can, else UNCONFINED.
    The problems and notes are said once on stderr (the self-check passes require=False).
    course_root: the course graded, which no kernel may read.
    """

    def __init__(self, limits=None, require=True, accept_risk=False, quiet=False, course_root=DEFAULT_ROOT,
                 single_submission=False):
        self.limits, self.course_root = limits or Limits(), course_root
        self.require, self.accept_risk, self.quiet = require, accept_risk, quiet
        self.single_submission = single_submission
        self.folder = self.groups = self.mpl_cache = self._font_builder = None
        self.problems, self.notes, self.confinement = [], [], UNCONFINED
        self.writable, self.namespaces = [], False      # the fallback's: see user.isolate_argv

    def __enter__(self):
        remove_abandoned_rooms()
        self.folder = pathlib.Path(tempfile.mkdtemp(prefix=RUN_PREFIX))
        OPENED.append(self.folder.name)
        (self.folder / OWNER).write_text("%d %s" % _process_identity(os.getpid()))
        try:
            self.mpl_cache = self.folder / "mplcache"       # built while the sandbox is probed
            self._font_builder = _build_font_cache(self.mpl_cache)
            self.groups = cgroup.RunGroups(self.folder.name)
            group_problems = self.groups.create()
            if not self.groups.bases:
                self.groups = None
            sandbox_problem = _sandbox_problem(self.folder, self.limits)
            if not sandbox_problem:
                self.confinement = SANDBOX
                self.problems = group_problems + _answers_in_view(self.course_root)
            else:
                self._fallback(sandbox_problem, group_problems)
            self._say()
        except BaseException:
            self.__exit__()
            raise
        return self

    def _fallback(self, sandbox_problem, group_problems):
        """Choose the confinement where bubblewrap cannot start (see the class)."""
        tools = user.tools_problem()
        if tools:
            self.problems = group_problems + [sandbox_problem, tools]
            return
        self.namespaces = not user.namespaces_problem()
        allowed = [*python_paths(), pathlib.Path(coursekit.__file__).parent, self.folder]
        with user.KernelUser() as probe:
            seen = user.survey(python_executable(), probe.uid, allowed, _secrets(self.course_root))
        if isinstance(seen, str):            # its kernel could not even start
            self.problems = group_problems + [sandbox_problem, seen]
            return
        self.writable = seen["writable"]
        (self.folder / WRITABLE).write_text(json.dumps(self.writable))
        self.confinement = USER
        self.folder.chmod(user.PASSABLE)          # the kernel's user passes through to its own folders
        kept = (f"a network and mount namespace of its own (no network; the {len(self.writable)} folders it could "
                f"write are private and memory-backed)" if self.namespaces else
                f"no namespace of its own (root cannot make one here: {user.namespaces_problem()}): it shares "
                f"this machine's network, and what it leaves in the {len(self.writable)} folders it can write is "
                f"removed after it")
        self.notes = [f"{sandbox_problem}: each kernel runs as a uid of its own instead, which can read nothing "
                      f"outside the allow-list, one submission at a time, with {kept}"]
        self.notes += [f"{p}: the user's process limit stands in" for p in group_problems]
        found = user.problems(seen, _secrets(self.course_root))
        if not self.single_submission:
            found.append("the fallback (the kernel as a user of its own) is for a machine that holds one "
                         "submission and nothing else (Gradescope's container), not for grade or a cluster's worker")
        if found:
            self.problems = [sandbox_problem, *found]
            self.notes = []

    def _say(self):
        if self.notes and not self.quiet:
            print("NOTE: " + "\n  ".join(self.notes), file=sys.stderr, flush=True)
        if not self.problems:
            return
        lines = "\n".join(f"  - {p}" for p in self.problems)
        if self.require and not self.accept_risk:
            raise Unprotected(f"refusing to grade: this machine cannot confine student code as it must:\n{lines}\n"
                              f"Fix these (as root, with bubblewrap and cgroups), or pass --accept-risk to "
                              f"grade anyway with what there is.")
        if not self.quiet:
            print(f"WARNING: student code is graded with less protection than it needs:\n{lines}",
                  file=sys.stderr, flush=True)

    def isolate_argv(self):
        """The fallback kernel's namespaces (user.isolate_argv), or [] where root cannot make them."""
        if not self.namespaces:
            return []
        return user.isolate_argv(self.writable, [str(self.folder)], self.limits.disk_bytes)

    def font_cache(self):
        """The run's matplotlib font cache folder, once it is built (or given up on: a kernel
        then builds its own)."""
        if self._font_builder is not None:
            try:
                self._font_builder.wait(timeout=120)
            except subprocess.TimeoutExpired:
                self._font_builder.kill()
                self._font_builder.wait()
            self._font_builder = None
        return self.mpl_cache

    def __exit__(self, *exc):
        if self._font_builder is not None:
            self._font_builder.kill()
            self._font_builder.wait()
        if self.groups is not None:
            self.groups.remove()
        if self.folder is not None:         # a worker killed outright left its kernel's folders mounted
            unmount_below(self.folder)
            shutil.rmtree(self.folder, ignore_errors=True)

    def as_job(self):
        """What a worker process needs to grade in this room (see attach)."""
        return {"folder": str(self.folder), "groups": bool(self.groups), "mpl_cache": str(self.font_cache()),
                "confinement": self.confinement, "writable": self.writable, "namespaces": self.namespaces}

    @classmethod
    def attach(cls, job, limits):
        """The room of a run opened by another process (a worker's view of it)."""
        room = cls(limits, require=False)
        room.folder, room.mpl_cache = pathlib.Path(job["folder"]), pathlib.Path(job["mpl_cache"])
        room.confinement, room.writable, room.namespaces = job["confinement"], job["writable"], job["namespaces"]
        if job["groups"]:
            room.groups = cgroup.RunGroups(room.folder.name)
            room.groups.attach()
        return room


# One submission ---------------------------------------------------------------------------------

class _Session:
    """A kernel plus the cells that ran in it, so a dead kernel can be replayed."""

    def __init__(self, folders, limits, data_dir, data_files, group):
        self.folders, self.limits, self.group = folders, limits, group
        self.data_dir, self.data_files = data_dir, data_files
        self.kernel, self.ran, self.restarts, self.notes = None, [], 0, []
        self.stops = []         # (label: what happened, TIMED_OUT | KILLED | CRASHED) of cells that did not finish
        self.deadline = time.monotonic() + limits.submission_seconds

    def start(self):
        self.launch()
        self.kernel.connect()

    def launch(self):
        """Start a kernel's process (SandboxKernel.launch: from the thread that outlives it)."""
        self.kernel = SandboxKernel(self.folders, self.limits, self.data_dir, self.data_files, self.group)
        self.kernel.deadline = self.deadline
        self.kernel.launch()

    def close(self):
        if self.kernel is not None:
            self.kernel.shutdown()

    def run_cell(self, label, code, cpu_seconds=None, replay=True):
        """Run one cell. A kernel that dies in it is restarted with the cells that had run
        (restart), and the cell is run once more: the death may not be its doing (a kill from
        outside, the machine's OOM killer), and a kill costs an honest student nothing. A cell
        that dies twice is skipped. replay: whether a restart runs this cell again (a check's
        is not: its outcomes were taken)."""
        if self.kernel is None:
            return Execution("died", "not run: the kernel had stopped for good")
        for attempt in (1, 2):
            result = self.kernel.execute(code, cpu_seconds)
            self.notes.extend(f"{label}: {note}" for note in result.notes)
            if result.status != "died":
                break
            self.notes.append(f"{label}: {result.error}" + ("; run again in a restarted kernel" if attempt == 1
                                                           else "; skipped"))
            self.restart()
            if self.kernel is None:
                break
        if result.status == "died":
            self.stops.append((f"{label}: {result.error}", KILLED))
        if result.status == "error":
            self.notes.append(f"{label} raised {quote(result.error)}")
            self.stops.append((f"{label} raised {quote(result.error)}", CRASHED))
        if result.status in ("ok", "error") and replay:
            self.ran.append(code)
        elif result.status == "timeout":
            self.notes.append(f"{label} {result.error}; it was skipped")
            self.stops.append((f"{label} timed out: {result.error}", TIMED_OUT))
        return result

    def restart(self):
        """A new kernel with the cells that had run before, replayed in order."""
        self.kernel.shutdown()
        if self.restarts >= self.limits.restarts or self.kernel.seconds_left() <= 0:
            self.kernel = None
            return
        self.restarts += 1
        self.start()
        for code in list(self.ran):
            if self.kernel.execute(code).status == "died":
                self.kernel.shutdown()
                self.kernel = None
                return


def _outcome(payload, problem):
    """An outcome from a frame of the results pipe (harness.call_case's dict), or why not."""
    if payload is None or problem:
        return {"error": f"no result: {problem}"}
    try:
        outcome = wire.decode(payload)
    except ValueError as error:
        return {"error": f"no result: it could not be read ({error})"}
    return hidden_outcome(outcome) if isinstance(outcome, dict) else {"error": "no result: it was not an outcome"}


def _check_exercise(session, check, seed, absent):
    """Run one check's cases (drawn from seed) in the kernel; score the outcomes here (a
    check.Report). absent: graded functions not attempted, which get no stand-in."""
    cases = check.cases(seed)
    folder = protocol.cases_folder(check.name)
    for i, case in enumerate(cases):
        session.folders.write_shared(f"{folder}/{protocol.case_file(i)}", wire.encode(case.args))
        tables = check.stand_ins(case, absent)
        if tables:
            session.folders.write_shared(f"{folder}/{protocol.uses_file(i)}", wire.encode(tables))
    if session.kernel is None:
        outcomes = [{"error": "not run: the kernel had stopped for good (see the notes)"}] * len(cases)
        return score(check, outcomes, cases)
    token = secrets.token_bytes(16)
    seconds = session.limits.case_seconds
    code = protocol.check_code(str(session.folders.shared), check.name, len(cases), token, check.adapter, seconds)
    result = session.run_cell(f"the check of {check.name}", code,
                              cpu_seconds=session.limits.check_seconds(len(cases)), replay=False)
    if result.status in ("timeout", "died"):
        outcomes = [{"error": f"no result: {result.error}"}] * len(cases)
    else:                        # the kernel that ran it: a restarted one if the first died
        frames = session.kernel.results.collect(token, len(cases), seconds=session.limits.outcomes_seconds)
        outcomes = [_outcome(*frame) for frame in frames]
    return score(check, outcomes, cases)


def read_submission(course_root, student, assignment, submission, expected, limits, others=True):
    """(notebook name, its bytes, {relative path: bytes} of the other files, notes), read
    without following a link (the other files left unread without `others`); Refused or
    Unreadable with the reason."""
    if submission is None:
        trusted, parts, chosen = course_root / "submitted", [student, assignment], None
    elif submission.is_file():
        trusted, parts, chosen = submission.parent, [], submission.name
    else:
        trusted, parts, chosen = submission.parent, [submission.name], None
    fd = open_folder(trusted, parts)
    try:
        listing = list_folder(fd, limits.submission_files)
        notes = list(listing.notes)
        if chosen is None:
            if expected in listing.notebooks:
                chosen = expected
            elif not listing.notebooks:
                raise Unreadable(f"no notebook submitted (expected {expected})")
            elif len(listing.notebooks) > 1:
                raise Unreadable(f"{expected} is missing and {len(listing.notebooks)} other notebooks were "
                                 f"submitted ({', '.join(listing.notebooks)}): which one to grade is not clear")
            else:
                chosen = listing.notebooks[0]
                notes.append(f"graded {chosen}: the expected name is {expected}")
        raw = read_file(fd, chosen, limits.notebook_bytes)
        files, total = {}, 0
        for relative in listing.others if others else []:
            try:
                data = read_relative(fd, relative, limits.submission_files_bytes - total)
            except Refused:
                notes.append(f"the submission's other files exceed {limits.submission_files_bytes // 2**20} MB "
                             f"(or could not be read); {relative} and what follows were left out")
                break
            files[relative] = data
            total += len(data)
        return chosen, raw, files, notes
    finally:
        os.close(fd)


def read_answers(course_root, assignment, student, limits):
    """{grade_id of each solution cell: the student's code in its place, or None} of a
    submitted notebook, read as grading reads it (submission.answers); Refused or Unreadable."""
    source = notebook_path(course_root, assignment)
    name, raw, _, _ = read_submission(pathlib.Path(course_root), student, assignment, None, source.name, limits,
                                      others=False)
    return answers(json.loads(source.read_text()), parse_notebook(raw, name, limits), limits)


def _data_files(data_dir):
    """{path inside the data folder: host path} of the data files a kernel may read: each
    dataset's known files (coursekit.data.DATASETS) but the held-out test digits the model
    is graded on."""
    from coursekit.data import DATASETS
    if not data_dir:
        return {}
    files = {f"{name}/{file}": pathlib.Path(data_dir) / name / file
             for name, spec in DATASETS.items() for file in spec["sha256"] if not file.startswith(TEST_SPLIT)}
    return {inside: path for inside, path in files.items() if path.is_file()}


class WarmKernel:
    """The kernel of one submission, made ready before the submission is read: its folders
    and control group made, the harness in its read-only folder, the kernel launched, then
    connected and the course's imports done (protocol.warm_code) in a thread of its own
    while the grader reads the submission (ready() waits for it). It serves that one
    submission and is removed with everything in it (folders, control group, the kernel's
    user's processes and files): a kernel never sees a second submission.

    A context manager; in USER confinement it holds user.one_at_a_time() and a uid of its own
    (user.KernelUser) throughout."""

    def __init__(self, room, course_root, assignment, limits, data_dir):
        self.room, self.limits, self.data_dir = room, limits, data_dir
        self.source = json.loads(notebook_path(course_root, assignment).read_text())   # the program's too
        self.modules = course_imports(self.source)
        self.alone = user.one_at_a_time() if room.confinement == USER else contextlib.nullcontext()
        self.user = user.KernelUser(room.writable) if room.confinement == USER else None
        self.folders = self.group = self.session = self.thread = None
        self.error, self.restart_needed = None, False

    def __enter__(self):
        self.alone.__enter__()
        try:
            uid, isolate = KERNEL_UID, []
            if self.user is not None:
                uid, isolate = self.user.__enter__().uid, self.room.isolate_argv()
            self.folders = Folders(self.room.folder / secrets.token_hex(8), self.room.confinement, self.limits,
                                   uid, isolate)
            if self.user is not None:          # for remove_abandoned_rooms, should this process be killed
                (self.folders.root / KERNEL_UID_FILE).write_text(str(uid))
            if self.room.groups:
                self.group = self.room.groups.kernel_group(self.folders.root.name, self.limits)
            data_files = _data_files(self.data_dir)
            self.session = _Session(self.folders, self.limits, self.data_dir, data_files, self.group)
            if self.room.confinement == USER and self.data_dir:     # a copy that holds no held-out file
                self.session.data_dir = str(user.readable_copy(data_files, self.folders.root / "data"))
            for module in sorted(pathlib.Path(sandbox.__file__).parent.glob("*.py")):
                self.folders.write_shared(f"{protocol.SANDBOX_PACKAGE}/{module.name}", module.read_bytes())
            self.session.launch()             # here: the kernel dies with the thread that starts it
            self.thread = threading.Thread(target=self._warm, daemon=True)
            self.thread.start()
        except BaseException:
            self.__exit__()
            raise
        return self

    def _warm(self):
        try:
            self.session.kernel.connect()
            font_cache = self.room.font_cache()
            for path in sorted(font_cache.rglob("*")):
                if path.is_file():
                    self.folders.write_shared(f"{protocol.FONT_CACHE}/{path.relative_to(font_cache)}",
                                              path.read_bytes())
            warm_up = protocol.warm_code(str(self.folders.shared), self.modules)
            status = self.session.kernel.execute(warm_up).status
            if status != "timeout":
                self.session.ran.append(warm_up)
            # a kernel that died is restarted by ready(), from the thread that outlives it
            self.restart_needed = status == "died"
        except Exception as error:      # said by ready()
            self.error = error

    def ready(self, others):
        """The session, warm, with the submission's other files {relative path: bytes} in its
        read-only folder and its time limit starting now; raises what stopped its start."""
        self.thread.join()
        if self.error is not None:
            raise self.error
        if self.restart_needed:
            self.session.notes.append("the kernel died while it was made ready; it was restarted")
            self.session.restart()
        for relative, data in others.items():
            self.folders.write_shared(f"{protocol.SUBMISSION}/{relative}", data)
        self.session.deadline = time.monotonic() + self.limits.submission_seconds
        if self.session.kernel is not None:
            self.session.kernel.deadline = self.session.deadline
        return self.session

    def __exit__(self, *exc):
        try:
            if self.thread is not None:
                self.thread.join()
            if self.session is not None:
                self.session.close()
            if self.group is not None:
                self.group.remove()
            if self.user is not None:
                self.user.__exit__()
            if self.folders is not None:
                self.folders.remove()
        finally:
            self.alone.__exit__(*(exc or (None, None, None)))


def grade_submission(course_root, assignment, student, submission=None, limits=None, data_dir=None,
                     room=None, seed=0, progress=None, warm=None):
    """The Verdict of one student's submission of one assignment (never raises for bad input).

    submission: None for <course_root>/submitted/<student>/<assignment>, else a folder or a
    notebook file (the self-check); room: the run's CleanRoom (one of its own when None,
    which does not refuse: the self-check grades the learner's own code); progress: called
    with each ExerciseResult as soon as it is graded; warm: the WarmKernel made for this
    submission in room (one is made, and warms while the submission is read, when None).
    """
    limits = limits or Limits()
    if room is None:
        with CleanRoom(limits, require=False, quiet=True, course_root=course_root) as room:
            return grade_submission(course_root, assignment, student, submission, limits, data_dir, room, seed,
                                    progress, warm)
    if warm is None:
        try:
            with WarmKernel(room, course_root, assignment, limits, data_dir) as warm:
                return grade_submission(course_root, assignment, student, submission, limits, data_dir, room,
                                        seed, progress, warm)
        except Exception as error:  # the grader's own failure: say so, never a silent 0
            return ungradable(student, assignment, notebook_path(course_root, assignment).stem,
                              _grader_failed(error), seed)
    course_root = pathlib.Path(course_root).resolve()
    source_path = notebook_path(course_root, assignment)
    try:
        name, raw, others, notes = read_submission(course_root, student, assignment,
                                                    pathlib.Path(submission) if submission else None,
                                                    source_path.name, limits)
        program = build_program(warm.source, parse_notebook(raw, name, limits), limits)
    except (Refused, Unreadable) as error:
        return ungradable(student, assignment, source_path.stem, str(error), seed)
    except Exception as error:  # the grader's own failure: say so, never a silent 0
        return ungradable(student, assignment, source_path.stem, _grader_failed(error), seed)
    verdict = _grade_program(warm, assignment, student, source_path.stem, program, others, seed, progress)
    verdict.notes[:0] = notes + program.notes
    return verdict


def _grade_program(warm, assignment, student, notebook, program, others, seed, progress):
    """The Verdict of a submission's program, run in its WarmKernel."""
    try:
        session = warm.ready(others)
        session.run_cell("grader set-up", protocol.setup_code(str(session.folders.shared)))
        for label, code in program.cells:
            if session.kernel is None:
                break
            session.run_cell(label, code)
        reports = []
        for check in NOTEBOOKS[assignment]:
            reports.append(_check_exercise(session, check, seed, unattempted(reports)))
            if progress:          # final already: an exercise is settled by those before it
                progress(settle(reports)[-1].result())
        exercises = [_stopped_by(report.result(), session.stops) for report in settle(reports)]
    except Exception as error:  # the grader's own failure: say so, never a silent 0
        return ungradable(student, assignment, notebook, _grader_failed(error), seed)
    stops = [text for text, kind in session.stops if kind != CRASHED]
    stops += [f"{e.name}: {e.stopped}" for e in exercises if e.stopped == CRASHED]
    return Verdict(student, assignment, notebook, GRADED, exercises, session.notes, seed=seed, stops=stops)


def _stopped_by(exercise, stops):
    """An ExerciseResult with what stopped it (ExerciseResult.stopped): its own cases' (set by
    scoring), else, for a function the notebook never defined, the first cell that timed out,
    whose kernel died or (only when neither happened) that raised; stops: _Session.stops."""
    if exercise.stopped or not exercise.undefined or not stops:
        return exercise
    kinds = [kind for _, kind in stops]
    kind = next((k for k in kinds if k != CRASHED), kinds[0])
    return dataclasses.replace(exercise, stopped=kind)


def worker_main():
    """Grade one submission: read the run (JSON, one line: course_root, assignment, limits,
    data_dir, room), warm a kernel for it, then read the submission (JSON, one line:
    student, submission, seed) and print its verdict (JSON). With no submission (the run
    needed no more workers) exit without a word."""
    import ctypes
    import resource
    import signal
    with contextlib.suppress(OSError):       # die with the class run that started this worker
        ctypes.CDLL(None).prctl(1, signal.SIGKILL)       # PR_SET_PDEATHSIG
    run = json.loads(sys.stdin.readline())
    limits = Limits(**run["limits"])
    # What the kernel sends is decoded here: a mistake in that costs this submission alone. The
    # soft limit only: the kernel this process starts sets its own (prlimit, after its capabilities go).
    resource.setrlimit(resource.RLIMIT_AS, (limits.worker_memory_bytes, resource.RLIM_INFINITY))
    room = CleanRoom.attach(run["room"], limits)
    with WarmKernel(room, run["course_root"], run["assignment"], limits, run["data_dir"]) as warm:
        line = sys.stdin.readline()
        if not line:
            return
        job = json.loads(line)
        verdict = grade_submission(run["course_root"], run["assignment"], job["student"], job["submission"],
                                   limits, run["data_dir"], room, job["seed"], warm=warm)
    sys.stdout.write(json.dumps(verdict.as_dict()))


if __name__ == "__main__":
    worker_main()

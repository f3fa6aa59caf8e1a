"""The grading runner end to end through the command line: real kernels in the sandbox,
real nbgrader, real files.

A small class for notebook 02, taken from the hostile corpus of `make prove`
(autograder/proof/hostile.py, where every other hostile submission is graded): the
model solution, the untouched release, and a few mangled or broken submissions.
Each must end with its expected verdict and reason, and reach the reports, the
feedback (without hidden tests) and nbgrader's gradebook.
"""
import contextlib
import csv
import dataclasses
import html
import json
import os
import pathlib
import re
import shutil
import signal
import subprocess
import sys
import time

import pytest

from autograder.__main__ import main
from autograder.admin.course import DEFAULT_ROOT, notebook_path
from autograder.proof import hostile

ASSIGNMENT = hostile.ASSIGNMENT
CLASS = ["model-solution", "untouched-release", "invalid-json", "no-notebook", "wrong-name", "deleted-cell",
         "returns-nan", "os-exit"]


@pytest.fixture(scope="module")
def graded(tmp_path_factory, sandbox):
    """The class, graded once through the command line: (course root, exit status, corpus entries).
    In the sandbox where bubblewrap is installed (the `sandbox` fixture: required on CI)."""
    students = {h.student: h for h in hostile.CORPUS if h.student in CLASS}
    root = hostile.build_class(tmp_path_factory.mktemp("class"), students.values())
    status = main(["--course", str(root), "grade", ASSIGNMENT, "--workers", str(hostile.WORKERS),
                   "--cell-timeout", str(hostile.CELL_SECONDS), "--quiet"])
    return root, status, students


def rows(root):
    with open(root / "reports" / ASSIGNMENT / "grades.csv") as f:
        return {row["student_id"]: row for row in csv.DictReader(f)}


def test_every_submission_gets_its_expected_verdict(graded):
    root, status, students = graded
    table = rows(root)
    assert set(table) == set(students)
    for student, entry in students.items():
        row = table[student]
        points = {name: float(row[name]) for name in hostile.FULL}
        page = (root / "feedback" / student / ASSIGNMENT / "pooling.html").read_text()
        # hostile.mismatch is the proof's rule: ungradable with every exercise at 0, or graded
        # with the expected points; the expected words on the page the student reads
        assert hostile.mismatch(entry, row["status"], points, html.unescape(page)) == "", student
    assert status == 1                        # some submissions were ungradable, each named


def test_reports_and_feedback_never_show_hidden_tests(graded):
    root, _, students = graded
    for student in students:
        page = (root / "feedback" / student / ASSIGNMENT / "pooling.html").read_text()
        for hidden in ("BEGIN HIDDEN TESTS", "from autograder", "grade(&quot;"):
            assert hidden not in page
        results = json.loads((root / "reports" / ASSIGNMENT / "gradescope" / student / "results.json").read_text())
        assert results["score"] == float(rows(root)[student]["score_after_penalty"])
    summary = (root / "reports" / ASSIGNMENT / "summary.txt").read_text()
    assert "model-solution" in summary and "pass rate" in summary
    assert (root / "reports" / ASSIGNMENT / "summary.png").read_bytes()[:4] == b"\x89PNG"


def test_scores_reach_nbgrader_export(graded):
    root, _, students = graded
    bin_dir = pathlib.Path(sys.executable).parent
    env = dict(os.environ, PATH=f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    subprocess.run([str(bin_dir / "nbgrader"), "export", "--to", str(root / "export.csv")], cwd=root,
                   env=env, check=True, capture_output=True)
    with open(root / "export.csv") as f:
        exported = {row["student_id"]: row for row in csv.DictReader(f) if row["assignment"] == ASSIGNMENT}
    assert float(exported["model-solution"]["raw_score"]) == 4.0
    assert float(exported["deleted-cell"]["raw_score"]) == 3.0
    assert float(exported["untouched-release"]["raw_score"]) == 0.0


def test_usage_errors_exit_with_2(tmp_path):
    assert main(["--course", str(tmp_path), "grade"]) == 2                      # not a course
    assert main(["--course", str(DEFAULT_ROOT), "grade", "99-nothing"]) == 2    # unknown assignment
    assert main(["--course", str(DEFAULT_ROOT), "grade", "--workers", "0"]) == 2
    assert main(["frobnicate"]) == 2


def test_self_check_exits_0_only_at_full_marks(tmp_path, capsys):
    solved = notebook_path(DEFAULT_ROOT, ASSIGNMENT)
    assert main(["check", str(solved)]) == 0
    broken = tmp_path / "pooling.ipynb"
    _, content = hostile.relu_returns("np.abs(x)")(json.loads(solved.read_text()), "", "")
    broken.write_bytes(content)
    assert main(["check", str(broken)]) == 1
    out = capsys.readouterr().out
    assert "relu_forward: 0 / 1" in out and "hint:" in out
    assert out.count("hint: ") == len(set(line for line in out.splitlines() if "hint: " in line))   # each once
    assert main(["check", str(tmp_path / "missing.ipynb")]) == 2


def test_self_check_gives_up_on_an_endless_loop_in_seconds(tmp_path, capsys):
    from autograder.limits import SELF_CHECK
    solved = json.loads(notebook_path(DEFAULT_ROOT, ASSIGNMENT).read_text())
    _, looping = hostile.CORPUS[[h.student for h in hostile.CORPUS].index("endless-loop-top-level")].build(
        solved, "", "")
    (tmp_path / "pooling.ipynb").write_bytes(looping)
    assert main(["check", str(tmp_path / "pooling.ipynb")]) == 1
    out = capsys.readouterr().out
    assert f"stopped after {SELF_CHECK.cell_seconds:.0f} s" in out
    assert out.index("pool_forward_naive: 3 / 3") < out.index("relu_forward: 0 / 1")   # as graded, in order


def test_a_killed_worker_costs_only_its_own_submission_and_leaves_nothing_behind(tmp_path, monkeypatch, sandbox):
    """One grading worker is killed mid-run (as the OOM killer would): that submission alone
    is ungradable, with the reason; the class goes on; no folder or control group remains."""
    import signal
    import threading

    from autograder.admin.classroom import grade_class
    from autograder.limits import Limits
    from autograder.cleanroom.runner import leftovers

    students = {h.student: h for h in hostile.CORPUS if h.student in ("model-solution", "deleted-cell",
                                                                        "returns-nan", "wrong-name")}
    root = hostile.build_class(tmp_path, students.values())
    killed = []

    def kill_one_worker():
        deadline = time.monotonic() + 120
        while not killed and time.monotonic() < deadline:
            for proc in pathlib.Path("/proc").iterdir():       # a worker of this run: this process's child
                try:
                    parent = int((proc / "stat").read_text().rsplit(")", 1)[1].split()[1])
                    if parent == os.getpid() and b"autograder.cleanroom.runner" in (proc / "cmdline").read_bytes():
                        os.kill(int(proc.name), signal.SIGKILL)
                        killed.append(proc.name)
                        return
                except (OSError, ValueError):
                    continue
            time.sleep(0.05)
    killer = threading.Thread(target=kill_one_worker)
    killer.start()
    with _run_names(monkeypatch) as runs:
        verdicts = grade_class(root, ASSIGNMENT, workers=2, limits=Limits(cell_seconds=hostile.CELL_SECONDS),
                               progress=False)
    killer.join()
    assert killed
    lost = [v for v in verdicts if not v.graded]
    assert len(lost) == 1 and "the grading worker was killed (SIGKILL" in lost[0].reason
    assert len(verdicts) == len(students)
    for verdict in verdicts:
        if verdict.graded:
            assert hostile.verdict_mismatch(students[verdict.student], verdict) == "", verdict.student
    assert runs and not [item for item in leftovers() if runs[0] in item]


TRACES = ("/tmp/first-was-here", "~/first-was-here", "/dev/shm/first-was-here")

PLANT = """import builtins, os, subprocess, sys
for path in {traces!r}:
    try:
        with open(os.path.expanduser(path), "w") as f:
            f.write("here")
    except OSError:
        pass
startup = os.path.expanduser("~/.ipython/profile_default/startup")
os.makedirs(startup, exist_ok=True)
with open(os.path.join(startup, "00-first.py"), "w") as f:
    f.write("import builtins; builtins.first_was_here = True")
builtins.first_was_here = np.first_was_here = True
os.environ["FIRST_WAS_HERE"] = "1"
subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)", "first-was-here"], start_new_session=True)
"""

LOOK = """def relu_forward(x):
    import builtins, glob, os
    seen = [path for path in {traces!r} if os.path.exists(os.path.expanduser(path))]
    seen += [name for name, where in (("builtins", builtins), ("numpy", np)) if hasattr(where, "first_was_here")]
    seen += ["environment"] if "FIRST_WAS_HERE" in os.environ else []
    for cmdline in glob.glob("/proc/[0-9]*/cmdline"):
        try:
            with open(cmdline, "rb") as f:
                seen += [cmdline] if b"first-was-here" in f.read() else []
        except OSError:
            pass
    if seen:          # wrong on purpose: this submission saw the one graded before it
        return x, (x,)
    return np.maximum(x, 0), (x,)
"""


def test_a_warm_kernel_serves_one_submission_and_the_next_sees_nothing_of_it(tmp_path, sandbox):
    """Graded one after the other by one worker at a time (the second's kernel warming while
    the first is graded): the first leaves files in every folder it can write, a startup
    script, a patched builtin and module, an environment variable and a process; the second's
    relu_forward is right only if it sees none of them, so full marks for both prove that
    each submission had a kernel, a process and folders of its own."""
    from autograder.admin.classroom import grade_class
    from autograder.cleanroom.runner import OPENED, leftovers
    from autograder.limits import Limits

    first = hostile.Hostile("a-first", hostile.relu_cell(PLANT.format(traces=TRACES)), hostile.FULL)
    second = hostile.Hostile("b-second", hostile.edited(hostile.RELU, lambda s, course: LOOK.format(traces=TRACES)),
                             hostile.FULL)
    root = hostile.build_class(tmp_path, [first, second])
    before = len(OPENED)
    verdicts = grade_class(root, ASSIGNMENT, workers=1, limits=Limits(cell_seconds=hostile.CELL_SECONDS),
                           progress=False)
    for verdict, student in zip(verdicts, (first, second)):
        assert hostile.verdict_mismatch(student, verdict) == "", (verdict.student, verdict.notes)
    assert not leftovers(OPENED[before:])


def test_warm_workers_keep_pace_and_never_outnumber_the_submissions(monkeypatch):
    """spares workers warm ahead of each one handed out, never more than the submissions
    left; each is handed out once; closing kills those still running."""
    from autograder.admin import classroom

    class Worker:
        def __init__(self, run):
            self.run, self.killed, self.reaped = run, False, False

        def poll(self):
            return -9 if self.killed else None

        def kill(self):
            self.killed = True

        def communicate(self):
            self.reaped = True
    monkeypatch.setattr(classroom, "start_worker", Worker)
    warm = classroom.WarmWorkers({"run": 1}, submissions=3, spares=2)
    assert len(warm.started) == 2 and all(w.run == {"run": 1} for w in warm.started)
    taken = [warm.take()]
    assert len(warm.started) == 3 and len(warm.waiting) == 2
    taken += [warm.take(), warm.take()]
    assert taken == warm.started and len(set(map(id, taken))) == 3 and not warm.waiting
    warm.close()
    assert all(w.killed for w in warm.started)
    with pytest.raises(RuntimeError):
        warm.take()
    unused = classroom.WarmWorkers({"run": 1}, submissions=4, spares=2)
    unused.take()
    unused.close()           # the run stopped: the two warming are killed and reaped
    assert [w.killed and w.reaped for w in unused.waiting] == [True, True]


def test_grading_refuses_without_protection_unless_the_risk_is_accepted(tmp_path, monkeypatch, capsys):
    import autograder.cleanroom.runner as runner
    monkeypatch.setattr(runner, "sandbox_available", lambda: False)
    monkeypatch.setattr(runner.user, "tools_problem", lambda: "no unprivileged user either")
    root = hostile.build_class(tmp_path, [h for h in hostile.CORPUS if h.student in ("invalid-json", "model-solution")])
    assert main(["--course", str(root), "grade", ASSIGNMENT, "--quiet"]) == 2
    assert "refusing to grade" in capsys.readouterr().err and not (root / "reports").exists()
    assert main(["--course", str(root), "grade", ASSIGNMENT, "--quiet", "--accept-risk"]) == 1   # ungradable JSON
    assert "WARNING" in capsys.readouterr().err
    assert rows(root)["model-solution"]["score_after_penalty"] == "4"          # graded outside the sandbox, as accepted


def test_a_cpu_hog_does_not_cost_its_neighbour_points(tmp_path, data_root, sandbox):
    """Notebook 05's model solution graded beside a submission that keeps 30 processes busy
    for as long as it is graded. Each kernel's CPU is shared equally and its cells are timed
    in CPU seconds: the model keeps full marks. (Timed by wall clock without equal shares,
    its training cell, about 6 s of CPU, would take 15 times longer and be stopped: measured
    with the cpu controllers left out of cgroup.py.)"""
    from autograder.admin.classroom import grade_class
    from autograder.admin.course import copy_course
    from autograder.limits import Limits

    root = copy_course(tmp_path / "course")
    source = json.loads(notebook_path(root, "05-mnist").read_text())
    hog = json.loads(json.dumps(source))
    busy = ("import subprocess, sys\nbusy = [subprocess.Popen([sys.executable, '-c', 'while True: pass']) "
            "for _ in range(30)]")
    hog["cells"][:0] = [{"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None,
                         "source": code} for code in [busy] + ["import time\ntime.sleep(5)"] * 8]
    for student, notebook in (("model", source), ("hog", hog)):
        folder = root / "submitted" / student / "05-mnist"
        folder.mkdir(parents=True)
        (folder / "mnist.ipynb").write_text(json.dumps(notebook))
    with _no_autogroups():
        verdicts = {v.student: v for v in grade_class(root, "05-mnist", workers=2, limits=Limits(cell_seconds=10),
                                                      data_dir=str(data_root), progress=False)}
    model = verdicts["model"]
    assert model.graded and model.score == model.max_score, (model.notes, [e.lines for e in model.exercises])


@contextlib.contextmanager
def _no_autogroups():
    """Linux's session autogroups also share the CPU between sandboxes (each starts a
    session); Docker hosts and systemd services often run without them. Off for the test
    where it may be switched (as root), so the grader's own CPU shares are what is tested."""
    switch = pathlib.Path("/proc/sys/kernel/sched_autogroup_enabled")
    saved = switch.read_text() if switch.exists() and os.access(switch, os.W_OK) else None
    if saved is not None:
        switch.write_text("0")
    try:
        yield
    finally:
        if saved is not None:
            switch.write_text(saved)


def test_the_run_seed_is_printed_and_each_students_seed_recorded(tmp_path, capsys):
    root = hostile.build_class(tmp_path, [h for h in hostile.CORPUS if h.student in ("invalid-json", "empty-file")])
    seeds = []
    for run_seed in (7, 7, 8):
        main(["--course", str(root), "grade", ASSIGNMENT, "--quiet", "--seed", str(run_seed)])
        assert f"--seed {run_seed}" in capsys.readouterr().out
        seeds.append({student: row["seed"] for student, row in rows(root).items()})
    assert seeds[0] == seeds[1] and seeds[0] != seeds[2]
    assert seeds[0]["invalid-json"] != seeds[0]["empty-file"]


@contextlib.contextmanager
def _run_names(monkeypatch):
    """The names of the grading runs opened meanwhile in this process (another run on the
    same machine has run folders and groups of its own)."""
    from autograder.cleanroom import runner
    names, make = [], runner.tempfile.mkdtemp

    def recorded(*args, **kwargs):
        folder = make(*args, **kwargs)
        names.append(pathlib.Path(folder).name)
        return folder
    monkeypatch.setattr(runner.tempfile, "mkdtemp", recorded)
    yield names


def test_a_stopped_run_leaves_nothing_behind(tmp_path, sandbox):
    """SIGTERM (a scheduler's time limit, kill) mid-run: workers, kernels, folders and control
    groups all go."""
    import signal

    from autograder.cleanroom.runner import leftovers
    root = hostile.build_class(tmp_path, [h for h in hostile.CORPUS if h.student in ("endless-loop-top-level",
                                                                                       "model-solution")])
    before = leftovers()
    run = subprocess.Popen([sys.executable, "-m", "autograder", "--course", str(root), "grade", ASSIGNMENT,
                            "--quiet", "--workers", "2"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    started = []
    while not started:                 # a kernel of this run (the room it owns) has its socket folder
        assert time.monotonic() < deadline, "no kernel started"
        started = [f for f in leftovers() - before if list(pathlib.Path(f).glob("*/ipc-1"))
                   and _owner(pathlib.Path(f)) == run.pid]
        time.sleep(0.1)
    run.send_signal(signal.SIGTERM)
    assert run.wait(timeout=60) == 128 + signal.SIGTERM
    time.sleep(1)
    run_name = pathlib.Path(started[0]).name
    assert not [item for item in leftovers() if run_name in item]
    assert not [p for p in pathlib.Path("/proc").iterdir() if p.name.isdigit() and run_name.encode() in _cmdline(p)]


def _owner(room):
    """The pid of the process that opened a room (runner.OWNER), or None."""
    from autograder.cleanroom.runner import OWNER
    try:
        return int((room / OWNER).read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None


def _cmdline(proc):
    try:
        return (proc / "cmdline").read_bytes()
    except OSError:
        return b""


def test_only_this_users_abandoned_rooms_are_removed(tmp_path):
    """A folder in /tmp named like a room, whose owner file names a dead process, is removed
    only when it is this user's real folder: not another user's, not a link to elsewhere."""
    import tempfile

    from autograder.cleanroom.runner import OWNER, RUN_PREFIX, remove_abandoned_rooms
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                          text=True).stdout.strip()
    rooms = {}
    for kind in ("ours", "theirs", "link"):
        rooms[kind] = pathlib.Path(tempfile.mkdtemp(prefix=f"{RUN_PREFIX}test-{kind}-"))
        (rooms[kind] / OWNER).write_text(f"{dead} 1")
    target = tmp_path / "elsewhere"
    target.mkdir()
    (target / OWNER).write_text(f"{dead} 1")
    shutil.rmtree(rooms["link"])
    rooms["link"].symlink_to(target)
    if os.geteuid() == 0:
        os.chown(rooms["theirs"], 65534, 65534)
    try:
        removed = remove_abandoned_rooms()
        assert rooms["ours"].name in removed and not rooms["ours"].exists()
        assert rooms["link"].name not in removed and target.exists()
        if os.geteuid() == 0:
            assert rooms["theirs"].name not in removed and rooms["theirs"].exists()
    finally:
        for path in rooms.values():
            if path.is_symlink():
                path.unlink()
            else:
                shutil.rmtree(path, ignore_errors=True)


def test_an_abandoned_room_of_the_kernels_user_ends_what_that_user_left(tmp_path):
    """A grader killed while its kernel ran as a user of its own (no sandbox: user.py) leaves
    that uid's processes and files; the next run ends and removes them, and nothing of another
    kernel's uid."""
    import tempfile

    from autograder.cleanroom import user
    from autograder.cleanroom.runner import KERNEL_UID_FILE, OWNER, RUN_PREFIX, WRITABLE, remove_abandoned_rooms
    if os.geteuid() != 0:
        pytest.skip("only root runs a kernel as another user")
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                          text=True).stdout.strip()
    room = pathlib.Path(tempfile.mkdtemp(prefix=f"{RUN_PREFIX}test-user-"))
    (room / OWNER).write_text(f"{dead} 1")
    (room / WRITABLE).write_text(json.dumps(["/dev/shm"]))
    room.chmod(user.PASSABLE)
    left = pathlib.Path("/dev/shm") / f"left-by-a-kernel-{os.getpid()}"
    with user.KernelUser() as abandoned, user.KernelUser() as running:
        (room / "kernel").mkdir()
        (room / "kernel" / KERNEL_UID_FILE).write_text(str(abandoned.uid))
        daemon = subprocess.Popen(user.as_user(abandoned.uid) + ["sh", "-c", f"echo x > {left}; exec sleep 600"],
                                  start_new_session=True)
        neighbour = subprocess.Popen(user.as_user(running.uid) + ["sleep", "600"], start_new_session=True)
        try:
            deadline = time.monotonic() + 30
            while not left.exists() and time.monotonic() < deadline:
                time.sleep(0.05)
            assert daemon.pid in user.processes(abandoned.uid) and left.stat().st_uid == abandoned.uid
            assert room.name in remove_abandoned_rooms()
            assert daemon.wait(timeout=10) == -9 and not left.exists() and not room.exists()
            assert neighbour.poll() is None
        finally:
            for process in (daemon, neighbour):
                process.kill()
                process.wait()
            left.unlink(missing_ok=True)
            shutil.rmtree(room, ignore_errors=True)




# A stage of grading, told by the code the kernel is given at that stage.
STAGES = {"warm-up": ".warm(", "set-up": ".setup(", "a student cell": "def relu_forward",
          "a check": ".run_cases('pool_forward_naive'"}


@pytest.mark.parametrize("stage", STAGES, ids=list(STAGES))
def test_a_kill_at_any_stage_costs_an_honest_student_nothing(stage, monkeypatch, tmp_path):
    """The kernel is killed from outside (as the machine's OOM killer or an operator would)
    just as it is given the code of one stage; it is restarted where it was, and the model
    answer keeps full marks. (Killed in the grader's set-up, it once lost every check to "Bad
    file descriptor": the restart replayed the student's cells, not the set-up.)"""
    from autograder.cleanroom import kernel as kernel_module
    from autograder.cleanroom.runner import grade_submission
    execute, killed = kernel_module.SandboxKernel.execute, []

    def killed_first(self, code, cpu_seconds=None):
        if STAGES[stage] in code and not killed:
            killed.append(self.manager.provisioner.pid)
            os.kill(self.manager.provisioner.pid, signal.SIGKILL)
        return execute(self, code, cpu_seconds)
    monkeypatch.setattr(kernel_module.SandboxKernel, "execute", killed_first)
    notebook = tmp_path / hostile.NOTEBOOK
    shutil.copy(notebook_path(DEFAULT_ROOT, ASSIGNMENT), notebook)
    verdict = grade_submission(DEFAULT_ROOT, ASSIGNMENT, "killed", notebook)
    assert killed, f"the {stage} was never run"
    assert verdict.graded and verdict.score == verdict.max_score, (verdict.reason, verdict.notes)
    assert any("died" in note or "restarted" in note for note in verdict.notes), verdict.notes


def test_the_grading_worker_runs_under_a_memory_limit_of_its_own():
    """The worker decodes what the kernel sends: under a limit of its own, a decoding mistake
    costs that submission (the worker dies, its verdict says so), never the machine."""
    from autograder.admin.classroom import start_worker
    from autograder.cleanroom.runner import CleanRoom
    from autograder.limits import Limits
    limits = Limits(worker_memory_bytes=3 * 2**30)
    with CleanRoom(limits, require=False, quiet=True) as room:
        worker = start_worker({"course_root": str(DEFAULT_ROOT), "assignment": ASSIGNMENT, "data_dir": None,
                               "limits": dataclasses.asdict(limits), "room": room.as_job()})
        try:
            deadline, seen = time.monotonic() + 60, ""
            while time.monotonic() < deadline and f"{limits.worker_memory_bytes}" not in seen:
                seen = pathlib.Path(f"/proc/{worker.pid}/limits").read_text()
                time.sleep(0.01)
            assert re.search(rf"Max address space\s+{limits.worker_memory_bytes}\s", seen), seen
        finally:
            worker.kill()
            worker.communicate()

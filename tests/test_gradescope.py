"""The Gradescope autograder zip, run against a fake /autograder root, and built into a fresh
Debian root as Gradescope builds its image."""
import datetime
import json
import os
import pathlib
import re
import shutil
import socket
import subprocess
import sys
import zipfile

import pytest

from autograder.__main__ import main
from autograder.cleanroom import user
from autograder.admin.course import DEFAULT_ROOT, notebook_path
from autograder.proof import hostile
from autograder.verdict import GRADED, UNGRADABLE, ExerciseResult, Verdict

OTHER = "01-convolution"            # an assignment other than the bundle's (hostile.ASSIGNMENT, 02-pooling)


def test_run_autograder_grades_a_submission_in_a_fake_root(tmp_path):
    bundle = tmp_path / "autograder-02-pooling.zip"
    assert main(["gradescope", hostile.ASSIGNMENT, "--out", str(bundle)]) == 0
    root = tmp_path / "autograder"
    with zipfile.ZipFile(bundle) as z:
        names = z.namelist()
        z.extractall(root / "source")
    assert {"setup.sh", "run_autograder", "requirements.txt", "solutions/conv.py", "autograder/checks/pooling.py",
            "course/source/02-pooling/pooling.ipynb", "course/nbgrader_config.py"} <= set(names)
    # that assignment's checks and source alone, and no bank of answers
    assert [n for n in names if n.startswith("course/source/")] == ["course/source/02-pooling/pooling.ipynb"]
    assert not {n for n in names if n.startswith("autograder/proof/")}
    assert not {"autograder/checks/convolution.py", "autograder/checks/backprop.py"} & set(names)
    (root / "submission").mkdir()
    solved = json.loads(notebook_path(DEFAULT_ROOT, hostile.ASSIGNMENT).read_text())
    _, slipped = hostile.relu_returns("np.abs(x)")(solved, "", "")      # a student's slip in relu_forward
    (root / "submission" / hostile.NOTEBOOK).write_bytes(slipped)

    env = dict(os.environ, AUTOGRADER_ROOT=str(root),
               PATH=f"{pathlib.Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
    script = root / "source" / "run_autograder"
    subprocess.run(["bash", str(script)], env=env, check=True, capture_output=True, timeout=300)
    results = json.loads((root / "results" / "results.json").read_text())
    scores = {test["name"]: (test["score"], test["max_score"], test["status"]) for test in results["tests"]}
    assert scores == {"pool_forward_naive": (3.0, 3.0, "passed"), "relu_forward": (0.0, 1.0, "failed")}
    assert results["score"] == 3.0
    assert "hint:" in next(t["output"] for t in results["tests"] if t["name"] == "relu_forward")
    assert "BEGIN HIDDEN TESTS" not in json.dumps(results)


def test_the_bundle_is_named_after_its_assignment(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["gradescope", OTHER]) == 0 and (tmp_path / f"autograder-{OTHER}.zip").is_file()
    assert main(["gradescope", "no-such-assignment"]) == 2


def submitted(tmp_path, files):
    """Grade a submission folder holding {file name: bytes} for 02-pooling (no bundle: the
    course's own folder): (the verdict, results.json as a dict, all its text)."""
    from autograder.admin.gradescope import grade_in_container
    folder = tmp_path / "submission"
    folder.mkdir()
    for name, data in files.items():
        (folder / name).write_bytes(data)
    verdict = grade_in_container(folder, tmp_path / "results.json", assignment=hostile.ASSIGNMENT)
    text = (tmp_path / "results.json").read_text()
    return verdict, json.loads(text), text


def solved(assignment):
    return notebook_path(DEFAULT_ROOT, assignment).read_bytes()


def test_nothing_submitted_is_a_clear_zero(tmp_path):
    verdict, results, _ = submitted(tmp_path, {})
    assert results["score"] == 0 and "the submission holds no notebook: upload pooling.ipynb" in results["output"]
    assert not verdict.graded


def test_another_assignments_notebook_is_not_graded_and_the_student_is_told_which_file(tmp_path):
    verdict, results, _ = submitted(tmp_path, {"convolution.ipynb": solved(OTHER)})     # solved, but not 02
    assert not verdict.graded and results["score"] == 0
    assert ("this assignment grades pooling.ipynb, and the submission holds convolution.ipynb instead"
            in results["output"])


def test_several_notebooks_are_not_graded_and_the_student_is_told_which_file(tmp_path):
    verdict, results, _ = submitted(tmp_path, {"pooling.ipynb": solved(hostile.ASSIGNMENT),
                                               "convolution.ipynb": solved(OTHER)})
    assert not verdict.graded and results["score"] == 0
    assert ("grades pooling.ipynb alone, and the submission holds 2 notebooks (convolution.ipynb, pooling.ipynb): "
            "upload pooling.ipynb and no other notebook") in results["output"]


def full_marks(monkeypatch):
    """grade_submission stubbed to give every exercise of 02-pooling its points."""
    from autograder.checks import NOTEBOOKS
    from autograder.cleanroom import runner
    monkeypatch.setattr(runner, "grade_submission", lambda course, assignment, student, notebook, **kw: Verdict(
        student, assignment, "pooling", GRADED, [ExerciseResult(c.name, c.points, c.points)
                                                 for c in NOTEBOOKS[assignment]]))


DUE = datetime.datetime(2027, 1, 15, 17, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=-8)))


def metadata(tmp_path, late_by, extension=None):
    """Gradescope's submission_metadata.json for a submission late_by after DUE (and a user's
    own due date, extension after DUE, when given)."""
    user = {"id": 101, "email": "s@x", "name": "S"}
    if extension is not None:
        user["assignment"] = {"due_date": (DUE + extension).isoformat()}
    (tmp_path / "submission_metadata.json").write_text(json.dumps({
        "created_at": (DUE + late_by).isoformat(), "assignment": {"due_date": DUE.isoformat(), "title": "02"},
        "users": [user]}))


def test_a_late_submission_loses_the_courses_penalty_and_results_say_so(tmp_path, monkeypatch):
    full_marks(monkeypatch)
    metadata(tmp_path, datetime.timedelta(hours=40.5))            # two started days: 2 points, per_day
    verdict, results, _ = submitted(tmp_path, {"pooling.ipynb": solved(hostile.ASSIGNMENT)})
    assert (verdict.raw_score, verdict.late_penalty, verdict.score) == (4.0, 2.0, 2.0)
    assert results["score"] == 2.0 == sum(t["score"] for t in results["tests"])
    [penalty] = [t for t in results["tests"] if t["name"] == "late penalty"]
    assert penalty["score"] == -2.0 and penalty["max_score"] == 0
    assert "Late: submitted 40.5 hours after the due date: late penalty 2 points" in results["output"]


def test_a_students_extension_in_the_metadata_is_on_time(tmp_path, monkeypatch):
    full_marks(monkeypatch)
    metadata(tmp_path, datetime.timedelta(hours=40.5), extension=datetime.timedelta(days=3))
    verdict, results, _ = submitted(tmp_path, {"pooling.ipynb": solved(hostile.ASSIGNMENT)})
    assert verdict.score == 4.0 == results["score"] and "Late" not in results["output"]
    assert [t["name"] for t in results["tests"]] == ["pool_forward_naive", "relu_forward"]


@pytest.mark.parametrize("written", [None, "not json", {"created_at": "yesterday", "assignment": {"due_date": "x"}},
                                     {"assignment": {"due_date": DUE.isoformat()}}])
def test_metadata_without_a_readable_time_applies_no_penalty_and_says_so(tmp_path, monkeypatch, written):
    full_marks(monkeypatch)
    if written is not None:
        (tmp_path / "submission_metadata.json").write_text(written if isinstance(written, str) else json.dumps(written))
    verdict, results, _ = submitted(tmp_path, {"pooling.ipynb": solved(hostile.ASSIGNMENT)})
    assert verdict.score == 4.0 == results["score"] and verdict.late_penalty == 0
    assert "no late penalty was applied" in results["output"] and "Late:" not in results["output"]


def test_an_assignment_without_a_due_date_is_on_time_without_a_note(tmp_path, monkeypatch):
    full_marks(monkeypatch)
    (tmp_path / "submission_metadata.json").write_text(json.dumps({
        "created_at": DUE.isoformat(), "assignment": {"due_date": None}, "users": [{"id": 7}]}))
    verdict, results, _ = submitted(tmp_path, {"pooling.ipynb": solved(hostile.ASSIGNMENT)})
    assert verdict.score == 4.0 and "Note:" not in results["output"]


def test_an_unprotected_container_fails_the_run_and_tells_the_student_nothing_more(tmp_path, monkeypatch, capsys):
    from autograder.cleanroom import runner

    def refuse(*args, **kwargs):
        raise runner.Unprotected(f"refusing to grade: the kernel's user can read {DEFAULT_ROOT}/solutions; "
                                 "pass --accept-risk to grade anyway")
    monkeypatch.setattr(runner, "CleanRoom", refuse)
    (tmp_path / "submission").mkdir()
    (tmp_path / "submission" / "pooling.ipynb").write_bytes(solved(hostile.ASSIGNMENT))
    status = main(["gradescope-run", str(tmp_path / "submission"), str(tmp_path / "results.json"),
                   "--assignment", hostile.ASSIGNMENT])
    assert status == 1                                   # Gradescope reports an autograder error
    assert f"{DEFAULT_ROOT}/solutions" in capsys.readouterr().err      # the instructor's log says why
    text = (tmp_path / "results.json").read_text()
    results = json.loads(text)
    assert results["score"] == 0 and "grading could not run" in results["output"]
    assert "Your instructor has been told" in results["output"]
    assert not re.search(r"/\w", text) and "--accept-risk" not in text and "accept" not in text


# A Gradescope-like image: a fresh Debian root (debootstrap, minbase: no Python at all), the
# bundle unpacked in /autograder/source, setup.sh then run_autograder run from copies in
# /autograder, as root, in a chroot. A chroot has no user namespaces (the kernel refuses them
# to a chrooted process) and bubblewrap cannot pivot its root there: like Gradescope's
# containers, no sandbox can start, and the kernel must run as the unprivileged user who
# cannot read the bundle, or not at all.
MIRROR = "http://deb.debian.org/debian"
HOST_CA = "/etc/ssl/certs/ca-certificates.crt"
IMAGE_SECONDS = 2400        # a bound on building the image (downloads), never an assertion of speed
SOURCE = "/autograder/source"
LEFT_BEHIND = ("/tmp/left-behind", "/var/tmp/left-behind", "/dev/shm/left-behind", "/run/lock/left-behind")


@pytest.fixture(scope="module")
def image(tmp_path_factory):
    """A fresh Debian 12 root with the bundle unpacked, after setup.sh ran in it: (root, setup's result)."""
    missing = [what for what, ok in [("root", os.geteuid() == 0), ("debootstrap (make debootstrap)",
                                                                    shutil.which("debootstrap"))] if not ok]
    if missing:
        (pytest.fail if os.environ.get("CI") else pytest.skip)(f"the image test needs {' and '.join(missing)}")
    root = tmp_path_factory.mktemp("image") / "root"
    subprocess.run(["debootstrap", "--variant=minbase", "bookworm", str(root), MIRROR], check=True,
                   capture_output=True, timeout=IMAGE_SECONDS)
    shutil.copy("/etc/resolv.conf", root / "etc" / "resolv.conf")
    # This machine reaches PyPI through a proxy whose certificate authority the host trusts:
    # the image gets the host's bundle for pip (Gradescope's network needs none).
    shutil.copy(HOST_CA, root / "etc" / "host-ca.crt")
    subprocess.run(["mount", "-t", "proc", "proc", str(root / "proc")], check=True)
    subprocess.run(["mount", "--rbind", "/dev", str(root / "dev")], check=True)
    try:
        bundle = tmp_path_factory.mktemp("bundle") / f"autograder-{hostile.ASSIGNMENT}.zip"
        assert main(["gradescope", hostile.ASSIGNMENT, "--out", str(bundle)]) == 0
        source = root / SOURCE.lstrip("/")
        with zipfile.ZipFile(bundle) as z:
            z.extractall(source)
        for script in ("setup.sh", "run_autograder"):
            shutil.copy(source / script, root / "autograder" / script)
            (root / "autograder" / script).chmod(0o755)
        from coursekit.data import data_dir
        shutil.copytree(data_dir() / "mnist", source / "data" / "mnist")     # what setup.sh would download
        (root / "autograder" / "submission").mkdir()
        yield root, in_image(root, "/autograder/setup.sh")
    finally:
        subprocess.run(["umount", "-R", "-l", str(root / "dev")])
        subprocess.run(["umount", "-l", str(root / "proc")])


def in_image(root, command, timeout=IMAGE_SECONDS):
    env = {"PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "HOME": "/root",
           "LANG": "C.UTF-8", "PIP_CERT": "/etc/host-ca.crt"}
    return subprocess.run(["chroot", str(root), "/bin/bash", "-c", command], env=env, capture_output=True,
                          text=True, timeout=timeout)


@pytest.fixture(scope="module")
def built(image):
    root, setup = image
    assert setup.returncode == 0, setup.stderr[-3000:]
    return root


def test_setup_builds_the_image_from_a_root_without_python(image):
    root, setup = image
    assert setup.returncode == 0, setup.stderr[-3000:]
    assert "installing python3.11" in setup.stderr and "ready, Python 3.11" in setup.stdout
    assert in_image(root, "bwrap --version").returncode == 0
    assert in_image(root, "/autograder/venv/bin/python -c 'import nbgrader, coursekit'").returncode == 0
    assert (root / SOURCE.lstrip("/")).stat().st_mode & 0o777 == 0o700


def grade_in_image(root, notebook):
    """Run run_autograder on one submitted notebook: (its results.json, run_autograder's stderr)."""
    submission = root / "autograder" / "submission"
    shutil.rmtree(submission)
    submission.mkdir()
    (submission / hostile.NOTEBOOK).write_bytes(notebook)
    run = in_image(root, "/autograder/run_autograder", timeout=600)
    assert run.returncode == 0, run.stderr[-3000:]
    return json.loads((root / "autograder" / "results" / "results.json").read_text()), run.stderr


def verdict_of(results):
    """(status, {exercise: points}, every word the student reads) of a results.json."""
    status = GRADED if results["output"].startswith("Graded:") else UNGRADABLE
    text = "\n".join([results["output"], *(t["output"] for t in results["tests"])])
    return status, {t["name"]: t["score"] for t in results["tests"]}, text


# What a submission might try where its kernel runs on the container's own file system.
ATTACKS = [
    hostile.Hostile("model-solution", hostile.CORPUS[0].build, hostile.FULL),
    hostile.Hostile("imports-the-bundle", hostile.edited(hostile.RELU, lambda s, course: (
        f"import sys\nsys.path.insert(0, {SOURCE!r})\nimport solutions\n"
        "def relu_forward(x):\n    return solutions.relu_forward(x)\n")), hostile.NO_RELU,
        ("No module named 'solutions'",)),
    hostile.Hostile("reads-the-answers", hostile.relu_cell(f"open({SOURCE!r} + '/solutions/__init__.py').read()"),
                    hostile.NO_RELU, ("PermissionError",)),
    hostile.Hostile("reads-the-checks", hostile.relu_cell(
        f"open({SOURCE!r} + '/autograder/checks/pooling.py').read()"), hostile.NO_RELU, ("PermissionError",)),
    hostile.Hostile("lists-the-bundle", hostile.relu_cell(f"import os\nos.listdir({SOURCE!r})"), hostile.NO_RELU,
                    ("PermissionError",)),
    hostile.Hostile("reads-the-test-digits", hostile.relu_cell(
        "import os\nopen(os.environ['COURSE_DATA_DIR'] + '/mnist/t10k-labels-idx1-ubyte.gz').read()"),
        hostile.NO_RELU, ("FileNotFoundError",)),
    hostile.Hostile("writes-its-result", hostile.relu_cell(
        "open('/autograder/results/results.json', 'w').write('full marks')"), hostile.NO_RELU,
        ("PermissionError",)),
    hostile.Hostile("kills-the-grader", hostile.relu_cell("import os\nos.kill(os.getppid(), 9)"), hostile.NO_RELU,
                    ("PermissionError",)),
    hostile.Hostile("becomes-root", hostile.relu_cell("import os\nos.setuid(0)"), hostile.NO_RELU,
                    ("Operation not permitted",)),
    hostile.Hostile("leaves-a-daemon", hostile.relu_cell(
        "import subprocess\nsubprocess.Popen(['sleep', '600'], start_new_session=True)\n"
        f"for path in {LEFT_BEHIND!r}:\n    try:\n        open(path, 'w').write('for the next student')\n"
        "    except OSError:\n        pass"), hostile.FULL),
    hostile.Hostile("fork-bomb", hostile.CORPUS[[h.student for h in hostile.CORPUS].index("fork-bomb")].build,
                    hostile.FULL),
]


def test_the_kernel_runs_as_a_user_who_cannot_read_the_answers(built):
    source = json.loads(notebook_path(DEFAULT_ROOT, hostile.ASSIGNMENT).read_text())
    problems = {}
    listener = socket.create_server(("127.0.0.1", 0))       # the chroot shares this machine's network
    listener.settimeout(0.5)
    reaches = hostile.Hostile("reaches-a-listener", hostile.relu_cell(
        f"import socket\nsocket.create_connection(('127.0.0.1', {listener.getsockname()[1]}), timeout=5)"),
        hostile.NO_RELU, ("Network is unreachable",))
    for attack in ATTACKS + [reaches]:       # none of them starts from the released notebook
        _, notebook = attack.build(source, None, "/autograder/course")
        results, stderr = grade_in_image(built, notebook)
        problem = hostile.mismatch(attack, *verdict_of(results))
        if attack.student == "model-solution":
            assert "each kernel runs as a uid of its own instead" in stderr
        left = user.processes(user.UIDS) + [p for p in LEFT_BEHIND if (built / p.lstrip("/")).exists()
                                          or pathlib.Path(p).exists()]
        if problem or left:
            problems[attack.student] = (problem, left)
        assert all("BEGIN HIDDEN TESTS" not in t["output"] for t in results["tests"])
    with pytest.raises(socket.timeout):
        listener.accept()
    listener.close()
    assert problems == {}


def test_where_the_kernel_user_could_read_the_answers_nothing_is_graded(built):
    submission = built / "autograder" / "submission"
    shutil.rmtree(submission)
    submission.mkdir()
    shutil.copy(notebook_path(DEFAULT_ROOT, hostile.ASSIGNMENT), submission)
    run = in_image(built, f"chmod 755 {SOURCE} && cd {SOURCE} && PYTHONPATH=. /autograder/venv/bin/python -m "
                          f"autograder --course course gradescope-run /autograder/submission /tmp/results.json")
    in_image(built, f"chmod 700 {SOURCE}")
    assert run.returncode == 1, run.stderr[-3000:]           # Gradescope reports an autograder error
    assert "bubblewrap cannot start a sandbox here" in run.stderr          # to the instructor, with why
    assert "the kernel's user can read" in run.stderr and f"{SOURCE}/autograder" in run.stderr
    text = (built / "tmp" / "results.json").read_text()
    results = json.loads(text)
    assert results["score"] == 0 and "grading could not run" in results["output"]
    assert not re.search(r"/\w", text) and "accept" not in text         # no path, no instructor's option
    assert [t["score"] for t in results["tests"]] == [0, 0] and results["execution_time"] >= 0


def test_each_student_is_graded_on_hidden_inputs_of_their_own(tmp_path, monkeypatch):
    """Gradescope grades with the seed of the student who submits (their id in Gradescope's
    submission_metadata.json, with the bundle's own seed), as grade does: not everyone on
    the same inputs, where one student's table of them would pass another's."""
    from autograder.admin import gradescope
    from autograder.cleanroom import runner
    seeds = []
    monkeypatch.setattr(runner, "grade_submission", lambda *args, seed=0, **kwargs: seeds.append(seed) or
                        runner.ungradable("submission", hostile.ASSIGNMENT, "pooling", "not graded here", seed))
    (tmp_path / "course").mkdir()
    shutil.copytree(DEFAULT_ROOT / "source", tmp_path / "course" / "source")
    (tmp_path / "course" / gradescope.SEED_FILE).write_text("12345")
    (tmp_path / "submission").mkdir()
    shutil.copy(notebook_path(DEFAULT_ROOT, hostile.ASSIGNMENT), tmp_path / "submission")
    for user_id in (101, 202, 101):
        (tmp_path / gradescope.METADATA).write_text(json.dumps({"users": [{"id": user_id, "email": "s@x"}]}))
        gradescope.grade_in_container(tmp_path / "submission", tmp_path / "results.json", tmp_path / "course",
                                      assignment=hostile.ASSIGNMENT)
    assert seeds == [runner.student_seed(12345, "101"), runner.student_seed(12345, "202"),
                     runner.student_seed(12345, "101")]
    assert seeds[0] != seeds[1]
    bundles = [gradescope.make_zip(tmp_path / f"{i}.zip", hostile.ASSIGNMENT) for i in range(2)]
    drawn = [zipfile.ZipFile(b).read(f"course/{gradescope.SEED_FILE}") for b in bundles]
    assert drawn[0] != drawn[1]

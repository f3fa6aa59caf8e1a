"""The grading runner end to end: real kernels in the sandbox, real nbgrader, real files.

A small class for notebook 02 holds the model solution, the untouched release, and
submissions that are mangled, hostile or broken. Each must end with the expected
verdict and reason, and never change anyone else's grade.
"""
import csv
import json
import os
import pathlib
import shutil
import subprocess
import sys

import pytest

from autograder.__main__ import main
from autograder.course import DEFAULT_ROOT, nbgrader_api, notebook_path
from autograder.kernel import sandbox_available

ASSIGNMENT = "02-pooling"
FULL = {"pool_forward_naive": 3.0, "relu_forward": 1.0}


def edit(nb, grade_id, change):
    """A copy of nb with change(source) applied to the cell grade_id."""
    nb = json.loads(json.dumps(nb))
    for cell in nb["cells"]:
        if cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") == grade_id:
            cell["source"] = change("".join(cell["source"]))
    return nb


def without(nb, grade_id):
    return dict(nb, cells=[c for c in nb["cells"]
                           if c.get("metadata", {}).get("nbgrader", {}).get("grade_id") != grade_id])


RELU = "relu_forward_solution"
POOL = "pool_forward_naive_solution"


def class_of(source, release):
    """student -> (file name, file content, expected scores or None for ungradable, reason words)."""
    name = "pooling.ipynb"
    as_text = json.dumps
    return {
        "model-solution": (name, as_text(source), FULL, []),
        "untouched-release": (name, release, {"pool_forward_naive": 0.0, "relu_forward": 0.0}, []),
        "invalid-json": (name, as_text(source)[:500], None, ["not valid JSON"]),
        "empty-file": (name, "", None, ["empty"]),
        "binary-file": (name, b"\x89PNG\x00\xff\xfe".decode("latin-1"), None, []),
        "no-notebook": ("notes.txt", "I ran out of time", None, ["no notebook submitted"]),
        "wrong-name": ("my_pooling.ipynb", as_text(source), FULL, ["graded my_pooling.ipynb"]),
        "deleted-cell": (name, as_text(without(source, RELU)), {**FULL, "relu_forward": 0.0},
                         ["relu_forward_solution is missing"]),
        "stripped-metadata": (name, as_text(dict(source, cells=[dict(c, metadata={}) for c in source["cells"]])),
                              FULL, ["lost its nbgrader metadata"]),
        "endless-loop": (name, as_text(edit(source, POOL, lambda s: "while True:\n    pass\n" + s)),
                         {**FULL, "pool_forward_naive": 0.0}, ["endless loop"]),
        "swallows-interrupt": (name, as_text(edit(source, POOL, lambda s: (
            "while True:\n    try:\n        while True:\n            pass\n    except KeyboardInterrupt:\n"
            "        pass\n") + s)), {**FULL, "pool_forward_naive": 0.0}, ["kernel was stopped"]),
        "kernel-exits": (name, as_text(edit(source, RELU, lambda s: "import os\nos._exit(1)\n" + s)),
                         {**FULL, "relu_forward": 0.0}, ["kernel died"]),
        "imports-solutions": (name, as_text(edit(source, RELU, lambda s: (
            "import solutions\ndef relu_forward(x):\n    return solutions.relu_forward(x)\n"))),
            {**FULL, "relu_forward": 0.0}, []),
        "reads-the-course": (name, as_text(edit(source, RELU, lambda s: (
            f"open({str(DEFAULT_ROOT / 'source' / ASSIGNMENT / name)!r}).read()\n" + s))),
            {**FULL, "relu_forward": 0.0}, []),
        "patches-numpy": (name, as_text(edit(source, RELU, lambda s: (
            "np.allclose = lambda *a, **k: True\nnp.testing.assert_allclose = lambda *a, **k: None\n"
            "def relu_forward(x):\n    return np.abs(x), (x,)\n"))), {**FULL, "relu_forward": 0.0}, []),
        "prints-a-lot": (name, as_text(edit(source, RELU, lambda s: (
            "import sys\nprint('x' * 5_000_000)\nprint('noise', file=sys.stderr)\n" + s))), FULL,
            ["only the first"]),
    }


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """The class, graded once through the command line: (course root, exit status)."""
    if not sandbox_available() and os.environ.get("CI"):
        pytest.fail("bubblewrap is missing: `make sandbox` installs it")
    root = tmp_path_factory.mktemp("class") / "course"
    shutil.copytree(DEFAULT_ROOT, root, ignore=shutil.ignore_patterns(
        "release", "submitted", "autograded", "feedback", "reports", "gradebook.db"))
    assert nbgrader_api(root).generate_assignment(ASSIGNMENT)["success"]
    source = json.loads(notebook_path(root, ASSIGNMENT).read_text())
    release = (root / "release" / ASSIGNMENT / "pooling.ipynb").read_text()
    students = class_of(source, release)
    for student, (name, content, _, _) in students.items():
        folder = root / "submitted" / student / ASSIGNMENT
        folder.mkdir(parents=True)
        (folder / name).write_text(content, encoding="latin-1" if student == "binary-file" else "utf-8")
    status = main(["--course", str(root), "grade", ASSIGNMENT, "--workers", "2", "--cell-timeout", "8",
                   "--quiet"])
    return root, status, students


def rows(root):
    with open(root / "reports" / ASSIGNMENT / "grades.csv") as f:
        return {row["student_id"]: row for row in csv.DictReader(f)}


def test_every_submission_gets_its_expected_verdict(graded):
    root, status, students = graded
    table = rows(root)
    assert set(table) == set(students)
    for student, (_, _, expected, words) in students.items():
        row = table[student]
        if expected is None:
            assert row["status"].startswith("ungradable: "), student
            assert all(float(row[name]) == 0.0 for name in FULL)
        else:
            assert row["status"] == "graded", (student, row["status"])
            assert {name: float(row[name]) for name in FULL} == expected, student
        feedback = (root / "feedback" / student / ASSIGNMENT / "pooling.html").read_text()
        for word in words:
            assert word in feedback or word in row["status"], (student, word)
    assert status == 1                        # some submissions were ungradable, each named


def test_reports_and_feedback_never_show_hidden_tests(graded):
    root, _, students = graded
    for student in students:
        page = (root / "feedback" / student / ASSIGNMENT / "pooling.html").read_text()
        for hidden in ("BEGIN HIDDEN TESTS", "from autograder", "grade(&quot;"):
            assert hidden not in page
        results = json.loads((root / "reports" / ASSIGNMENT / "gradescope" / student / "results.json").read_text())
        assert results["score"] == float(rows(root)[student]["score"])
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
    broken.write_text(json.dumps(edit(json.loads(solved.read_text()), RELU,
                                      lambda s: s.replace("np.maximum(x, 0)", "np.abs(x)"))))
    assert main(["check", str(broken)]) == 1
    out = capsys.readouterr().out
    assert "relu_forward: 0 / 1" in out and "hint:" in out
    assert main(["check", str(tmp_path / "missing.ipynb")]) == 2

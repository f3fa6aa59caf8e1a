"""The grading runner end to end through the command line: real kernels in the sandbox,
real nbgrader, real files.

A small class for notebook 02, taken from the hostile corpus of `make prove`
(autograder/proof/hostile.py, where every other hostile submission is graded): the
model solution, the untouched release, and a few mangled or broken submissions.
Each must end with its expected verdict and reason, and reach the reports, the
feedback (without hidden tests) and nbgrader's gradebook.
"""
import csv
import html
import json
import os
import pathlib
import subprocess
import sys

import pytest

from autograder.__main__ import main
from autograder.course import DEFAULT_ROOT, notebook_path
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
    _, content = hostile.relu_returns("np.abs(x)")(json.loads(solved.read_text()), "", "")
    broken.write_bytes(content)
    assert main(["check", str(broken)]) == 1
    out = capsys.readouterr().out
    assert "relu_forward: 0 / 1" in out and "hint:" in out
    assert main(["check", str(tmp_path / "missing.ipynb")]) == 2

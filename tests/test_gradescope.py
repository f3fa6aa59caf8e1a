"""The Gradescope autograder zip, run against a fake /autograder root."""
import json
import os
import pathlib
import subprocess
import sys
import zipfile

from autograder.__main__ import main
from autograder.admin.course import DEFAULT_ROOT, notebook_path
from autograder.proof import hostile


def test_run_autograder_grades_a_submission_in_a_fake_root(tmp_path):
    bundle = tmp_path / "autograder.zip"
    assert main(["gradescope", "--out", str(bundle)]) == 0
    root = tmp_path / "autograder"
    with zipfile.ZipFile(bundle) as z:
        names = z.namelist()
        z.extractall(root / "source")
    assert {"setup.sh", "run_autograder", "requirements.txt", "solutions/conv.py",
            "course/source/02-pooling/pooling.ipynb"} <= set(names)
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


def test_nothing_submitted_is_a_clear_zero(tmp_path):
    from autograder.admin.gradescope import grade_in_container
    (tmp_path / "submission").mkdir()
    verdict = grade_in_container(tmp_path / "submission", tmp_path / "results.json")
    results = json.loads((tmp_path / "results.json").read_text())
    assert results["score"] == 0 and "no course notebook was submitted" in results["output"]
    assert not verdict.graded

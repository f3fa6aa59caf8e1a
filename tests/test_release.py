"""The release: notebooks 03-05 give earlier notebooks' answers in given cells (so they run),
and releasing one of them before those notebooks says so."""
import subprocess
import sys

from autograder.__main__ import main
from autograder.admin.course import DEFAULT_ROOT, answers_given, copy_course


def test_the_notebooks_that_give_earlier_answers_are_known():
    assert answers_given(DEFAULT_ROOT, "01-convolution") == {}
    given = answers_given(DEFAULT_ROOT, "03-backprop")
    assert set(given) == {"01-convolution", "02-pooling"} and "conv_forward_naive" in given["01-convolution"]


def test_releasing_out_of_order_warns_and_in_order_does_not(tmp_path, capsys):
    root = copy_course(tmp_path / "course")
    assert main(["--course", str(root), "release", "03-backprop"]) == 0
    warning = capsys.readouterr().err
    assert "warning: 03-backprop gives the answers of 01-convolution" in warning and "02-pooling" in warning
    assert main(["--course", str(root), "release", "01-convolution", "02-pooling", "03-backprop"]) == 0
    assert "warning" not in capsys.readouterr().err


def _alone(tmp_path, nb, name):
    """nb saved alone in an empty folder: nothing beside it (no public_cases.bin)."""
    import nbformat
    folder = tmp_path / name
    folder.mkdir()
    path = folder / "convolution.ipynb"
    nbformat.write(nb, path)
    assert [p.name for p in folder.iterdir()] == ["convolution.ipynb"]
    return path


def test_a_released_notebook_copied_alone_validates_the_model_answer_and_fails_a_stub(tmp_path):
    """The public cases travel inside the released notebook: copied alone into an empty folder,
    it validates (nbgrader's Validator, what Validate runs) with the model answers, and fails
    every exercise's visible tests with the stubs, not for want of a file."""
    import nbformat
    from nbgrader.validator import Validator

    from autograder.admin.classbuilder import released_notebook
    from autograder.admin.course import notebook_path
    from autograder.checks import NOTEBOOKS

    assignment = "01-convolution"
    root = copy_course(tmp_path / "course", release=[assignment])
    release = nbformat.read(released_notebook(root, assignment), as_version=4)
    solved = nbformat.read(notebook_path(root, assignment), as_version=4)
    answers = {c.id: c.source for c in solved.cells if c.metadata.get("nbgrader", {}).get("solution")}
    assert "public_cases.bin" not in release.cells[0].source
    stub = _alone(tmp_path, release, "stub")
    for cell in release.cells:
        if cell.id in answers:
            cell.source = answers[cell.id]
    model = _alone(tmp_path, release, "model")

    assert Validator().validate(str(model)) == {}
    failed = Validator().validate(str(stub))["failed"]
    names = sorted(f["source"].split('visible_tests("')[1].split('"')[0] for f in failed)
    assert names == sorted(c.name for c in NOTEBOOKS[assignment])
    assert all("not implemented yet" in f["raw_error"] for f in failed), failed
    for path, graded in ((model, 0), (stub, 1)):       # and graded alone: full marks, or not
        run = subprocess.run([sys.executable, "-m", "autograder", "check", str(path)], capture_output=True,
                             text=True, timeout=600)
        assert run.returncode == graded, run.stdout + run.stderr

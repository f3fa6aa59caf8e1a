"""The release to a class: notebooks 03-05 give earlier notebooks' answers in given cells (so
they run), so each is released only once those assignments' due dates (the gradebook's, the
latest extension included) have passed; each release writes that assignment's kit alone, and
no kit holds a line of an answer still due. The self-study release is the whole course."""
import datetime
import json
import subprocess
import sys
import zipfile

import pytest

from autograder.__main__ import main
from autograder.admin.course import DEFAULT_ROOT, answers_given, assignments, copy_course, gradebook, notebook_path
from autograder.admin.kit import SELF_STUDY, kit_name
from model_answers import every_text, secret_lines, solution_and_given

NOW = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)
PAST, FUTURE = NOW - datetime.timedelta(days=2), NOW + datetime.timedelta(days=2)
# due dates per assignment (None: none in the gradebook): unset, and a class half-way through
SCHEDULES = {
    "unset": {},
    "half-way": {"01-convolution": PAST, "02-pooling": PAST, "03-backprop": FUTURE, "04-vectorization": FUTURE},
}


def test_the_notebooks_that_give_earlier_answers_are_known():
    assert answers_given(DEFAULT_ROOT, "01-convolution") == {}
    given = answers_given(DEFAULT_ROOT, "03-backprop")
    assert set(given) == {"01-convolution", "02-pooling"} and "conv_forward_naive" in given["01-convolution"]


def set_due_dates(root, due):
    """Put each {assignment: due date} in the course's gradebook."""
    with gradebook(root) as book:
        for assignment, when in due.items():
            book.update_or_create_assignment(assignment, duedate=when)


def release(root, *args):
    return main(["--course", str(root), "release", *args])


def test_a_notebook_that_shows_answers_still_due_is_refused_and_names_them(tmp_path, capsys):
    root = copy_course(tmp_path / "course")
    assert release(root, "03-backprop") == 1
    said = capsys.readouterr().err
    assert "refusing to release 03-backprop" in said and "--before-deadlines" in said
    assert "01-convolution (conv_forward_naive" in said and "02-pooling (" in said and "no due date" in said
    assert not (root / "release" / "03-backprop").exists() and not (root / "release" / "03-backprop-kit.zip").exists()

    set_due_dates(root, {"01-convolution": PAST, "02-pooling": FUTURE})
    assert release(root, "03-backprop") == 1
    said = capsys.readouterr().err
    assert "02-pooling" in said and f"due {FUTURE:%Y-%m-%d %H:%M:%S} UTC" in said and "01-convolution" not in said

    # every due date past, but one student's extension runs past now: still due for that student
    set_due_dates(root, {"02-pooling": PAST})
    with gradebook(root) as book:
        book.update_or_create_student("late-one")
        book.add_submission("02-pooling", "late-one")
        book.grant_extension("02-pooling", "late-one", days=4)
    assert release(root, "03-backprop") == 1
    assert f"due {PAST + datetime.timedelta(days=4):%Y-%m-%d %H:%M:%S} UTC" in capsys.readouterr().err

    with gradebook(root) as book:
        book.grant_extension("02-pooling", "late-one")           # no extension: every due date is past
    assert release(root, "03-backprop") == 0
    assert (root / "release" / f"{kit_name('03-backprop')}.zip").is_file()


def test_before_deadlines_releases_anyway_and_says_so(tmp_path, capsys):
    root = copy_course(tmp_path / "course")
    assert release(root, "03-backprop", "--before-deadlines") == 0
    assert "shows the answers of 01-convolution, 02-pooling: --before-deadlines" in capsys.readouterr().out


def kit_texts(path):
    """every_text of a kit zip, unpacked beside it."""
    folder = path.with_suffix("")
    with zipfile.ZipFile(path) as z:
        z.extractall(folder)
    return every_text(folder)


@pytest.mark.parametrize("schedule", SCHEDULES)
def test_no_kit_holds_a_line_of_an_answer_still_due(tmp_path, schedule):
    root = copy_course(tmp_path / "course")
    due = SCHEDULES[schedule]
    set_due_dates(root, due)
    still_due = [a for a in assignments(root) if due.get(a) is None or due[a] > NOW]
    notebooks = {a: solution_and_given(json.loads(notebook_path(root, a).read_text())) for a in assignments(root)}
    # what a class may see: the notebooks that show no earlier answer, the answers no longer due
    shown = "\n".join([given for a, (_, given) in notebooks.items() if not answers_given(root, a)] +
                      [answers for a, (answers, _) in notebooks.items() if a not in still_due])
    secrets = {a: secret_lines(json.loads(notebook_path(root, a).read_text()), shown) for a in still_due}
    assert all(len(secrets[a]) >= 10 for a in still_due)
    released = []
    for assignment in assignments(root):
        kit = root / "release" / f"{kit_name(assignment)}.zip"
        if release(root, assignment) != 0:
            assert not kit.exists()
            continue
        released.append(assignment)
        with zipfile.ZipFile(kit) as z:      # that notebook only
            assert {n.split("/")[1] for n in z.namelist() if n.endswith(".ipynb")} == {assignment}
        found = {(name, a) for name, text in kit_texts(kit).items() for a in still_due
                 for line in secrets[a] if line in text}
        assert not found, f"{assignment}'s kit shows answers still due: {sorted(found)[:5]}"
    assert released == {"unset": ["01-convolution", "02-pooling"],
                        "half-way": ["01-convolution", "02-pooling", "03-backprop"]}[schedule]


def test_the_self_study_kit_is_the_whole_course_and_says_it_shows_answers(tmp_path):
    root = copy_course(tmp_path / "course")
    assert release(root, "--self-study") == 0
    texts = kit_texts(root / "release" / f"{SELF_STUDY}.zip")
    assert {name.split("/")[1] for name in texts if name.endswith(".ipynb")} == set(assignments(root))
    assert "For self-study only" in texts[f"{SELF_STUDY}/README.md"]
    leaked = {line for line in secrets_of(root, "01-convolution") if any(line in t for t in texts.values())}
    assert leaked             # the detector above finds what a later notebook shows
    assert not any(root.glob("release/*-kit.zip")) or list(root.glob("release/*-kit.zip")) == [
        root / "release" / f"{SELF_STUDY}.zip"]


def secrets_of(root, assignment):
    return secret_lines(json.loads(notebook_path(root, assignment).read_text()))


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

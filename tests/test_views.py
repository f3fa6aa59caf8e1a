"""One truth in every view: a class of 02-pooling graded by `grade` once, then in part
(`grade --student`), and each of its views read side by side: grades.csv, the feedback page,
Gradescope's results.json, nbgrader's gradebook (what the formgrader shows, and its autograded
notebooks), the Canvas and roster exports, mistakes.csv, summary.txt and similarity.csv.

The class (made here from the course, the hostile corpus, the proof's bank and the demo's copy):
model-solution hands in the model answer, on time; late hands in a slip in relu_forward (3 of
4 points) 40.5 hours after the due date (the course's policy: a point per started day, so 2);
looping never ends a cell, killed kills its own kernel (each of these three with a
pool_forward_naive of their own, from the bank); copied-a and copied-b hand in the same
answers, the second with its names and comments changed.
"""
import csv
import datetime
import json
import pathlib
import shutil

import nbformat
import pytest

from autograder.__main__ import main
from autograder.admin import copied, late, review
from autograder.admin.course import gradebook, nbgrader_api
from autograder.proof import hostile
from autograder.proof.answers import find
from autograder.proof.play import notebook_with
from autograder.reports.gradescope import LATE_PENALTY
from autograder.verdict import KILLED, TIMED_OUT

ASSIGNMENT, NOTEBOOK = hostile.ASSIGNMENT, pathlib.Path(hostile.NOTEBOOK).stem
DUE = datetime.datetime(2026, 11, 29, 17, 0)
LATE_STAMP = (DUE + datetime.timedelta(hours=40.5)).strftime("%Y-%m-%d %H:%M:%S.%f UTC")
ON_TIME_STAMP = (DUE - datetime.timedelta(hours=1)).strftime("%Y-%m-%d %H:%M:%S.%f UTC")
RAW, PENALTY, AFTER = 3.0, 2.0, 1.0          # late's points, its 2 started days late, what is left


def by_name(*students):
    return [h for h in hostile.CORPUS if h.student in students]


def own_pool(student, hostile_student, answer):
    """hostile_student's submission (or, when None, the model's with relu_forward returning
    np.abs(x)) made from the model answer with the bank's pool_forward_naive `answer` in it."""
    build = (by_name(hostile_student)[0].build if hostile_student else hostile.relu_returns("np.abs(x)"))
    source = json.loads(nbformat.writes(notebook_with(find("pool_forward_naive", answer))))
    return hostile.Hostile(student, lambda _, release, course: build(source, release, course), None)


def copy_of(student, make):
    return hostile.Hostile(student, lambda source, release, course: (hostile.NOTEBOOK,
                                                                      make(release, ASSIGNMENT).encode()), None)


def grade(root, *options):
    return main(["--course", str(root), "grade", ASSIGNMENT, "--cell-timeout", str(hostile.CELL_SECONDS),
                 "--seed", "7", "--quiet", *options])


def read_csv(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def grades(root):
    return {row["student_id"]: row for row in read_csv(root / "reports" / ASSIGNMENT / "grades.csv")}


def first_cell(root, student):
    """The autograded notebook's first cell, the formgrader's first sight of a submission."""
    notebook = json.loads((root / "autograded" / student / ASSIGNMENT / f"{NOTEBOOK}.ipynb").read_text())
    cell = notebook["cells"][0]
    return cell, "".join(cell["source"])


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    corpus = [*by_name("model-solution"),
              own_pool("late", None, "sliding_window_view, every `stride`-th window, no loop"),
              own_pool("looping", "endless-loop-top-level",
                       "a max over the size*size shifted grids, the mean as their sum; a list cache with extras"),
              own_pool("killed", "kills-itself", "a dictionary of reducers, np.average"),
              copy_of("copied-a", copied.honest), copy_of("copied-b", copied.disguised)]
    root = hostile.build_class(tmp_path_factory.mktemp("views"), corpus)
    with gradebook(root) as book:
        book.update_or_create_assignment(ASSIGNMENT, duedate=DUE)
    (root / "submitted" / "late" / ASSIGNMENT / late.TIMESTAMP).write_text(LATE_STAMP)
    assert grade(root) == 0
    return root


def test_a_submission_40_5_hours_late_shows_the_same_penalty_and_score_in_every_view(graded):
    row = grades(graded)["late"]
    assert (row["raw_score"], row["hours_late"], row["late_penalty"], row["score_after_penalty"]) == \
        ("3", "40.50", "2", "1")

    page = (graded / "feedback" / "late" / ASSIGNMENT / f"{NOTEBOOK}.html").read_text()
    assert "Score: 1 / 4 (25%) after the late penalty; 3 before it; submitted 40.5 hours after the due date: " \
           "late penalty 2 points" in page

    results = json.loads((graded / "reports" / ASSIGNMENT / "gradescope" / "late" / "results.json").read_text())
    assert results["score"] == AFTER and sum(t["score"] for t in results["tests"]) == pytest.approx(AFTER)
    (penalty,) = [t for t in results["tests"] if t["name"] == LATE_PENALTY]
    assert penalty["score"] == -PENALTY and "40.5 hours after the due date" in penalty["output"]

    with gradebook(graded) as book:             # what the formgrader and nbgrader's exports read
        submission = book.find_submission(ASSIGNMENT, "late")
        assert (submission.score, submission.late_submission_penalty) == (RAW, PENALTY)
        assert submission.total_seconds_late == 40.5 * 3600
    cell, text = first_cell(graded, "late")
    assert cell["cell_type"] == "markdown" and cell["metadata"][review.REVIEW_KEY]
    assert "Score before the late penalty: 3 / 4; late penalty: 2 (submitted 40.5 hours after the due date: late " \
           "penalty 2 points); score after the penalty: 1." in text

    for fmt in ("canvas", "roster"):
        assert main(["--course", str(graded), "export", "--format", fmt]) == 0
    with open(graded / "reports" / "canvas.csv", newline="") as f:
        canvas = {row[3]: row for row in csv.reader(f)}
    assert canvas["late"][5] == "1"
    (roster,) = [r for r in read_csv(graded / "reports" / "roster.csv") if r["student_id"] == "late"]
    assert (roster["raw_score"], roster["late_penalty"], roster["score_after_penalty"]) == ("3", "2", "1")


def test_time_outs_and_killed_kernels_are_named_in_grades_and_mistakes(graded):
    rows = grades(graded)
    assert rows["looping"]["status"] == "graded" and "timed out" in rows["looping"]["reason"]
    assert "the kernel died" in rows["killed"]["reason"]
    assert rows["model-solution"]["reason"] == "" and rows["late"]["reason"] == ""
    made = {(r["exercise"], r["mistake"]): r["examples"] for r in
            read_csv(graded / "reports" / ASSIGNMENT / "mistakes.csv")}
    assert made[("relu_forward", TIMED_OUT)] == "looping"
    assert made[("relu_forward", KILLED)] == "killed"
    assert not [key for key in made if "not attempted" in key[1]]


def test_the_model_answer_and_a_copy_are_flagged_in_the_formgrader(graded):
    with gradebook(graded) as book:
        flagged = {student: {g.needs_manual_grade for g in book.find_submission_notebook(
            NOTEBOOK, ASSIGNMENT, student).grades} for student in grades(graded)}
    assert flagged == {student: {student in ("model-solution", "copied-a", "copied-b")} for student in flagged}
    assert "alike with copied-b's" in first_cell(graded, "copied-a")[1]
    assert "alike with copied-a's" in first_cell(graded, "copied-b")[1]
    assert "alike with the model answer" in first_cell(graded, "model-solution")[1]
    assert "Needs manual grade" not in first_cell(graded, "late")[1]
    # the students' own views never name another student
    for student in ("copied-a", "copied-b"):
        page = (graded / "feedback" / student / ASSIGNMENT / f"{NOTEBOOK}.html").read_text()
        assert "copied-" not in page.replace(f"Feedback for {student}", "")


def test_nbgraders_feedback_leaves_out_the_cell_for_the_instructor(graded):
    result = nbgrader_api(graded).generate_feedback(ASSIGNMENT, "copied-a")
    assert result["success"], result["log"]
    page = (graded / "feedback" / "copied-a" / ASSIGNMENT / f"{NOTEBOOK}.html").read_text()
    assert "pool_forward_naive" in page and "copied-b" not in page and "Grader's summary" not in page


def test_a_partial_regrade_keeps_the_class_and_drops_who_is_gone(graded):
    """Run last: it changes the class."""
    (graded / "submitted" / "late" / ASSIGNMENT / late.TIMESTAMP).write_text(ON_TIME_STAMP)
    shutil.rmtree(graded / "submitted" / "copied-b")
    before = grades(graded)
    assert grade(graded, "--student", "late") == 0
    after = grades(graded)
    assert sorted(after) == sorted(set(before) - {"copied-b"})
    assert (after["late"]["raw_score"], after["late"]["late_penalty"], after["late"]["score_after_penalty"]) == \
        ("3", "0", "3")
    for student in ("model-solution", "looping", "killed", "copied-a"):
        assert after[student] == before[student], student
    summary = (graded / "reports" / ASSIGNMENT / "summary.txt").read_text()
    assert all(student in summary for student in after) and "copied-b" not in summary
    made = {r["mistake"]: r["examples"] for r in read_csv(graded / "reports" / ASSIGNMENT / "mistakes.csv")}
    assert made[TIMED_OUT] == "looping" and made[KILLED] == "killed"     # kept, though not regraded
    pairs = read_csv(graded / "reports" / ASSIGNMENT / "similarity.csv")
    assert not [p for p in pairs if "copied-b" in (p["student_a"], p["student_b"])]
    kept = json.loads((graded / "reports" / ASSIGNMENT / "verdicts.json").read_text())
    assert sorted(kept) == sorted(after)

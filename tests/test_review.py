"""The instructor's review: the autograded notebooks and scores nbgrader's formgrader shows,
overrides and comments that survive a regrade, due dates and late penalties as nbgrader
keeps them, checked through nbgrader's own API and CLI and once in the formgrader itself."""
import csv
import dataclasses
import datetime
import html
import json
import os
import pathlib
import subprocess
import sys

import pytest

from autograder.__main__ import main
from autograder.admin import late
from autograder.admin.course import gradebook
from autograder.proof import hostile

ROOT = pathlib.Path(__file__).resolve().parents[1]
ASSIGNMENT, NOTEBOOK = hostile.ASSIGNMENT, pathlib.Path(hostile.NOTEBOOK).stem
DUE = datetime.datetime(2026, 11, 30, 17, 0)
ON_TIME, LATE = "2026-11-30 16:00:00.000000 UTC", "2026-12-01 19:00:00.000000 UTC"     # 26 hours late
POLICY = """
c.LatePenalty.penalty_method = "per_day"
c.LatePenalty.points_per_period = 0.5
c.LatePenalty.max_penalty = 2.0
"""
STAMP_FOLDER = "stamp-folder"       # the model solution, its timestamp.txt a folder
COMMENT = "np.abs flips the negatives instead of zeroing them: half a point for the shape"


def grades(root):
    with open(root / "reports" / ASSIGNMENT / "grades.csv") as f:
        return {row["student_id"]: row for row in csv.DictReader(f)}


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """A class graded once: the model solution on time, a slip in relu_forward 26 hours late,
    a broken notebook, the model solution whose timestamp.txt is a folder; due date in the
    gradebook, a per-day policy in nbgrader_config.py."""
    corpus = [h for h in hostile.CORPUS if h.student in ("model-solution", "invalid-json")]
    corpus.append(hostile.Hostile("relu-abs", hostile.relu_returns("np.abs(x)"), hostile.NO_RELU))
    corpus.append(dataclasses.replace(corpus[0], student=STAMP_FOLDER))
    root = hostile.build_class(tmp_path_factory.mktemp("review"), corpus)
    (root / "submitted" / STAMP_FOLDER / ASSIGNMENT / late.TIMESTAMP).mkdir()
    with gradebook(root) as book:
        book.update_or_create_assignment(ASSIGNMENT, duedate=DUE)
    for student, stamp in (("model-solution", ON_TIME), ("relu-abs", LATE)):
        (root / "submitted" / student / ASSIGNMENT / late.TIMESTAMP).write_text(stamp)
    with open(root / "nbgrader_config.py", "a") as config:
        config.write(POLICY)
    assert main(["--course", str(root), "grade", ASSIGNMENT, "--quiet"]) == 1     # invalid-json is ungradable
    return root


def test_the_gradebook_holds_each_cells_score_and_the_late_penalty(graded):
    with gradebook(graded) as book:
        scores = {(s, g.name): (g.auto_score, g.needs_manual_grade)
                  for s in ("model-solution", "relu-abs", "invalid-json")
                  for g in book.find_submission_notebook(NOTEBOOK, ASSIGNMENT, s).grades}
        late_one = book.find_submission(ASSIGNMENT, "relu-abs")
        assert late_one.total_seconds_late == 26 * 3600 and late_one.late_submission_penalty == 1.0   # 2 days x 0.5
        assert book.find_submission(ASSIGNMENT, "model-solution").late_submission_penalty == 0
    # model-solution and relu-abs hand in the model answer (relu-abs with one change): flagged for a look
    assert scores == {
        ("model-solution", "pool_forward_naive"): (3.0, True), ("model-solution", "relu_forward"): (1.0, True),
        ("relu-abs", "pool_forward_naive"): (3.0, True), ("relu-abs", "relu_forward"): (0.0, True),
        ("invalid-json", "pool_forward_naive"): (0.0, True), ("invalid-json", "relu_forward"): (0.0, True)}
    rows = grades(graded)
    row = rows["relu-abs"]
    assert (row["raw_score"], row["hours_late"], row["late_penalty"], row["score_after_penalty"]) == \
        ("3", "26.00", "1", "2")
    assert rows["model-solution"]["hours_late"] == "" and rows["model-solution"]["score_after_penalty"] == "4"
    page = (graded / "feedback" / "relu-abs" / ASSIGNMENT / f"{NOTEBOOK}.html").read_text()
    assert "26.0 hours after the due date: late penalty 1 points" in page


def test_a_timestamp_that_is_a_folder_costs_its_submission_a_flag_not_the_class_its_reports(graded):
    rows = grades(graded)
    assert sorted(rows) == sorted(["model-solution", "relu-abs", "invalid-json", STAMP_FOLDER])
    row = rows[STAMP_FOLDER]
    assert (row["status"], row["score_after_penalty"]) == ("needs manual grade", "4") and "is a folder" in row["reason"]
    page = (graded / "feedback" / STAMP_FOLDER / ASSIGNMENT / f"{NOTEBOOK}.html").read_text()
    assert 'class="status review"' in page and "is a folder" in page
    with gradebook(graded) as book:
        flagged = book.find_submission_notebook(NOTEBOOK, ASSIGNMENT, STAMP_FOLDER)
        assert flagged.grades and all(g.needs_manual_grade for g in flagged.grades)
    assert (graded / "autograded" / STAMP_FOLDER / ASSIGNMENT / f"{NOTEBOOK}.ipynb").is_file()


def test_autograded_notebooks_show_the_answers_and_each_exercises_cases(graded):
    for student in ("model-solution", "relu-abs", "invalid-json"):
        notebook = json.loads((graded / "autograded" / student / ASSIGNMENT / f"{NOTEBOOK}.ipynb").read_text())
        cells = {c["metadata"].get("nbgrader", {}).get("grade_id"): c for c in notebook["cells"]}
        assert "BEGIN HIDDEN TESTS" not in json.dumps(notebook)
        relu_report = "".join(cells["relu_forward"]["outputs"][0]["text"])
        if student == "relu-abs":
            assert "return np.abs(x), (x,)" in "".join(cells[hostile.RELU]["source"])
            assert "FAIL" in relu_report and "hint:" in relu_report
        elif student == "model-solution":
            assert "PASS" in relu_report and "FAIL" not in relu_report
        else:
            assert "not valid JSON" in relu_report and "not valid JSON" in "".join(cells[hostile.RELU]["source"])


def test_an_override_and_a_comment_survive_a_regrade_and_reach_every_report(graded):
    with gradebook(graded) as book:
        book.find_grade("relu_forward", NOTEBOOK, ASSIGNMENT, "relu-abs").manual_score = 0.5
        book.find_comment(hostile.RELU, NOTEBOOK, ASSIGNMENT, "relu-abs").manual_comment = COMMENT
        book.db.commit()
    assert main(["--course", str(graded), "grade", ASSIGNMENT, "--quiet"]) == 1
    with gradebook(graded) as book:
        grade = book.find_grade("relu_forward", NOTEBOOK, ASSIGNMENT, "relu-abs")
        assert (grade.manual_score, grade.auto_score) == (0.5, 0.0)
    row = grades(graded)["relu-abs"]
    assert (row["relu_forward"], row["set_by_instructor"], row["score_after_penalty"]) == ("0.5", "relu_forward", "2.5")
    page = (graded / "feedback" / "relu-abs" / ASSIGNMENT / f"{NOTEBOOK}.html").read_text()
    assert "set this exercise&#x27;s score to 0.5 / 1 (the grader gave 0)" in page and COMMENT in page
    # nbgrader's own export sees the same: raw 3.5, penalty 1, score 2.5
    out = graded / "export.csv"
    env = dict(os.environ, PATH=f"{pathlib.Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
               PYTHONPATH=str(ROOT))
    subprocess.run([str(pathlib.Path(sys.executable).parent / "nbgrader"), "export", "--to", str(out)], cwd=graded,
                   env=env, check=True, capture_output=True)
    with open(out) as f:
        exported = {row["student_id"]: row for row in csv.DictReader(f)}
    assert [float(exported["relu-abs"][k]) for k in ("raw_score", "late_submission_penalty", "score")] == [3.5, 1, 2.5]


@pytest.mark.parametrize("method, seconds, expected", [
    ("none", 90_000, 0.0), ("zero", 90_000, 3.5), ("per_hour", 3600 * 2.5, 1.5), ("per_day", 1, 0.5),
    ("per_day", 86_400 * 3 + 1, 2.0), ("per_day", 86_400 * 10, 2.0), ("per_day", 0, 0.0), ("per_day", -5, 0.0)])
def test_late_penalty_policies(method, seconds, expected):
    from traitlets.config import Config
    config = Config({"AssignLatePenalties": {"plugin_class": late.LatePenalty},
                     "LatePenalty": {"penalty_method": method, "points_per_period": 0.5, "max_penalty": 2.0}})
    assert late.penalty(late.penalty_plugin(config), "s", 3.5, seconds) == expected


def test_a_penalty_never_exceeds_the_score():
    from traitlets.config import Config
    config = Config({"AssignLatePenalties": {"plugin_class": late.LatePenalty},
                     "LatePenalty": {"penalty_method": "per_day", "points_per_period": 5.0}})
    assert late.penalty(late.penalty_plugin(config), "s", 1.5, 86_400 * 4) == 1.5


def test_timestamps_are_read_as_nbgrader_writes_them_and_never_through_a_link(tmp_path):
    folder = tmp_path / "submitted" / "ann" / ASSIGNMENT
    folder.mkdir(parents=True)
    assert late.submitted_at(tmp_path, "ann", ASSIGNMENT) == (None, "")               # none: on time
    (folder / late.TIMESTAMP).write_text(LATE + "\n")
    assert late.submitted_at(tmp_path, "ann", ASSIGNMENT) == (datetime.datetime(2026, 12, 1, 19, 0), "")
    (folder / late.TIMESTAMP).write_text("2026-12-01T20:00:00+01:00")
    assert late.submitted_at(tmp_path, "ann", ASSIGNMENT)[0] == datetime.datetime(2026, 12, 1, 19, 0)
    (folder / late.TIMESTAMP).write_text("yesterday-ish")
    when, problem = late.submitted_at(tmp_path, "ann", ASSIGNMENT)
    assert when is None and "not a date and time as nbgrader writes one" in problem
    (folder / late.TIMESTAMP).unlink()
    elsewhere = tmp_path / "elsewhere.txt"
    elsewhere.write_text(LATE)
    (folder / late.TIMESTAMP).symlink_to(elsewhere)
    when, problem = late.submitted_at(tmp_path, "ann", ASSIGNMENT)
    assert when is None and "links are not followed" in problem


def _sparse(path, size):
    with open(path, "wb") as f:
        f.truncate(size)


# What a student can leave as timestamp.txt (nbgrader's submit writes it on their side), and
# words of the reason the instructor is given. `other` is a classmate's submission folder.
ODD_STAMPS = {
    "a-folder": (lambda path, other: path.mkdir(), "is a folder"),
    "a-link": (lambda path, other: path.symlink_to(other / late.TIMESTAMP), "links are not followed"),
    "a-fifo": (lambda path, other: os.mkfifo(path), "is a FIFO"),
    "huge": (lambda path, other: _sparse(path, 100 * 2**20), "larger than 1000 bytes"),
    "empty": (lambda path, other: path.write_bytes(b""), "is empty"),
    "bad-bytes": (lambda path, other: path.write_bytes(ON_TIME.encode()[:11] + b"\xff\xfe:00:00 UTC"), "not UTF-8"),
    "garbage": (lambda path, other: path.write_text("handed in on time, promise"), "not a date and time"),
    "no-day": (lambda path, other: path.write_text("2026-02-30 10:00:00.000000 UTC"), "which is no date"),
    "unknown-zone": (lambda path, other: path.write_text("2026-11-30 16:00:00.000000 NOWHERE"), "time zone"),
    "far-future": (lambda path, other: path.write_text("2999-01-01 00:00:00.000000 UTC"), "later than the time"),
}


@pytest.mark.parametrize("odd", sorted(ODD_STAMPS))
def test_an_odd_timestamp_is_never_read_as_on_time(tmp_path, no_hang, odd):
    make, words = ODD_STAMPS[odd]
    classmate = tmp_path / "submitted" / "bea" / ASSIGNMENT
    classmate.mkdir(parents=True)
    (classmate / late.TIMESTAMP).write_text(ON_TIME)
    folder = tmp_path / "submitted" / "ann" / ASSIGNMENT
    folder.mkdir(parents=True)
    make(folder / late.TIMESTAMP, classmate)
    when, problem = late.submitted_at(tmp_path, "ann", ASSIGNMENT)
    assert when is None and words in problem and problem.startswith("its submission time is unknown")


@pytest.fixture(scope="module")
def stamped(tmp_path_factory):
    """(course root, reviewed verdicts by student): a class whose students each left an odd
    timestamp.txt (ODD_STAMPS), beside one on time and one late, recorded (review.record)
    and reported (write_reports) from full-marks verdicts: no kernel runs."""
    from conftest import deadline
    from autograder.admin import review
    from autograder.checks import NOTEBOOKS
    from autograder.reports import write_reports
    from autograder.verdict import GRADED, ExerciseResult, Verdict
    root = hostile.build_class(tmp_path_factory.mktemp("stamped"), [])
    with gradebook(root) as book:
        book.update_or_create_assignment(ASSIGNMENT, duedate=DUE)
    with open(root / "nbgrader_config.py", "a") as config:
        config.write(POLICY)
    stamps = {"on-time": ON_TIME, "late": LATE}
    for student in [*stamps, *ODD_STAMPS]:
        (root / "submitted" / student / ASSIGNMENT).mkdir(parents=True)
    for student, stamp in stamps.items():
        (root / "submitted" / student / ASSIGNMENT / late.TIMESTAMP).write_text(stamp)
    for student, (make, _) in ODD_STAMPS.items():
        make(root / "submitted" / student / ASSIGNMENT / late.TIMESTAMP, root / "submitted" / "late" / ASSIGNMENT)
    checks = NOTEBOOKS[ASSIGNMENT]
    verdicts = [Verdict(student, ASSIGNMENT, NOTEBOOK, GRADED,
                        [ExerciseResult(check.name, check.points, check.points) for check in checks])
                for student in [*stamps, *ODD_STAMPS]]
    with deadline(120):                    # a FIFO waited for fails the fixture instead of hanging it
        reviewed = review.record(root, verdicts)
    write_reports(ASSIGNMENT, reviewed, [check.name for check in checks], root, root / "reports")
    return root, {verdict.student: verdict for verdict in reviewed}


def test_one_odd_timestamp_costs_its_submission_a_flag_never_the_class_its_reports(stamped):
    root, reviewed = stamped
    rows = grades(root)
    assert sorted(rows) == sorted(["on-time", "late", *ODD_STAMPS])
    on_time, late_one = rows["on-time"], rows["late"]
    assert (on_time["status"], on_time["reason"], on_time["score_after_penalty"]) == ("graded", "", "4")
    assert (late_one["status"], late_one["hours_late"], late_one["score_after_penalty"]) == ("graded", "26.00", "3")
    with gradebook(root) as book:
        manual = {student: [g.needs_manual_grade for g in book.find_submission_notebook(
            NOTEBOOK, ASSIGNMENT, student).grades] for student in rows}
        penalties = {student: book.find_submission_notebook(NOTEBOOK, ASSIGNMENT, student).late_submission_penalty
                     for student in rows}
    assert manual["on-time"] == manual["late"] == [False, False] and penalties["late"] == 1.0
    for student, (_, words) in ODD_STAMPS.items():
        row = rows[student]
        page = (root / "feedback" / student / ASSIGNMENT / f"{NOTEBOOK}.html").read_text()
        status = page.split('<div class="status', 1)[1].split("</div>", 1)[0]
        assert row["status"] == "needs manual grade" and words in row["reason"], student
        assert "needs manual grade" in status and html.escape(words) in status, student
        assert manual[student] == [True, True] and penalties[student] is None, student
        assert reviewed[student].flag == row["reason"], student
        assert row["score_after_penalty"] == "4" and row["hours_late"] == "", student   # lateness: the instructor's
    from autograder.admin.export import export
    with open(export(root, "roster", root / "roster.csv")) as f:
        roster = {row["student_id"]: row["needs_manual_grade"] for row in csv.DictReader(f)}
    assert roster == {student: "yes" if student in ODD_STAMPS else "no" for student in rows}


def test_the_formgrader_opens_a_submission_with_our_scores(graded, tmp_path):
    """`make formgrader` on the graded class, in Chromium: the submission's page shows the
    grader's points in each graded cell, the instructor's override, and the cases' report."""
    sys.path.insert(0, str(ROOT / "tests"))
    from chromium import CHROMIUM, CHROMIUM_ARGS, sync_playwright_or_skip
    from labcopy import TOKEN, answers, environment, free_port, running
    sync_playwright = sync_playwright_or_skip()
    with gradebook(graded) as book:
        submission = book.find_submission_notebook(NOTEBOOK, ASSIGNMENT, "relu-abs").id
        book.find_grade("relu_forward", NOTEBOOK, ASSIGNMENT, "relu-abs").manual_score = 0.5
        book.db.commit()
    port = free_port()
    env = environment(ROOT, tmp_path / "home")
    command = f"make --no-print-directory formgrader COURSE={graded} PORT={port}"
    with running(command, ROOT, env, tmp_path / "formgrader.log", lambda: answers(port, "/formgrader") == 200), \
            sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": 1300, "height": 1000})
            page.route(lambda url: not url.startswith(f"http://127.0.0.1:{port}/"), lambda route: route.abort())
            page.goto(f"http://127.0.0.1:{port}/formgrader?token={TOKEN}")
            page.goto(f"http://127.0.0.1:{port}/formgrader/submissions/{submission}/")
            page.wait_for_selector("input.score#relu_forward")
            page.wait_for_function("document.querySelector('input.score#relu_forward').value !== ''")
            scores = {field.get_attribute("id"): (field.input_value(), field.get_attribute("placeholder"))
                      for field in page.query_selector_all("input.score")}
            assert scores["pool_forward_naive"] == ("", "3")            # the grader's 3 points, not overridden
            assert scores["relu_forward"][0] == "0.5"                    # the instructor's override
            page.query_selector("input.score#relu_forward").scroll_into_view_if_needed()
            page.screenshot(path=str(tmp_path / "formgrader.png"))
            text = page.inner_text("body")
            assert "FAIL" in text and "hint:" in text and "return np.abs(x), (x,)" in text
        finally:
            browser.close()

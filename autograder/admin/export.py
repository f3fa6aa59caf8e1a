"""Grades to the LMS: two of nbgrader's export plugins over the course's gradebook.

    cd course && ../.venv/bin/nbgrader export --exporter=autograder.admin.export.CanvasExportPlugin [--to FILE]
    python -m autograder export --format canvas|roster [--out FILE] [--assignment A] [--student S]

Both read nbgrader's gradebook only. A submission's score is nbgrader's
(`SubmittedAssignment.score`, the sum of its `Grade.score`: the manual score where one was
given in the formgrader, else the auto score `grade` recorded), less nbgrader's
`late_submission_penalty` (summed over its notebooks), never below 0, as nbgrader's own CSV
export counts it. Both honour what nbgrader's ExportApp sets on every ExportPlugin: `to`
(the file written; by default reports/<format>.csv in the course folder nbgrader runs from,
where our command line writes too), `assignment` and `student` (only these; a name the
gradebook lacks is an error, not a silently missing column). Both write with
reports.common.write_csv: a cell a spreadsheet would run (a student id "=HYPERLINK(...)")
gets a single quote before it.
"""
import datetime
import pathlib

from nbgrader.api import MissingEntry
from nbgrader.plugins import ExportPlugin

from ..reports.common import write_csv

POINTS_POSSIBLE = "    Points Possible"     # Canvas's own export writes it so; its import looks for the words


def number(value):
    """A score as Canvas writes one: at most two decimals, no trailing zeros ("4", "3.5")."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


def sortable_name(student):
    """Canvas's sortable name, "Last, First", or the part of it nbgrader knows, else the student's id."""
    return ", ".join(filter(None, (student.last_name, student.first_name))) or student.id


def final_score(submission):
    """The score that counts: nbgrader's score less its late penalty, never below 0."""
    return max(0.0, submission.score - (submission.late_submission_penalty or 0.0))


def course_order(assignments):
    """Assignments in the course's order: that of course/source/<NN-topic>, which is the order
    of their names (the gradebook keeps them in the order they were first released)."""
    return sorted(assignments, key=lambda assignment: assignment.name)


def graded(assignment):
    """Whether some submission of the assignment has a score (grade's or the formgrader's)."""
    return any(grade.auto_score is not None or grade.manual_score is not None
               for submission in assignment.submissions for notebook in submission.notebooks
               for grade in notebook.grades)


def chosen(entries, names, key):
    """The entries (assignments or students) whose `key` is in names, all when names is empty."""
    names = [str(name) for name in names]       # nbgrader's command line may give numbers
    unknown = sorted(set(names) - {getattr(entry, key) for entry in entries})
    if unknown:
        raise ValueError(f"not in the gradebook: {', '.join(unknown)}")
    return [entry for entry in entries if not names or getattr(entry, key) in names]


class GradebookExport(ExportPlugin):
    """What both exports share: the assignments and students chosen, each student's
    submission of each assignment (None when there is none), the CSV written (write_csv: no
    cell a spreadsheet runs)."""

    default_to = "reports/grades.csv"       # relative to the course folder nbgrader runs from

    def export(self, gradebook):
        dest = pathlib.Path(self.to or self.default_to)
        assignments = chosen(course_order(gradebook.assignments), self.assignment, "name")
        if not self.assignment:
            assignments = self.default_assignments(assignments)
        students = chosen(sorted(gradebook.students, key=lambda s: (sortable_name(s).casefold(), s.id)),
                          self.student, "id")
        write_csv(dest, self.rows(gradebook, assignments, students))
        self.log.info("Wrote %s: %d student(s), %d assignment(s)", dest, len(students), len(assignments))

    def default_assignments(self, assignments):
        """The assignments written when none is named (assignments: all, in course order)."""
        return assignments

    def rows(self, gradebook, assignments, students):
        """The CSV's rows, header first."""
        raise NotImplementedError

    @staticmethod
    def submission(gradebook, assignment, student):
        """The student's submission of the assignment in the gradebook, None when there is none."""
        try:
            return gradebook.find_submission(assignment.name, student.id)
        except MissingEntry:
            return None


class CanvasExportPlugin(GradebookExport):
    """A CSV for Canvas's Gradebook import (Grades > Import), laid out as Canvas's own
    gradebook export: Student, ID, SIS User ID, SIS Login ID, Section, then one column per
    assignment titled with the assignment's name; the first data row is Points Possible
    (each assignment's maximum), then one row per student.

    Canvas's import requires the Student and ID headers first and Section last before the
    assignments; it finds each student by ID, else SIS User ID, else SIS Login ID, else by
    name ("Last, First" or "First Last"). Filled here from nbgrader's gradebook:
      Student       "Last, First" from nbgrader's names (the student id when it has none)
      ID            nbgrader's lms_user_id (the Canvas user id) when set, else empty
      SIS User ID   empty: nbgrader does not know it
      SIS Login ID  the nbgrader student id (a hub's login, usually the institution's)
      Section       empty: nbgrader has no sections (Canvas needs the column, not a value)
    An assignment column updates the Canvas assignment of the same title, or makes a new one,
    so the columns are the course's assignments in course order that have a graded
    submission (none would make an empty assignment in Canvas), unless `assignment` names them.
    A student without a submission gets an empty cell, which Canvas leaves as it is (not 0).
    """

    default_to = "reports/canvas.csv"

    def default_assignments(self, assignments):
        """Only the assignments with a graded submission (graded): in Canvas a column is an assignment."""
        return [assignment for assignment in assignments if graded(assignment)]

    def rows(self, gradebook, assignments, students):
        blank = ["", "", "", ""]
        yield ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"] + [a.name for a in assignments]
        yield [POINTS_POSSIBLE] + blank + [number(a.max_score) for a in assignments]
        for student in students:
            submissions = [self.submission(gradebook, a, student) for a in assignments]
            yield ([sortable_name(student), student.lms_user_id or "", "", student.id, ""] +
                   ["" if s is None else number(final_score(s)) for s in submissions])


class RosterExportPlugin(GradebookExport):
    """A plain roster CSV: one row per student and assignment, with nbgrader's score before the
    late penalty (raw_score, manual overrides counted), the assignment's maximum, the late
    penalty, the score after it (score_after_penalty: final_score), whether
    anything was submitted (yes/no), when (ISO 8601, UTC, as nbgrader keeps it) and whether
    it needs a manual grade (yes/no: nbgrader's flag, set by `grade` on ungradable work and
    on work whose submission time cannot be read). Without a submission the score cells are
    empty, submitted is "no" and needs_manual_grade is empty."""

    default_to = "reports/roster.csv"
    columns = ["student_id", "first_name", "last_name", "email", "assignment", "raw_score", "max_score",
               "late_penalty", "score_after_penalty", "submitted", "timestamp", "needs_manual_grade"]

    def rows(self, gradebook, assignments, students):
        yield self.columns
        for student in students:
            who = [student.id, student.first_name or "", student.last_name or "", student.email or ""]
            for assignment in assignments:
                submission = self.submission(gradebook, assignment, student)
                score = penalty = final = when = manual = ""
                if submission is not None:
                    score, final = number(submission.score), number(final_score(submission))
                    penalty = number(submission.late_submission_penalty or 0.0)
                    if submission.timestamp:
                        when = submission.timestamp.replace(tzinfo=datetime.timezone.utc).isoformat()
                    manual = "yes" if submission.needs_manual_grade else "no"
                yield who + [assignment.name, score, number(assignment.max_score), penalty, final,
                             "no" if submission is None else "yes", when, manual]


FORMATS = {"canvas": CanvasExportPlugin, "roster": RosterExportPlugin}


def export(course_root, format, out=None, assignments=(), students=()):
    """Write the course gradebook in `format` ("canvas" or "roster") to out (default: where
    `nbgrader export` writes it, <course>/reports/<format>.csv) with the plugin `nbgrader
    export` runs; returns the path. ValueError for an assignment or student the gradebook lacks."""
    from .course import gradebook
    exporter = FORMATS[format]
    out = pathlib.Path(out or pathlib.Path(course_root) / exporter.default_to).resolve()
    plugin = exporter(to=str(out), assignment=list(assignments), student=list(students))
    with gradebook(course_root) as book:
        plugin.export(book)
    return out


__all__ = ["CanvasExportPlugin", "RosterExportPlugin", "FORMATS", "export", "final_score"]

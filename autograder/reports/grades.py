"""grades.csv: one row per student, one column per graded exercise."""
from .common import by_student, exact_points, exercise_max_points, max_score, points_by_exercise, reason, status, \
    write_csv


def grade_rows(verdicts, exercise_names):
    """The gradebook as rows: a header, then one row per student sorted by student_id.

    Columns: student_id, status ("graded", "ungradable" or "needs manual grade": common.status),
    reason (why it is ungradable or needs a manual grade, and what timed out, crashed or whose
    kernel died: common.reason), raw_score (before the late penalty), hours_late (empty when on
    time), late_penalty (points), score_after_penalty (what counts: raw_score less
    late_penalty, never below 0), max_score, then the points of each exercise (graded cell
    grade_id; before the penalty) in the order of exercise_names (the instructor's
    override when set, else the grader's: 0 for ungradable submissions), the exercises whose
    score the instructor set, and the seed of the hidden inputs the submission was graded on.
    """
    assignment_max = sum(exercise_max_points(verdicts, exercise_names).values())
    rows = [["student_id", "status", "reason", "raw_score", "hours_late", "late_penalty", "score_after_penalty",
             "max_score", *exercise_names, "set_by_instructor", "seed"]]
    for verdict in by_student(verdicts):
        points = points_by_exercise(verdict)
        late = f"{verdict.late_seconds / 3600:.2f}" if verdict.late_seconds > 0 else ""
        overridden = " ".join(e.name for e in verdict.exercises if e.override is not None)
        rows.append([verdict.student, status(verdict), reason(verdict), exact_points(verdict.raw_score), late,
                     exact_points(verdict.late_penalty), exact_points(verdict.score),
                     exact_points(max_score(verdict, assignment_max)),
                     *(exact_points(points.get(name, 0.0)) for name in exercise_names), overridden, verdict.seed])
    return rows


def write_grades_csv(verdicts, exercise_names, path):
    """Write grades.csv (columns: grade_rows), one row per student sorted by student_id, with
    common.write_csv (no cell a spreadsheet runs); parent folders made. Returns the path."""
    return write_csv(path, grade_rows(verdicts, exercise_names))

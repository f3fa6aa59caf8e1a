"""Verdicts turned into the files instructors and students receive, one module per format.

For one assignment (write_reports):
  <reports_root>/<assignment>/grades.csv        one row per student, one column per graded cell (grades)
  <reports_root>/<assignment>/summary.txt       the class table and its most common mistakes (summary)
  <reports_root>/<assignment>/summary.png       score histogram and per-exercise pass rates (summary)
  <reports_root>/<assignment>/mistakes.csv      one row per (exercise, mistake): how many graded students made it (mistakes)
  <reports_root>/<assignment>/mistakes.png      the most common mistakes of each exercise (mistakes)
  <reports_root>/<assignment>/gradescope/<student>/results.json   Gradescope results (gradescope)
  <reports_root>/<assignment>/verdicts.json     the last verdict of each student, as data (verdicts:
                                                written by the grade command, which renders the rest from it)
  <course_root>/feedback/<student>/<assignment>/<notebook>.html  nbgrader-style feedback page (feedback)
and text (text) for the notebook, the self-check and the pages above.

Everything here renders only what a Verdict holds (autograder.verdict: scores, statuses,
reasons, notes and each case's outcome), so no hidden-test source can reach a student. Every
function is a pure function of its arguments; figures are built without pyplot and drawn
with the Agg backend. May import autograder.verdict and matplotlib; nothing else of autograder.
"""
from pathlib import Path

from .common import safe_part
from .feedback import write_feedback
from .gradescope import write_gradescope
from .grades import write_grades_csv
from .mistakes import write_mistakes
from .summary import write_summary


def write_reports(assignment, verdicts, exercise_names, course_root, reports_root):
    """Write every report of one assignment and return its summary table:
    <reports_root>/<assignment>/grades.csv, mistakes.csv, mistakes.png, summary.png, summary.txt,
    <reports_root>/<assignment>/gradescope/<student>/results.json, and the
    feedback pages at <course_root>/feedback/<student>/<assignment>/<notebook>.html.
    """
    others = sorted({v.assignment for v in verdicts} - {assignment})
    if others:
        raise ValueError(f"verdicts for {others} passed to the reports of {assignment!r}")
    out_dir = Path(reports_root) / safe_part(assignment, "assignment")
    write_grades_csv(verdicts, exercise_names, out_dir / "grades.csv")
    write_mistakes(verdicts, exercise_names, out_dir)
    for verdict in verdicts:
        student = safe_part(verdict.student, "student")
        write_gradescope(verdict, out_dir / "gradescope" / student / "results.json")
        write_feedback(verdict, course_root)
    return write_summary(verdicts, exercise_names, out_dir)

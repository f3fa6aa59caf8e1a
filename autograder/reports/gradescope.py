"""Gradescope's results.json for one submission."""
import json
from pathlib import Path

from .common import exact_points, reason
from .text import exercise_lines, late_text

LATE_PENALTY = "late penalty"           # the name of the test that takes it


def _overall_message(verdict):
    """The status (with why it needs a manual grade, when flagged), then the grader's notes,
    one per line."""
    if verdict.graded:
        head = f"Graded: {exact_points(verdict.score)} / {exact_points(verdict.max_score)} points."
        head += f" (Before the late penalty: {exact_points(verdict.raw_score)}.)" if verdict.late_penalty else ""
        head += f" Needs manual grade: {reason(verdict)}." if verdict.flag else ""
        head += f"\nLate: {late_text(verdict)}; the score is after it." if verdict.late_seconds > 0 else ""
    else:
        head = f"Ungradable: {reason(verdict)}. Every exercise scores 0."
    notes = [f"Note: {note}" for note in verdict.notes]
    return "\n".join([head, *notes])


def gradescope_results(verdict, execution_time=None):
    """A Gradescope autograder results.json as a dict (Gradescope's specification): the total
    score, the seconds grading took (execution_time, when given), an overall message (status
    and notes), and one test per exercise with its name, points, max points, report lines (the
    cases' messages and hints, never a hidden test's source), visibility and "passed"/"failed".
    A late submission has one more test, LATE_PENALTY, of minus the penalty (max 0) with how
    late it was, so the tests add up to the score, which is after the penalty.
    An ungradable verdict scores 0 with its reason in "output"."""
    tests = [{
        "name": e.name,
        "score": round(verdict.earned(e), 4),
        "max_score": round(float(e.max_points), 4),
        "output": "\n".join(exercise_lines(e, verdict.reason)),
        "status": "passed" if verdict.passed(e) else "failed",
        "visibility": "visible",
    } for e in verdict.exercises]
    if verdict.late_penalty:
        tests.append({"name": LATE_PENALTY, "score": -round(float(verdict.late_penalty), 4), "max_score": 0,
                      "output": f"Score before the penalty: {exact_points(verdict.raw_score)}; {late_text(verdict)}; "
                                f"score after it: {exact_points(verdict.score)}.",
                      "status": "failed", "visibility": "visible"})
    timing = {} if execution_time is None else {"execution_time": round(execution_time)}
    return {
        "score": round(float(verdict.score), 4),
        **timing,
        "output": _overall_message(verdict),
        "tests": tests,
        "visibility": "visible",
        "stdout_visibility": "hidden",
    }


def write_gradescope(verdict, path, execution_time=None):
    """Write the verdict's Gradescope results.json at path (parents created); returns the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(gradescope_results(verdict, execution_time), indent=2) + "\n", encoding="utf-8")
    return path

"""What several report formats compute from verdicts: points for a file, per-exercise
maxima, safe path parts, a verdict's status and reason, and CSV cells no spreadsheet runs."""
import csv
from pathlib import Path

from ..verdict import NEEDS_MANUAL_GRADE, UNGRADABLE

# What makes a spreadsheet read a cell as a formula (OWASP, "CSV Injection"): = + - @, and a
# tab or carriage return before them.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def exact_points(value):
    """Points for people to read: 2.5, 3, 0.3333 (no float noise, no trailing zeros)."""
    return f"{round(float(value), 4):g}"


def points_by_exercise(verdict):
    """{exercise name: points earned} (Verdict.earned: 0 in an ungradable verdict)."""
    return {e.name: verdict.earned(e) for e in verdict.exercises}


def exercise_max_points(verdicts, exercise_names):
    """{exercise name: max points}, taken from whichever verdict holds that exercise (else 0)."""
    found = {}
    for verdict in verdicts:
        for exercise in verdict.exercises:
            found.setdefault(exercise.name, float(exercise.max_points))
    return {name: found.get(name, 0.0) for name in exercise_names}


def max_score(verdict, assignment_max):
    """A graded verdict's own max score; for an ungradable one (which may hold some or no
    exercises) the assignment's, when known."""
    if verdict.graded:
        return verdict.max_score
    return assignment_max or verdict.max_score


def safe_part(name, what):
    """A student, assignment or notebook name, checked to be usable as one path component."""
    text = str(name)
    if not text or text in (".", "..") or "/" in text or "\\" in text:
        raise ValueError(f"{what} {text!r} cannot be used as a folder or file name")
    return text


def by_student(verdicts):
    return sorted(verdicts, key=lambda v: v.student)


def status(verdict):
    """What the reports call a verdict: "ungradable", "needs manual grade" (graded, but
    flagged for the instructor: Verdict.flag) or "graded"."""
    if not verdict.graded:
        return UNGRADABLE
    return NEEDS_MANUAL_GRADE if verdict.flag else verdict.status


def reason(verdict):
    """Why a verdict could not be graded, why it is flagged and what stopped its work (the
    cells that timed out or whose kernel died, the functions that crashed: Verdict.stops),
    "; " between them ("" for a graded verdict without a flag whose work all ran)."""
    ungradable = [] if verdict.graded else [verdict.reason or "no reason given"]
    return "; ".join([*ungradable, *([verdict.flag] if verdict.flag else []), *verdict.stops])


def csv_cell(value):
    """A value as a CSV cell that no spreadsheet runs as a formula: a number (int, float) as
    it is, None as "", any other value as text, with a single quote before it when it starts
    with one of FORMULA_STARTS (OWASP's advice), so a student id "=HYPERLINK(...)" is shown
    as the text '=HYPERLINK(...)."""
    if value is None:
        return ""
    if isinstance(value, (int, float)):
        return value
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def write_csv(path, rows):
    """Write rows (lists of cells) to path as UTF-8 CSV, every cell through csv_cell; parent
    folders made. Returns the path. Every CSV the grader writes is written here."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows([csv_cell(cell) for cell in row] for row in rows)
    return path

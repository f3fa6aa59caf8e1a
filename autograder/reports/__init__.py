"""Turn grading verdicts into the files instructors and students receive.

For one assignment:
  <reports_root>/<assignment>/grades.csv        one row per student, one column per graded cell
  <reports_root>/<assignment>/summary.txt       the class table (summary_table)
  <reports_root>/<assignment>/summary.png       score histogram and per-exercise pass rates
  <reports_root>/<assignment>/gradescope/<student>/results.json   Gradescope autograder results
  <course_root>/feedback/<student>/<assignment>/<notebook>.html  nbgrader-style feedback page

Everything here renders only what a Verdict holds (scores, statuses, notes and the
checks' report lines), so no hidden-test source can reach a student.
Every function is a pure function of its arguments; figures are built without pyplot
(no global figure registry) and drawn with the Agg backend.
"""
import csv
import html
import json
import statistics
from pathlib import Path

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

UNGRADABLE_PREFIX = "ungradable:"


# ---------------------------------------------------------------- shared helpers

def _fmt(value):
    """Points for people to read: 2.5, 3, 0.3333 (no float noise, no trailing zeros)."""
    return f"{round(float(value), 4):g}"


def _reason(verdict):
    """Why an ungradable verdict could not be graded ("" for a graded one)."""
    if verdict.graded:
        return ""
    status = verdict.status
    if status.startswith(UNGRADABLE_PREFIX):
        status = status[len(UNGRADABLE_PREFIX):]
    return status.strip() or "no reason given"


def _points_by_exercise(verdict):
    """{exercise name: points earned} (Verdict.earned: 0 in an ungradable verdict)."""
    return {e.name: verdict.earned(e) for e in verdict.exercises}


def _exercise_max_points(verdicts, exercise_names):
    """{exercise name: max points}, taken from whichever verdict holds that exercise (else 0)."""
    found = {}
    for verdict in verdicts:
        for exercise in verdict.exercises:
            found.setdefault(exercise.name, float(exercise.max_points))
    return {name: found.get(name, 0.0) for name in exercise_names}


def _max_score(verdict, assignment_max):
    """A graded verdict's own max score; for an ungradable one (which may hold some or no
    exercises) the assignment's, when known."""
    if verdict.graded:
        return verdict.max_score
    return assignment_max or verdict.max_score


def _safe_part(name, what):
    """A student, assignment or notebook name, checked to be usable as one path component."""
    text = str(name)
    if not text or text in (".", "..") or "/" in text or "\\" in text:
        raise ValueError(f"{what} {text!r} cannot be used as a folder or file name")
    return text


def _sorted(verdicts):
    return sorted(verdicts, key=lambda v: v.student)


# ---------------------------------------------------------------- grades.csv

def grade_rows(verdicts, exercise_names):
    """The gradebook as rows: a header, then one row per student sorted by student_id.

    Columns: student_id, status, score, max_score, then the points of each exercise
    (graded cell grade_id) in the order of exercise_names (0 for ungradable submissions),
    then the seed of the hidden inputs the submission was graded on.
    """
    assignment_max = sum(_exercise_max_points(verdicts, exercise_names).values())
    rows = [["student_id", "status", "score", "max_score", *exercise_names, "seed"]]
    for verdict in _sorted(verdicts):
        points = _points_by_exercise(verdict)
        rows.append([verdict.student, verdict.status, _fmt(verdict.score),
                     _fmt(_max_score(verdict, assignment_max)),
                     *(_fmt(points.get(name, 0.0)) for name in exercise_names), verdict.seed])
    return rows


def write_grades_csv(verdicts, exercise_names, path):
    """Write grades.csv: header student_id, status, score, max_score, <one column per grade_id>, seed;
    one row per student sorted by student_id. Creates parent folders; returns the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows(grade_rows(verdicts, exercise_names))
    return path


# ---------------------------------------------------------------- feedback HTML

_FEEDBACK_CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; max-width: 60em;
       margin: 2em auto; padding: 0 1em; color: #222; line-height: 1.4; }
h1 { font-size: 1.5em; margin-bottom: 0.2em; }
.student { color: #555; margin-top: 0; }
.total { font-size: 1.3em; font-weight: bold; }
.status { padding: 0.6em 1em; border-radius: 4px; margin: 1em 0; }
.status.graded { background: #e8f5e9; border-left: 5px solid #2e7d32; }
.status.ungradable { background: #ffebee; border-left: 5px solid #c62828;
                     font-size: 1.15em; font-weight: bold; }
.notes { background: #fff8e1; border-left: 5px solid #f9a825; padding: 0.5em 1em 0.5em 2em; }
section { border: 1px solid #ddd; border-radius: 4px; margin: 1em 0; padding: 0 1em 0.5em; }
section h2 { font-size: 1.1em; display: flex; justify-content: space-between; }
section.passed h2 .points { color: #2e7d32; }
section.failed h2 .points { color: #c62828; }
pre { background: #f6f8fa; padding: 0.7em; overflow-x: auto; white-space: pre-wrap;
      font-size: 0.9em; }
""".strip()


def _e(text):
    return html.escape(str(text), quote=True)


def _status_block(verdict):
    if verdict.graded:
        return '<div class="status graded">Status: graded</div>'
    return ('<div class="status ungradable">Not graded: this submission could not be graded. '
            f"Reason: {_e(_reason(verdict))}</div>")


def _notes_block(verdict):
    if not verdict.notes:
        return ""
    items = "\n".join(f"<li>{_e(note)}</li>" for note in verdict.notes)
    return f'<h2>Notes from the grader</h2>\n<ul class="notes">\n{items}\n</ul>'


def _exercise_section(exercise, verdict):
    points = verdict.earned(exercise)
    state = "passed" if verdict.passed(exercise) else "failed"
    report = "\n".join(str(line) for line in exercise.lines) or "(no report)"
    return (f'<section class="{state}">\n'
            f'<h2><span>{_e(exercise.name)}</span>'
            f'<span class="points">{_fmt(points)} / {_fmt(exercise.max_points)}</span></h2>\n'
            f"<pre>{_e(report)}</pre>\n</section>")


def feedback_html(verdict):
    """One student's feedback as a self-contained HTML page (inline CSS, no scripts, no links).

    Holds the assignment and notebook, the total score, the status (the reason first and
    prominent when ungradable), the grader's notes, and one section per exercise with its
    points and its report lines, HTML-escaped. Renders only what the verdict holds.
    """
    title = f"{verdict.assignment}: {verdict.notebook}"
    score = verdict.score
    total = f"Score: {_fmt(score)}"
    if verdict.max_score:                               # unknown when nothing could be run
        total += f" / {_fmt(verdict.max_score)} ({100 * score / verdict.max_score:.0f}%)"
    sections = "\n".join(_exercise_section(e, verdict) for e in verdict.exercises)
    body = "\n".join(part for part in (
        f"<h1>{_e(title)}</h1>",
        f'<p class="student">Feedback for {_e(verdict.student)}</p>',
        _status_block(verdict),
        f'<p class="total">{_e(total)}</p>',
        _notes_block(verdict),
        sections,
    ) if part)
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            f"<title>{_e(title)}</title>\n<style>\n{_FEEDBACK_CSS}\n</style>\n</head>\n"
            f"<body>\n{body}\n</body>\n</html>\n")


def feedback_path(verdict, course_root):
    """nbgrader's feedback layout: <course_root>/feedback/<student>/<assignment>/<notebook>.html."""
    return (Path(course_root) / "feedback" / _safe_part(verdict.student, "student")
            / _safe_part(verdict.assignment, "assignment")
            / f"{_safe_part(verdict.notebook, 'notebook')}.html")


def write_feedback(verdict, course_root):
    """Write the student's feedback page at its nbgrader path; returns the path."""
    path = feedback_path(verdict, course_root)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(feedback_html(verdict), encoding="utf-8")
    return path


# ---------------------------------------------------------------- Gradescope results.json

def _overall_message(verdict):
    """The status, then the grader's notes, one per line."""
    if verdict.graded:
        head = f"Graded: {_fmt(verdict.score)} / {_fmt(verdict.max_score)} points."
    else:
        head = f"Ungradable: {_reason(verdict)}. Every exercise scores 0."
    notes = [f"Note: {note}" for note in verdict.notes]
    return "\n".join([head, *notes])


def gradescope_results(verdict):
    """A Gradescope autograder results.json as a dict: the total score, an overall message
    (status and notes), and one test per exercise with its points, max points, report lines
    and "passed"/"failed". An ungradable verdict scores 0 with its reason in "output"."""
    tests = [{
        "name": e.name,
        "score": round(verdict.earned(e), 4),
        "max_score": round(float(e.max_points), 4),
        "output": "\n".join(str(line) for line in e.lines),
        "status": "passed" if verdict.passed(e) else "failed",
    } for e in verdict.exercises]
    return {
        "score": round(float(verdict.score), 4),
        "output": _overall_message(verdict),
        "tests": tests,
        "visibility": "visible",
        "stdout_visibility": "hidden",
    }


def write_gradescope(verdict, path):
    """Write the verdict's Gradescope results.json at path (parents created); returns the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(gradescope_results(verdict), indent=2) + "\n", encoding="utf-8")
    return path


# ---------------------------------------------------------------- class summary

def exercise_stats(verdicts, exercise_names):
    """Per exercise over graded students: (name, mean points, max points, pass rate or None)."""
    graded = [v for v in verdicts if v.graded]
    max_points = _exercise_max_points(verdicts, exercise_names)
    stats = []
    for name in exercise_names:
        earned = [_points_by_exercise(v).get(name, 0.0) for v in graded]
        passed = [bool(max_points[name]) and p >= max_points[name] for p in earned]
        mean = statistics.fmean(earned) if graded else None
        rate = sum(passed) / len(graded) if graded else None
        stats.append((name, mean, max_points[name], rate))
    return stats


def _student_lines(verdicts, assignment_max):
    width = max([len("student"), *(len(v.student) for v in verdicts)])
    lines = [f"{'student':<{width}}  {'status':<10}  {'score':>13}"]
    for v in _sorted(verdicts):
        status = "graded" if v.graded else "UNGRADABLE"
        score = f"{_fmt(v.score)} / {_fmt(_max_score(v, assignment_max))}"
        lines.append(f"{v.student:<{width}}  {status:<10}  {score:>13}")
    return lines


def _exercise_lines(verdicts, exercise_names):
    stats = exercise_stats(verdicts, exercise_names)
    width = max([len("exercise"), *(len(name) for name in exercise_names)])
    lines = [f"{'exercise':<{width}}  {'mean':>7}  {'max':>7}  {'pass rate':>9}"]
    for name, mean, max_points, rate in stats:
        mean_text = "n/a" if mean is None else f"{mean:.2f}"
        rate_text = "n/a" if rate is None else f"{rate:.0%}"
        lines.append(f"{name:<{width}}  {mean_text:>7}  {max_points:>7.2f}  {rate_text:>9}")
    return lines


def _class_lines(verdicts, assignment_max):
    scores = [v.score for v in verdicts if v.graded]
    ungradable = sum(not v.graded for v in verdicts)
    if scores:
        spread = (f"class mean {statistics.fmean(scores):.2f}, median "
                  f"{statistics.median(scores):.2f} of {_fmt(assignment_max)} "
                  f"(over {len(scores)} graded)")
    else:
        spread = "class mean n/a, median n/a (nothing graded)"
    return [spread, f"ungradable submissions: {ungradable} of {len(verdicts)}"]


def summary_table(verdicts, exercise_names):
    """A plain-text class table with fixed-width columns: one line per student (status,
    score / max), then per exercise the mean points, max points and pass rate (share of
    graded students with full points), then the class mean and median score over graded
    students and the count of ungradable submissions."""
    assignment_max = sum(_exercise_max_points(verdicts, exercise_names).values())
    blocks = [_student_lines(verdicts, assignment_max),
              _exercise_lines(verdicts, exercise_names),
              _class_lines(verdicts, assignment_max)]
    return "\n\n".join("\n".join(block) for block in blocks) + "\n"


def plot_summary(verdicts, exercise_names):
    """Two panels: a histogram of graded students' scores (% of max) and a horizontal bar
    chart of each exercise's pass rate. Returns the Figure (drawn by Agg, not via pyplot)."""
    fig = Figure(figsize=(11, max(3.5, 0.4 * len(exercise_names) + 1.5)), layout="constrained")
    FigureCanvasAgg(fig)
    ax_hist, ax_rate = fig.subplots(1, 2)

    graded = [v for v in verdicts if v.graded]
    percents = [100 * v.score / v.max_score for v in graded if v.max_score]
    ax_hist.hist(percents, bins=range(0, 101, 10), color="#4c72b0", edgecolor="white")
    ax_hist.set(title=f"scores of {len(graded)} graded students "
                      f"({len(verdicts) - len(graded)} ungradable)",
                xlabel="score (% of max)", ylabel="students", xlim=(0, 100))
    ax_hist.yaxis.set_major_locator(MaxNLocator(integer=True))    # whole students

    stats = exercise_stats(verdicts, exercise_names)
    rates = [100 * (rate or 0.0) for _, _, _, rate in stats]
    ax_rate.barh(range(len(stats)), rates, color="#55a868")
    for y, rate in enumerate(rates):
        ax_rate.text(min(rate + 1, 88), y, f"{rate:.0f}%", va="center", fontsize=8)
    ax_rate.set_yticks(range(len(stats)), [name for name, *_ in stats], fontsize=8)
    ax_rate.invert_yaxis()                              # first exercise on top
    ax_rate.set(title="pass rate (full points)", xlabel="% of graded students", xlim=(0, 100))
    return fig


def write_summary(verdicts, exercise_names, out_dir):
    """Write summary.png (plot_summary) and summary.txt (summary_table) into out_dir;
    returns the table."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    table = summary_table(verdicts, exercise_names)
    (out_dir / "summary.txt").write_text(table, encoding="utf-8")
    plot_summary(verdicts, exercise_names).savefig(out_dir / "summary.png", format="png", dpi=100)
    return table


# ---------------------------------------------------------------- everything for one assignment

def write_reports(assignment, verdicts, exercise_names, course_root, reports_root):
    """Write every report of one assignment and return its summary table:
    <reports_root>/<assignment>/grades.csv, summary.png, summary.txt,
    <reports_root>/<assignment>/gradescope/<student>/results.json, and the
    feedback pages at <course_root>/feedback/<student>/<assignment>/<notebook>.html.
    """
    others = sorted({v.assignment for v in verdicts} - {assignment})
    if others:
        raise ValueError(f"verdicts for {others} passed to the reports of {assignment!r}")
    out_dir = Path(reports_root) / _safe_part(assignment, "assignment")
    write_grades_csv(verdicts, exercise_names, out_dir / "grades.csv")
    for verdict in verdicts:
        student = _safe_part(verdict.student, "student")
        write_gradescope(verdict, out_dir / "gradescope" / student / "results.json")
        write_feedback(verdict, course_root)
    return write_summary(verdicts, exercise_names, out_dir)

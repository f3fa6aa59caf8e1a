"""The feedback page of one submission: nbgrader's layout, self-contained HTML."""
import html
from pathlib import Path

from .common import exact_points, reason, safe_part, status
from .text import exercise_lines, late_text


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
.status.review { background: #fff3e0; border-left: 5px solid #ef6c00; font-weight: bold; }
.notes { background: #fff8e1; border-left: 5px solid #f9a825; padding: 0.5em 1em 0.5em 2em; }
section { border: 1px solid #ddd; border-radius: 4px; margin: 1em 0; padding: 0 1em 0.5em; }
section h2 { font-size: 1.1em; }
section h2 .points { float: right; }
section.passed h2 .points { color: #2e7d32; }
section.failed h2 .points { color: #c62828; }
pre { background: #f6f8fa; padding: 0.7em; overflow-x: auto; white-space: pre-wrap;
      font-size: 0.9em; }
""".strip()


def _e(text):
    return html.escape(str(text), quote=True)


def _status_block(verdict):
    if verdict.graded and verdict.flag:
        return (f'<div class="status review">Status: {_e(status(verdict))}: the instructor grades this submission '
                f"by hand. Reason: {_e(reason(verdict))}</div>")
    if verdict.graded:
        return '<div class="status graded">Status: graded</div>'
    return ('<div class="status ungradable">Not graded: this submission could not be graded. '
            f"Reason: {_e(reason(verdict))}</div>")


def _notes_block(verdict):
    if not verdict.notes:
        return ""
    items = "\n".join(f"<li>{_e(note)}</li>" for note in verdict.notes)
    return f'<h2>Notes from the grader</h2>\n<ul class="notes">\n{items}\n</ul>'


def _exercise_section(exercise, verdict):
    points = verdict.earned(exercise)
    state = "passed" if verdict.passed(exercise) else "failed"
    report = "\n".join(exercise_lines(exercise, verdict.reason)) or "(no report)"
    return (f'<section class="{state}">\n'
            f'<h2>{_e(exercise.name)} '     # a space, so that a screen reader says the name and the points apart
            f'<span class="points">{exact_points(points)} / {exact_points(exercise.max_points)} points</span></h2>\n'
            f"<pre>{_e(report)}</pre>\n</section>")


def feedback_html(verdict):
    """One student's feedback as a self-contained HTML page (inline CSS, no scripts, no links).

    Holds the assignment and notebook, the total score (after the late penalty, with the
    score before it and the penalty, if any), the
    status (the reason first and prominent when ungradable or flagged: needs manual grade), the grader's notes, and one
    section per exercise with its points and its report lines, HTML-escaped. Renders only what the verdict holds.
    Everything is in the page's one main landmark, under one h1 and h2s in order, so that assistive
    technology can find it (WCAG 2.1 AA as axe-core checks it: tests/test_accessibility.py).
    """
    title = f"{verdict.assignment}: {verdict.notebook}"
    score = verdict.score
    total = f"Score: {exact_points(score)}"
    if verdict.max_score:                               # unknown when nothing could be run
        total += f" / {exact_points(verdict.max_score)} ({100 * score / verdict.max_score:.0f}%)"
    if verdict.late_seconds > 0:
        total += f" after the late penalty; {exact_points(verdict.raw_score)} before it; {late_text(verdict)}"
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
            f"<body>\n<main>\n{body}\n</main>\n</body>\n</html>\n")


def feedback_path(verdict, course_root):
    """nbgrader's feedback layout: <course_root>/feedback/<student>/<assignment>/<notebook>.html."""
    return (Path(course_root) / "feedback" / safe_part(verdict.student, "student")
            / safe_part(verdict.assignment, "assignment")
            / f"{safe_part(verdict.notebook, 'notebook')}.html")


def write_feedback(verdict, course_root):
    """Write the student's feedback page at its nbgrader path; returns the path."""
    path = feedback_path(verdict, course_root)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(feedback_html(verdict), encoding="utf-8")
    return path

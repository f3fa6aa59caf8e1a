"""Plain text of a verdict, as the student reads it: in the notebook's hidden-test output, the
self-check, the feedback page and Gradescope's results."""
from .common import reason, status


def points_text(points):
    """Points for people to read: at most two decimals, no trailing zeros (0.78, 3, 2.5)."""
    return f"{round(float(points), 2):g}"


def case_line(case):
    """One case: PASS or FAIL, its name, and how the answer differs."""
    return f"  {'PASS' if case.passed else 'FAIL'}  {case.name}" + ("" if case.passed else f": {case.message}")


def exercise_lines(exercise, reason=""):
    """An ExerciseResult's report: a line per case, each hint once (after the first case it
    explains, with how many failed cases it explains); reason: why the submission was not
    graded, said instead. The instructor's score and comment (the formgrader's) come first."""
    lines = instructor_lines(exercise)
    if reason:
        return lines + [f"  not graded: {reason}"]
    lines += [f"  NOTE  {exercise.note}"] if exercise.note else []
    if exercise.undefined:                      # said once, not once per case
        return lines + [f"  FAIL  {exercise.cases[0].message}"]
    failed = [c for c in exercise.cases if not c.passed]
    hinted = set()
    for case in exercise.cases:
        lines.append(case_line(case))
        if case.hint and case.hint not in hinted:
            hinted.add(case.hint)
            count = sum(c.hint == case.hint for c in failed)
            lines.append(f"        hint: {case.hint}"
                         + (f" (this explains {count} of the {len(failed)} failed cases)" if count > 1 else ""))
    return lines


def instructor_lines(exercise):
    """What the instructor set on an exercise in the formgrader: a score, a comment."""
    lines = []
    if exercise.override is not None:
        lines.append(f"  INSTRUCTOR  your instructor set this exercise's score to {points_text(exercise.override)} / "
                     f"{points_text(exercise.max_points)} (the grader gave {points_text(exercise.points)})")
    if exercise.comment:
        lines.append(f"  COMMENT  {exercise.comment}")
    return lines


def late_text(verdict):
    """How late the submission was and what it cost, or "" when on time."""
    if verdict.late_seconds <= 0:
        return ""
    return (f"submitted {verdict.late_seconds / 3600:.1f} hours after the due date: late penalty "
            f"{points_text(verdict.late_penalty)} points")


def exercise_head(exercise):
    """"name: points / max points (k of n cases passed)"."""
    head = f"{exercise.name}: {points_text(exercise.points)} / {points_text(exercise.max_points)} points"
    if exercise.undefined:
        return head
    return head + f" ({sum(c.passed for c in exercise.cases)} of {len(exercise.cases)} cases passed)"


def exercise_text(exercise):
    """The head and the report of a graded exercise, one string."""
    return "\n".join([exercise_head(exercise), *exercise_lines(exercise)])


def verdict_text(verdict):
    """Everything the student reads about a verdict: status and reason, notes, every exercise."""
    why = reason(verdict) if verdict.needs_manual_grade else verdict.reason
    lines = [status(verdict) + (f": {why}" if why else ""), *verdict.notes]
    lines += [late_text(verdict)] if verdict.late_seconds > 0 else []
    for exercise in verdict.exercises:
        lines += [exercise_head(exercise), *exercise_lines(exercise, verdict.reason)]
    return "\n".join(lines)

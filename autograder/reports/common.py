"""What several report formats compute from verdicts: points for a file, per-exercise
maxima, safe path parts."""


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


def reason(verdict):
    """Why an ungradable verdict could not be graded ("" for a graded one)."""
    return "" if verdict.graded else (verdict.reason or "no reason given")

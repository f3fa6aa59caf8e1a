"""A whole class: find the submissions, grade them in parallel, record the grades.

Each submission is graded in a worker process of its own (with its own sandboxed
kernel), so a runaway submission costs its own time and grade, never another's.
Scores also go into nbgrader's gradebook, where `nbgrader export` and the
formgrader read them.
"""
import dataclasses
import os
import pathlib
import warnings
from concurrent.futures import ProcessPoolExecutor, as_completed

from .checks import NOTEBOOKS
from .course import (assignments as course_assignments, gradebook as open_gradebook, notebook_path,
                     release_assignment)
from .kernel import Limits
from .runner import grade_submission, ungradable


def submissions(course_root, assignment):
    """Student ids with a folder submitted/<student>/<assignment>, sorted."""
    submitted = pathlib.Path(course_root) / "submitted"
    if not submitted.is_dir():
        return []
    return sorted(p.name for p in submitted.iterdir() if (p / assignment).is_dir())


def default_workers():
    return max(1, min(len(os.sched_getaffinity(0)), 8))


def grade_class(course_root, assignment, workers=None, limits=None, data_dir=None, progress=True,
                students=None):
    """Verdicts of every submission of one assignment, graded `workers` at a time; each
    kernel gets an equal share of the cores as BLAS threads (whatever limits.threads says)."""
    from tqdm.auto import tqdm
    cores = default_workers()
    workers = workers or cores
    limits = dataclasses.replace(limits or Limits(), threads=max(1, cores // workers))
    students = students if students is not None else submissions(course_root, assignment)
    verdicts = []
    with ProcessPoolExecutor(max_workers=workers) as pool:
        futures = {pool.submit(grade_submission, str(course_root), assignment, s, limits=limits,
                               data_dir=data_dir): s for s in students}
        bar = tqdm(as_completed(futures), total=len(futures), desc=f"grading {assignment}",
                   unit="student", disable=not progress)
        for future in bar:
            student = futures[future]
            try:
                verdicts.append(future.result())
            except Exception as error:  # a worker that died: still a verdict, with its reason
                verdicts.append(ungradable(student, assignment, notebook_path(course_root, assignment).stem,
                                           f"the grading worker failed ({type(error).__name__}: {error})"))
            bar.set_postfix(student=student, refresh=False)
    return sorted(verdicts, key=lambda v: v.student)


def ensure_released(course_root, assignment):
    """The assignment must be in nbgrader's gradebook (generate_assignment puts it there)."""
    from nbgrader.api import MissingEntry
    with open_gradebook(course_root) as gradebook:
        try:
            gradebook.find_assignment(assignment)
            return
        except MissingEntry:
            pass
    release_assignment(course_root, assignment)


def record_in_gradebook(course_root, verdicts):
    """Write every verdict's points into nbgrader's gradebook as autograded scores."""
    from nbgrader.api import MissingEntry
    with warnings.catch_warnings(), open_gradebook(course_root) as gradebook:
        warnings.simplefilter("ignore")      # nbgrader's SQLAlchemy session warns on lazy loads
        for verdict in verdicts:
            gradebook.update_or_create_student(verdict.student)
            try:
                gradebook.find_submission(verdict.assignment, verdict.student)
            except MissingEntry:
                gradebook.add_submission(verdict.assignment, verdict.student)
            for exercise in verdict.exercises:
                grade = gradebook.find_grade(exercise.name, verdict.notebook, verdict.assignment,
                                             verdict.student)
                grade.auto_score = verdict.earned(exercise)
            gradebook.db.commit()


def assignments_to_grade(course_root, requested):
    """The requested assignments (all of the course's when none), checked to exist."""
    known = course_assignments(course_root)
    unknown = [a for a in requested if a not in known]
    if unknown:
        raise ValueError(f"unknown assignment(s) {', '.join(unknown)}; the course has {', '.join(known)}")
    return list(requested) or [a for a in known if a in NOTEBOOKS]

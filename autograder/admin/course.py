"""The nbgrader course directory: its configuration and nbgrader's Python API over it."""
import os
import pathlib
import shutil
import sys

from .. import PROJECT

DEFAULT_ROOT = PROJECT / "course"


def nbgrader_api(root=DEFAULT_ROOT, **overrides):
    """NbGraderAPI for the course at root, configured by its nbgrader_config.py.

    NbGraderAPI does not read nbgrader_config.py by itself, so it is loaded here;
    `overrides` are extra traitlets settings, e.g. {"Execute": {"timeout": 30}}.
    nbgrader runs the `alembic` command it installs: this environment's bin/ goes
    first on PATH.
    """
    from nbgrader.apps import NbGraderAPI
    from traitlets.config import Config

    root = pathlib.Path(root).resolve()
    bin_dir = str(pathlib.Path(sys.executable).parent)
    if bin_dir not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = bin_dir + os.pathsep + os.environ.get("PATH", "")
    config = course_config(root)
    config.merge(Config(overrides))
    return NbGraderAPI(config=config)


def course_config(root=DEFAULT_ROOT):
    """The traitlets Config of the course at root: its nbgrader_config.py, with the course
    directory's root set (no gradebook is opened)."""
    from traitlets.config.loader import PyFileConfigLoader
    root = pathlib.Path(root).resolve()
    config = PyFileConfigLoader("nbgrader_config.py", path=str(root)).load_config()
    config.CourseDirectory.root = str(root)
    return config


def gradebook(root=DEFAULT_ROOT):
    """nbgrader's Gradebook of the course, under its configured course_id (a new one each
    call: use it as a context manager). Built from the database URL alone, a Gradebook
    works under nbgrader's 'default_course' instead."""
    return nbgrader_api(root).gradebook


def release_assignment(root, assignment, api=None):
    """Release an assignment with nbgrader (generate_assignment, which also puts it in the
    gradebook), with the public cases of its visible tests written beside the source notebook
    first, so nbgrader copies them into the release; RuntimeError with nbgrader's log when that
    fails."""
    from .public import write_public_cases
    write_public_cases(pathlib.Path(root) / "source" / assignment, assignment)
    result = (api or nbgrader_api(root)).generate_assignment(assignment)
    if not result["success"]:
        raise RuntimeError(f"nbgrader could not release {assignment}:\n{result['log']}")


def assignments(root=DEFAULT_ROOT):
    """Names of the assignments in course/source, in order (e.g. "01-convolution")."""
    return sorted(p.name for p in (pathlib.Path(root) / "source").iterdir() if p.is_dir())


def notebook_path(root, assignment):
    """The one source notebook of an assignment."""
    (path,) = (pathlib.Path(root) / "source" / assignment).glob("*.ipynb")
    return path


def assignment_of(root, filename):
    """The assignment whose source notebook has this file name (e.g. "pooling.ipynb"), or None."""
    name = pathlib.PurePath(filename).name
    return next((a for a in assignments(root) if notebook_path(root, a).name == name), None)


def answers_given(root, assignment):
    """{earlier assignment: [its graded functions]} that the assignment's notebook defines in
    its given cells (03-05 give working layers of earlier notebooks, so they run): releasing
    it shows those answers."""
    import ast

    import nbformat

    from ..checks import NOTEBOOKS
    defined = set()
    for cell in nbformat.read(notebook_path(root, assignment), as_version=4).cells:
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type == "code" and not meta.get("solution") and not meta.get("grade"):
            try:
                defined |= {node.name for node in ast.parse(cell.source).body if isinstance(node, ast.FunctionDef)}
            except SyntaxError:
                continue
    given = {other: sorted(defined & {check.name for check in checks})
             for other, checks in NOTEBOOKS.items() if other != assignment}
    return {other: names for other, names in given.items() if names}


def latest_due_dates(root, names):
    """{assignment: the latest due date (naive UTC datetime, as nbgrader keeps it) of each of
    `names` in the course's gradebook, the latest extension of any student included, or None
    where the gradebook gives it no due date}."""
    from nbgrader.api import MissingEntry
    due = {}
    with gradebook(root) as book:
        for name in names:
            try:
                assignment = book.find_assignment(name)
            except MissingEntry:
                due[name] = None
                continue
            dates = [assignment.duedate] + [s.duedate for s in assignment.submissions if s.extension]
            due[name] = max((d for d in dates if d is not None), default=None)
    return due


def open_answers(root, assignment, now=None):
    """{earlier assignment: its latest due date, or None} of the assignments whose answers the
    notebook of `assignment` shows in its given cells (answers_given) and whose due date has not
    passed at `now` (naive UTC; the present when None): releasing it to a class would show them.
    Empty when it may be released."""
    import datetime
    now = now or datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)
    given = answers_given(root, assignment)
    if not given:
        return {}
    return {name: due for name, due in latest_due_dates(root, sorted(given)).items() if due is None or due > now}


def copy_course(target, release=()):
    """A copy of the course at `target` without anything made from it (releases,
    submissions, grades, feedback, reports), with the assignments in `release` released
    by nbgrader. Returns target as a Path."""
    target = pathlib.Path(target)
    shutil.copytree(DEFAULT_ROOT, target, ignore=shutil.ignore_patterns(
        "release", "submitted", "autograded", "feedback", "reports", "gradebook.db"))
    api = nbgrader_api(target)
    for assignment in release:
        release_assignment(target, assignment, api)
    return target


def kernel_data_dir():
    """The data folder the grading kernels may read (coursekit's), or None when it is missing."""
    from coursekit.data import data_dir as configured
    path = configured()
    return str(path) if path.is_dir() else None


__all__ = ["nbgrader_api", "course_config", "gradebook", "release_assignment", "assignments", "notebook_path", "assignment_of",
           "answers_given", "latest_due_dates", "open_answers", "copy_course", "kernel_data_dir", "DEFAULT_ROOT"]

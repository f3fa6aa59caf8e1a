"""Play a bank answer as a student would: the model solution with that one function
swapped for the answer, every exercise of the notebook graded in this process (and the
notebook that student submits, notebook_with, for grading it as a class).

The notebook's given cells run once per notebook, as in a graded run (NBGRADER_EXECUTION
set, plots to Agg, output discarded). For each answer the solution cells are run again
in a copy of that namespace, so every function binds the copy, then the answer's own
source replaces its function; the checks then run as notebook.grade() runs them, in
notebook order, with the cases of one seed.
"""
import ast
import contextlib
import copy
import functools
import io
import os
from dataclasses import dataclass

import nbformat

from ..checks.scoring import grade_in_process, settle, unattempted
from ..checks import MODULES, NOTEBOOKS
from ..admin.course import DEFAULT_ROOT, notebook_path
from ..cleanroom.submission import nbgrader_meta

ASSIGNMENT_OF = {module.__name__.rsplit(".", 1)[-1]: assignment for assignment, module in MODULES.items()}


@functools.lru_cache(maxsize=None)
def _notebook(assignment):
    return nbformat.read(notebook_path(DEFAULT_ROOT, assignment), as_version=4)


@contextlib.contextmanager
def _graded_run():
    """NBGRADER_EXECUTION set and matplotlib on Agg, as in a graded run; output discarded."""
    saved = {k: os.environ.get(k) for k in ("NBGRADER_EXECUTION", "MPLBACKEND")}
    os.environ.update(NBGRADER_EXECUTION="autograde", MPLBACKEND="Agg")
    sink = io.StringIO()
    try:
        with contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink):
            yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key)
            else:
                os.environ[key] = value


@functools.lru_cache(maxsize=None)
def base_namespace(assignment):
    """The namespace of the model solution after every cell but the graded ones ran."""
    namespace = {"__name__": "__main__"}
    with _graded_run():
        for i, cell in enumerate(_notebook(assignment).cells):
            if cell.cell_type == "code" and not nbgrader_meta(cell).get("grade"):
                exec(compile(cell.source, f"<{assignment} cell {i}>", "exec"), namespace)
    import matplotlib.pyplot as plt
    plt.close("all")
    return namespace


def _solution_cells(assignment):
    return [cell.source for cell in _notebook(assignment).cells
            if cell.cell_type == "code" and nbgrader_meta(cell).get("solution")]


@dataclass
class Play:
    """How one answer fared: reports of every exercise of its notebook, and the verdict."""
    answer: object
    reports: list
    problem: str = ""          # empty when the answer earned what it should


def play(answer, seed=0):
    """Grade the model solution with `answer` in place of its function (a Play)."""
    reports = grade_with(ASSIGNMENT_OF[answer.notebook], [answer.source], seed, f"answer: {answer.what}")
    return Play(answer, reports, _problem(answer, reports))


def notebook_with(answer):
    """The model solution as a notebook (an nbformat node) with `answer` in place of the last
    definition of its function: what the student who wrote it submits."""
    nb = copy.deepcopy(_notebook(ASSIGNMENT_OF[answer.notebook]))
    cell, node = [(cell, node) for cell in nb.cells if cell.cell_type == "code"
                  for node in _functions(cell.source) if node.name == answer.name][-1]
    lines = cell.source.splitlines(keepends=True)
    cell.source = "".join(lines[:node.lineno - 1]) + answer.source + "".join(lines[node.end_lineno:])
    return nb


def _functions(source):
    """The functions a cell defines at its top level (none when it is not plain Python)."""
    try:
        return [node for node in ast.parse(source).body if isinstance(node, ast.FunctionDef)]
    except SyntaxError:
        return []


def namespace_with(assignment, sources, label="answer"):
    """The notebook's namespace after the model solution ran, with the functions defined by
    `sources` (texts of code) in place of its own."""
    namespace = dict(base_namespace(assignment))
    with _graded_run():
        for source in _solution_cells(assignment):
            exec(source, namespace)
        for source in sources:
            exec(compile(source, f"<{label}>", "exec"), namespace)
    return namespace


def grade_with(assignment, sources, seed=0, label="answer"):
    """Reports of every exercise of the notebook, settled, for the model solution with the
    functions defined by `sources` (texts of code) in place of its own."""
    namespace = namespace_with(assignment, sources, label)
    reports = []
    with _graded_run():
        for check in NOTEBOOKS[assignment]:
            reports.append(grade_in_process(check, namespace.get(check.name), seed, absent=unattempted(reports)))
    return settle(reports)


def _calls(report):
    """The graded functions the exercise of `report` is expected to call on its cases."""
    uses = report.check.uses
    return set().union(*(uses(*r.case.args) for r in report.results)) if uses else set()


def _problem(answer, reports):
    """Why the answer did not earn what it should, or "". A bug that is no real attempt (None,
    a value of another kind, a crash everywhere) gets no stand-in, so it may also cost the
    exercises that call it (scoring.unattempted); any other loss elsewhere is a problem."""
    lost = [r for r in reports if r.points < r.check.points]
    if answer.correct:
        return "; ".join(f"lost {r.check.points - r.points:g} on {r.check.name}" for r in lost)
    own = next(r for r in reports if r.check.name == answer.name)
    others = [r.check.name for r in lost if r.check.name != answer.name
              and (own.real_attempt or answer.name not in _calls(r))]
    if own.points >= own.check.points:
        return "not caught: full marks"
    hints = [r.hint for r in own.results if not r.passed]
    if not any(answer.hint in hint for hint in hints):
        return f"caught, but no hint names the cause ({answer.hint!r}); hints: {sorted(set(hints))}"
    if others:
        return f"also lost points on {', '.join(others)}"
    return ""

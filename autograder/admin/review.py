"""The instructor's review in nbgrader's formgrader: the gradebook both ways, and the
autograded notebooks the formgrader opens.

record() puts each verdict into nbgrader's gradebook (the submission with the time nbgrader
recorded for it, each graded cell's automatic score, ungradable work and work whose
submission time cannot be read (late.submitted_at) flagged for manual grading) and reads
back what the instructor set in the formgrader: a cell's manual score (an override) and the
comment on its answer. It then settles the late penalty by the course's
policy (late.py) where nbgrader keeps it. Only automatic scores are written, so overrides
and comments survive every regrade.

write_autograded() writes nbgrader's autograded/<student>/<assignment>/<notebook>.ipynb: the
source notebook with the student's answers in its solution cells, and each graded cell as
released (never its hidden tests) with the exercise's cases and hints as its output.
"""
import dataclasses
import json
import warnings

import nbformat

from ..cleanroom.files import Refused
from ..cleanroom.runner import read_answers
from ..cleanroom.submission import Unreadable, nbgrader_meta
from ..limits import Limits
from ..reports.common import safe_part
from ..reports.text import exercise_lines
from . import late
from .classbuilder import released_notebook
from .course import nbgrader_api, notebook_path


def solution_cells(source_nb):
    """{grade_id of each graded cell: the grade_ids of the solution cells since the graded
    cell before it} (where nbgrader keeps the instructor's comments on an exercise's answer)."""
    owners, pending = {}, []
    for cell in source_nb["cells"]:
        meta = nbgrader_meta(cell)
        if meta.get("solution") and meta.get("grade_id"):
            pending.append(meta["grade_id"])
        elif meta.get("grade") and meta.get("grade_id"):
            owners[meta["grade_id"]], pending = pending, []
    return owners


def _comment(gradebook, cells, verdict):
    from nbgrader.api import MissingEntry
    texts = []
    for cell in cells:
        try:
            comment = gradebook.find_comment(cell, verdict.notebook, verdict.assignment, verdict.student)
        except MissingEntry:
            continue
        if comment.comment:
            texts.append(comment.comment)
    return "\n".join(texts)


def record(course_root, verdicts):
    """Write the verdicts into nbgrader's gradebook; returns them with the instructor's
    overrides and comments, and the late penalty of each, as the gradebook now holds them,
    each whose timestamp.txt could not be read flagged (Verdict.flag: the reason) with no
    penalty, its cells marked as needing a manual grade."""
    api = nbgrader_api(course_root)
    plugin = late.penalty_plugin(api.config)
    sources = {}
    reviewed = []
    with warnings.catch_warnings(), api.gradebook as gradebook:
        warnings.simplefilter("ignore")      # nbgrader's SQLAlchemy session warns on lazy loads
        for verdict in verdicts:
            if verdict.assignment not in sources:
                sources[verdict.assignment] = solution_cells(
                    json.loads(notebook_path(course_root, verdict.assignment).read_text()))
            timestamp, problem = late.submitted_at(course_root, verdict.student, verdict.assignment)
            flagged = dataclasses.replace(verdict, flag="; ".join(filter(None, (verdict.flag, problem))))
            gradebook.update_or_create_student(verdict.student)
            submission = gradebook.update_or_create_submission(verdict.assignment, verdict.student,
                                                               timestamp=timestamp)
            exercises = []
            for exercise in verdict.exercises:
                grade = gradebook.find_grade(exercise.name, verdict.notebook, verdict.assignment, verdict.student)
                grade.auto_score = verdict.auto_points(exercise)
                grade.needs_manual_grade = flagged.needs_manual_grade and grade.manual_score is None
                comment = _comment(gradebook, sources[verdict.assignment].get(exercise.name, []), verdict)
                exercises.append(dataclasses.replace(exercise, override=grade.manual_score, comment=comment))
            reviewed_verdict = dataclasses.replace(flagged, exercises=exercises)
            seconds_late = submission.total_seconds_late if timestamp else 0.0
            penalty = late.penalty(plugin, verdict.student, reviewed_verdict.raw_score, seconds_late)
            notebook = gradebook.find_submission_notebook(verdict.notebook, verdict.assignment, verdict.student)
            notebook.late_submission_penalty = penalty or None
            gradebook.db.commit()
            reviewed.append(dataclasses.replace(reviewed_verdict, late_seconds=seconds_late, late_penalty=penalty))
    return reviewed


def autograded_notebook(source_nb, release_nb, student_answers, verdict):
    """The notebook the formgrader shows for a verdict (an nbformat NotebookNode): the source's
    cells, the student's answer in each solution cell (student_answers {grade_id: code or
    None}), each graded cell as released with the exercise's report as its output."""
    notebook = nbformat.from_dict(json.loads(json.dumps(source_nb)))
    released = {nbgrader_meta(c).get("grade_id"): c["source"] for c in release_nb["cells"]}
    results = {e.name: e for e in verdict.exercises}
    missing = verdict.reason or "no cell of the submission was found for this answer"
    for cell in notebook.cells:
        meta = nbgrader_meta(cell)
        if cell.cell_type != "code":
            continue
        cell.outputs, cell.execution_count = [], None
        grade_id = meta.get("grade_id")
        if meta.get("solution"):
            answer = student_answers.get(grade_id)
            cell.source = answer if answer is not None else f"# {missing}"
        elif meta.get("grade") and grade_id in results:
            cell.source = "".join(released.get(grade_id, ""))
            report = "\n".join(exercise_lines(results[grade_id], verdict.reason)) + "\n"
            cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=report)]
    return notebook


def write_autograded(course_root, assignment, verdicts, limits=None):
    """Write autograded/<student>/<assignment>/<notebook>.ipynb for each verdict; returns the paths."""
    limits = limits or Limits()
    source_path = notebook_path(course_root, assignment)
    source_nb = json.loads(source_path.read_text())
    release_nb = json.loads(released_notebook(course_root, assignment).read_text())
    written = []
    for verdict in verdicts:
        try:
            student_answers = read_answers(course_root, assignment, verdict.student, limits)
        except (Refused, Unreadable):
            student_answers = {}
        folder = (course_root / "autograded" / safe_part(verdict.student, "student") /
                  safe_part(assignment, "assignment"))
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / source_path.name
        nbformat.write(autograded_notebook(source_nb, release_nb, student_answers, verdict), path)
        written.append(path)
    return written

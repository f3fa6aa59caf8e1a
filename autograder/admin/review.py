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
released (never its hidden tests) with the exercise's cases and hints as its output, after a
first cell for the instructor (review_text: the score before and after the late penalty, why
it needs a manual grade, similarity flags). nbgrader's generate_feedback drops that cell
(ClearReviewCells, in the course's nbgrader_config.py), since it may name other students.
"""
import dataclasses
import json
import warnings

import nbformat
from nbconvert.preprocessors import Preprocessor
from traitlets import Bool

from ..cleanroom.files import Refused
from ..cleanroom.runner import read_answers
from ..cleanroom.submission import Unreadable, nbgrader_meta
from ..limits import Limits
from ..reports.common import exact_points, reason, safe_part
from ..reports.text import exercise_lines, late_text
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


REVIEW_KEY = "autograder_review"      # metadata of the autograded notebook's first cell, for the instructor


def record(course_root, verdicts, flags=None):
    """Write the verdicts into nbgrader's gradebook; returns them with the instructor's
    overrides and comments, and the late penalty of each, as the gradebook now holds them,
    each whose timestamp.txt could not be read flagged (Verdict.flag: the reason) with no
    penalty, its cells marked as needing a manual grade. flags: {student: why the instructor
    should look} (similarity.review_flags): those students' cells are marked as needing a
    manual grade too (where no manual score is set), the verdicts left as they are."""
    flags = flags or {}
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
                grade.needs_manual_grade = ((flagged.needs_manual_grade or verdict.student in flags)
                                            and grade.manual_score is None)
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


def review_text(verdict, flag=""):
    """What the instructor reads first in the formgrader (Markdown): the score before the late
    penalty, the penalty and the score after it, the status and its reason (common.reason)
    and flag (why to look: similarity.review_flags), each on a line of its own."""
    lines = [f"**Grader's summary.** Score before the late penalty: {exact_points(verdict.raw_score)} / "
             f"{exact_points(verdict.max_score)}; late penalty: {exact_points(verdict.late_penalty)}"
             + (f" ({late_text(verdict)})" if verdict.late_seconds > 0 else "")
             + f"; score after the penalty: {exact_points(verdict.score)}."]
    why = reason(verdict)
    if verdict.needs_manual_grade or flag:
        lines.append(f"**Needs manual grade.** {'; '.join(filter(None, (why, flag)))}")
    elif why:
        lines.append(f"Note: {why}")
    return "\n\n".join(lines)


def autograded_notebook(source_nb, release_nb, student_answers, verdict, flag=""):
    """The notebook the formgrader shows for a verdict (an nbformat NotebookNode): a first
    Markdown cell for the instructor (review_text of verdict and flag, marked REVIEW_KEY in its
    metadata), then the source's cells, the student's answer in each solution cell
    (student_answers {grade_id: code or None}), each graded cell as released with the
    exercise's report as its output."""
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
    notebook.cells.insert(0, nbformat.v4.new_markdown_cell(review_text(verdict, flag), metadata={REVIEW_KEY: True}))
    return notebook


class ClearReviewCells(Preprocessor):
    """nbgrader's feedback without the autograded notebook's cell for the instructor (REVIEW_KEY):
    put in GenerateFeedback.preprocessors (enabled there by default, as nbgrader's own are)."""

    enabled = Bool(True).tag(config=True)

    def preprocess(self, nb, resources):
        nb.cells = [cell for cell in nb.cells if not cell.metadata.get(REVIEW_KEY)]
        return nb, resources


def write_autograded(course_root, assignment, verdicts, limits=None, flags=None):
    """Write autograded/<student>/<assignment>/<notebook>.ipynb for each verdict (flags:
    {student: why to look}, shown in its first cell); returns the paths."""
    limits = limits or Limits()
    flags = flags or {}
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
        nbformat.write(autograded_notebook(source_nb, release_nb, student_answers, verdict,
                                           flags.get(verdict.student, "")), path)
        written.append(path)
    return written

"""A class to grade, as the demo, the tests and the proof's hostile class build it: a copy
of the course with assignments released and the students' submissions written where
nbgrader looks for them. (A bank answer as a student's notebook: proof.play.notebook_with.)
"""
import pathlib
import shutil

from .course import copy_course, notebook_path


def build_class(target, assignments, submissions):
    """A copy of the course at `target` (an old one there is replaced) with `assignments`
    released and what submissions(root) yields submitted (see submit): tuples (student,
    assignment, content) or (student, assignment, content, file name). submissions gets the
    new course's root because a submission may be made from its release or name its folders.
    Returns the root as a Path."""
    target = pathlib.Path(target)
    if target.exists():
        shutil.rmtree(target)
    root = copy_course(target, release=assignments)
    for student, assignment, content, *name in submissions(root):
        submit(root, student, assignment, content, *name)
    return root


def submit(root, student, assignment, content, name=None):
    """Write content (bytes or text) as submitted/<student>/<assignment>/<name> of the course
    at root, name by default the file name of the assignment's notebook. Returns its path."""
    path = pathlib.Path(root) / "submitted" / student / assignment / (name or notebook_path(root, assignment).name)
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content)
    return path


def released_notebook(root, assignment):
    """The path of the assignment's released notebook in the course at root."""
    return pathlib.Path(root) / "release" / assignment / notebook_path(root, assignment).name

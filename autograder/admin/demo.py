"""The demo class: build it from the course, offline, grade it, print the class table.

    python -m autograder.admin.demo [--folder demo] [--assignments 01-convolution ...] [--workers N]

Students: the model solution, the untouched release, students with realistic bugs
(each the model solution with one bug of the proof's bank, autograder/proof/bank), a
pair who copied (copied-a's honest answers and copied-b's disguised copy of them,
autograder/admin/copied.py, where they were written), broken notebooks (invalid JSON, an
empty file, a deleted solution cell, stripped metadata, an endless loop, a kernel that
exits), and the model solution handed in late. Each assignment is due at DUE; every
submission has nbgrader's timestamp.txt, on time but LATE's. Everything is written under --folder
(git-ignored), nothing is fetched.
"""
import argparse
import datetime
import json
import pathlib
import sys

import nbformat

from . import classbuilder, copied
from .course import assignments as course_assignments, gradebook, notebook_path
from .late import TIMESTAMP
from ..cleanroom.submission import nbgrader_meta
from ..proof.answers import find
from ..proof.play import ASSIGNMENT_OF, notebook_with

# The students with a realistic bug, by student id: each a bug of the bank.
BUGGY = {
    "forgot-bias": find("conv_forward_naive", "the bias forgotten"),
    "rounds-output-size": find("output_size", "round() instead of a floor"),
    "pads-every-axis": find("zero_pad", "every axis padded: np.pad(x, pad)"),
    "avg-sums": find("pool_forward_naive", "average pooling sums the window"),
    "relu-abs": find("relu_forward", "the absolute value"),
    "one-sided-difference": find("numerical_gradient", "one-sided difference"),
    "db-not-accumulated": find("conv_backward_naive", "db written with ="),
    "all-ties-get-gradient": find("max_mask", "every tied maximum marked"),
    "col2im-overwrites": find("col2im", "rows assigned with ="),
    "loss-grad-not-divided": find("softmax_cross_entropy", "the gradient not divided by N"),
}


DUE = datetime.datetime(2026, 12, 1, 17, 0)      # UTC, as nbgrader keeps due dates
LATE = "submitted-late"                            # the model solution, handed in 30 hours late
LATE_BY, EARLY_BY = datetime.timedelta(hours=30), datetime.timedelta(hours=2)


def buggy(assignment):
    """{student id: notebook text} of the students of BUGGY whose bug is in the assignment."""
    return {student: nbformat.writes(notebook_with(bug)) for student, bug in BUGGY.items()
            if ASSIGNMENT_OF[bug.notebook] == assignment}


def _broken(source_text):
    """Broken notebooks every assignment gets, by student id."""
    nb = json.loads(source_text)
    first = next(c for c in nb["cells"] if nbgrader_meta(c).get("solution"))
    deleted = dict(nb, cells=[c for c in nb["cells"] if c is not first])
    stripped = dict(nb, cells=[dict(c, metadata={}) for c in nb["cells"]])
    looping = dict(nb, cells=[dict(c, source="while True:\n    pass\n" + "".join(c["source"]))
                              if c is first else c for c in nb["cells"]])
    exits = dict(nb, cells=[dict(c, source="import os\nos._exit(1)\n") if c is first else c
                            for c in nb["cells"]])
    return {"broken-json": source_text[: len(source_text) // 2],
            "empty-file": "",
            "deleted-cell": json.dumps(deleted),
            "stripped-metadata": json.dumps(stripped),
            "endless-loop": json.dumps(looping),
            "kernel-exits": json.dumps(exits)}


def build_class(folder, assignments):
    """A copy of the course under folder/course with released assignments and the demo class
    submitted. Returns the course root."""
    def submissions(root):
        for assignment in assignments:
            text = notebook_path(root, assignment).read_text()
            release = classbuilder.released_notebook(root, assignment).read_text()
            students = {"model-solution": text, "untouched-release": release, LATE: text}
            students.update(buggy(assignment))
            if copied.answered(assignment):
                students.update({"copied-a": copied.honest(release, assignment),
                                 "copied-b": copied.disguised(release, assignment)})
            students.update(_broken(text))
            for student, content in students.items():
                submitted = DUE + (LATE_BY if student == LATE else -EARLY_BY)
                yield student, assignment, content
                yield student, assignment, f"{submitted:%Y-%m-%d %H:%M:%S.%f} UTC", TIMESTAMP
    root = classbuilder.build_class(pathlib.Path(folder) / "course", assignments, submissions)
    with gradebook(root) as book:
        for assignment in assignments:
            book.update_or_create_assignment(assignment, duedate=DUE)
    return root


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m autograder.admin.demo", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--folder", type=pathlib.Path, default=pathlib.Path("demo"))
    parser.add_argument("--assignments", nargs="*", default=None)
    parser.add_argument("--workers", type=int, default=None)
    args = parser.parse_args(argv)
    chosen = args.assignments or course_assignments()
    print(f"Building the demo class in {args.folder / 'course'} ...", flush=True)
    course = build_class(args.folder, chosen)
    from ..__main__ import main as autograder_main
    command = ["--course", str(course), "grade", *chosen, "--cell-timeout", "20"]
    if args.workers:
        command += ["--workers", str(args.workers)]
    status = autograder_main(command)
    if status not in (0, 1):     # the demo's broken notebooks are meant to be ungradable: 1 is a success here
        return status
    canvas = course / "reports" / "canvas.csv"
    autograder_main(["--course", str(course), "export", "--format", "canvas", "--out", str(canvas)])
    print(f"\nFeedback pages: {course / 'feedback'}\nReports (grades, mistakes, similarity): {course / 'reports'}"
          f"\nAutograded notebooks for the formgrader: {course / 'autograded'} (make formgrader COURSE={course})"
          f"\n{LATE} handed in {LATE_BY.total_seconds() / 3600:g} hours late: see its late_penalty in grades.csv")
    return 0


if __name__ == "__main__":
    sys.exit(main())

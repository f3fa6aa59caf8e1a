"""The demo class: build it from the course, offline, grade it, print the class table.

    python -m autograder.admin.demo [--folder demo] [--assignments 01-convolution ...] [--workers N]

Students: the model solution, the untouched release, students with realistic bugs
(each one a small edit of the solution), and broken notebooks (invalid JSON, an
empty file, a deleted solution cell, stripped metadata, an endless loop, a kernel
that exits). Everything is written under --folder (git-ignored), nothing is fetched.
"""
import argparse
import json
import pathlib
import sys

from . import classbuilder
from .course import assignments as course_assignments, notebook_path
from ..cleanroom.submission import nbgrader_meta

# (assignment, student, text in the solution, replacement): each a mistake students make.
BUGS = [
    ("01-convolution", "forgot-bias", "conv_single_step(window, w[:, :, :, c], b[c])",
     "conv_single_step(window, w[:, :, :, c], 0.0)"),
    ("01-convolution", "rounds-output-size", "return 1 + (n + 2 * pad - f) // stride",
     "return 1 + round((n + 2 * pad - f) / stride)"),
    ("01-convolution", "pads-every-axis", "return np.pad(x, ((0, 0), (pad, pad), (pad, pad), (0, 0)))",
     "return np.pad(x, pad)"),
    ("02-pooling", "avg-sums", "reduce = np.max if mode == \"max\" else np.mean",
     "reduce = np.max if mode == \"max\" else np.sum"),
    ("02-pooling", "relu-abs", "out = np.maximum(x, 0)", "out = np.abs(x)"),
    ("03-backprop", "one-sided-difference", "minus = f(x) if dout is None else f(x) * dout",
     "x[i] = original\n        minus = f(x) if dout is None else f(x) * dout"),
    ("03-backprop", "db-not-accumulated", "db[c] += dout[n, i, j, c]", "db[c] = dout[n, i, j, c]"),
    ("03-backprop", "all-ties-get-gradient", "mask[np.unravel_index(np.argmax(window), window.shape)] = True",
     "mask = window == window.max()"),
    ("04-vectorization", "col2im-overwrites",
     "dxp[:, i * stride:i * stride + f, j * stride:j * stride + f, :] += windows[:, i, j]",
     "dxp[:, i * stride:i * stride + f, j * stride:j * stride + f, :] = windows[:, i, j]"),
    ("05-mnist", "loss-grad-not-divided", "    dscores /= N\n", "\n"),
]


def _solution_with(source_text, old, new):
    """The notebook with `old` replaced by `new` in the cell that contains it."""
    nb = json.loads(source_text)
    for cell in nb["cells"]:
        code = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        if old in code:
            cell["source"] = code.replace(old, new, 1)
            return json.dumps(nb, indent=1)
    raise ValueError(f"the demo bug no longer applies: {old!r} is not in the solution")


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
            students = {"model-solution": text, "untouched-release": classbuilder.released(root, assignment)}
            students.update({student: _solution_with(text, old, new)
                             for a, student, old, new in BUGS if a == assignment})
            students.update(_broken(text))
            for student, content in students.items():
                yield student, assignment, content
    return classbuilder.build_class(pathlib.Path(folder) / "course", assignments, submissions)


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
    print(f"\nFeedback pages: {course / 'feedback'}\nReports: {course / 'reports'}")
    # The demo's broken notebooks are meant to be ungradable: that is a success here.
    return 0 if status in (0, 1) else status


if __name__ == "__main__":
    sys.exit(main())

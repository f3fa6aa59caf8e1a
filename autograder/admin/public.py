"""The public cases of the visible tests, made at release time from the reference.

For every exercise: its check's cases drawn from PUBLIC_SEED (a seed no grading uses), each
with the reference's answer and the answers of the known mistakes that give another answer
there, and how answers are compared (an exercise judged on data the notebook gives, such as
trained_model, has no inputs here: see Check.public). They are written as data
(coursekit.wire) beside the notebook, where coursekit.visible reads them in the student's
kernel: the student sees the hidden tests' verdicts and hints before submitting, on other
values, and no reference code reaches the student's machine.
"""
import pathlib

from coursekit import wire
from coursekit.visible import PUBLIC_FILE

from ..checks import NOTEBOOKS
from ..checks.model import PUBLIC_SEED


def public_record(check):
    """The data the visible tests of one check need (see coursekit.visible)."""
    if check.public:
        cases = check.public()
    else:
        cases = [{"name": case.name, "args": case.args, "expected": expected,
                  "mistakes": list(check.mistakes(case, expected))}
                 for case in check.cases(PUBLIC_SEED) for expected in [check.expected(case)]]
    return {"compare": check.compare.spec, "bug_compare": check.bug_compare.spec if check.bug_compare else None,
            "adapter": check.adapter, "hint": check.hint, "mutation_hint": check.mutation_hint, "cases": cases}


def write_public_cases(folder, assignment):
    """Write PUBLIC_FILE for the assignment's exercises into folder; returns its path."""
    records = {check.name: public_record(check) for check in NOTEBOOKS[assignment]}
    path = pathlib.Path(folder) / PUBLIC_FILE
    path.write_bytes(wire.encode(records))
    return path

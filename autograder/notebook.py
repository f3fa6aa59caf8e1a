"""Grading inside the student's kernel: what the hidden block of a graded test cell calls.

    ### BEGIN HIDDEN TESTS
    from autograder.notebook import grade
    grade("conv_forward_naive")
    ### END HIDDEN TESTS

grade() finds the student's function in the notebook's namespace, runs its check,
prints one line per case, and returns the points as a plain float: the cell's
value, which nbgrader reads as partial credit. It never raises and never writes
to stderr (nbgrader would score the cell 0).
"""
import os

import __main__

from .checks import CHECKS
from .checks.model import PUBLIC_SEED
from .checks.scoring import grade_in_process, settle, unattempted
from .reports.text import exercise_text

_GRADED = {}        # this kernel's reports so far, by name: settle() and unattempted() read them
SEED = "COURSE_GRADING_SEED"     # the instructor's seed of the hidden inputs, for stock nbgrader


def grade(name, fn=None, seed=None):
    """Points earned by the notebook's function `name` (or fn) on its check, with the cases of
    `seed` (None: $COURSE_GRADING_SEED, else 0); prints the report."""
    check = CHECKS[name]
    fn = fn if fn is not None else getattr(__main__, name, None)     # None: grade_in_process says so
    seed = _seed() if seed is None else seed
    earlier = [report for other, report in _GRADED.items() if other != name]
    report = grade_in_process(check, fn, seed, absent=unattempted(earlier))
    report = _GRADED[name] = settle([*earlier, report])[-1]
    print(exercise_text(report.result()))
    return float(report.points)


def _seed():
    text = os.environ.get(SEED, "0")
    try:
        seed = int(text)
    except ValueError:
        print(f"{SEED}={text!r} is not a whole number: seed 0 is used")
        return 0
    if not 0 <= seed < PUBLIC_SEED:        # the public cases are every student's to see
        print(f"{SEED}={text!r} is outside 0 to {PUBLIC_SEED - 1}: seed 0 is used")
        return 0
    return seed

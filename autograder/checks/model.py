"""A check: seeded cases, the reference answer, a comparison, and hints for known bugs.

A check grades one exercise. Its cases are inputs built from a seed (one per
student: the same cases, other values); for each case the student's output is
compared with the reference's (from `solutions`) and the case earns its weight
when they agree. A failed case reports how the answer differs, never the hidden
answer itself, and, when the student's output is exactly what a known mistake
would produce, names that mistake. The points earned are a plain float, so
nbgrader gives partial credit.

Running a check has two halves: sandbox.harness.call_case runs where the student's code
runs; scoring.score() runs where the reference is, which may be another process. How an
answer is compared and matched with known mistakes is coursekit.judging, which the
visible tests share (autograder.admin.public gives them the expected outputs as data).
"""
from dataclasses import dataclass, field
from typing import Callable, Optional

import numpy as np

from coursekit.calling import ADAPTERS
from coursekit.judging import Comparison


@dataclass(frozen=True)
class Bug:
    """A mistake students make: the output it would give on the same arguments, and its name."""
    hint: str
    output: Callable


@dataclass
class Check:
    """How one graded function is checked.

    name: the function's name, also the grade_id of its graded test cell;
    points: the cell's points; reference: the function from `solutions`;
    cases(seed=0) -> list of Case: random inputs drawn from the seed (case_rng), the course's
    worked examples as they are; names, weights and count are the same for every seed;
    compare: a coursekit.judging.Comparison, compare(got, expected, case) -> None or a sentence
    (a Malformed one when got has not the expected form);
    bugs: known mistakes, tried in order when a case fails;
    bug_compare: how got is matched with a bug's output (compare when None);
    adapter: name of a coursekit.calling.ADAPTERS entry when the call needs one;
    mutation_hint: what to say when the function changes its inputs in place;
    hint: said when a case fails and no known bug explains it;
    uses(*args): {name: [args, ...]}, the calls the function is expected to make to other
    graded functions on those arguments: while it runs, those calls get the reference's
    answers (harness._standing_in), so a mistake there costs points on its own exercise only;
    builds_on: graded functions this exercise's result is built from (see settle);
    public: for a check without a reference, judged on data the notebook gives, public() ->
    its public cases without their inputs (see autograder.admin.public).
    """
    name: str
    points: float
    reference: Callable
    cases: Callable
    compare: Comparison
    bugs: list = field(default_factory=list)
    bug_compare: Optional[Comparison] = None
    adapter: Optional[str] = None
    mutation_hint: str = "work on a copy (np.pad, x.copy()) instead of changing the caller's array"
    hint: str = ""
    uses: Optional[Callable] = None
    builds_on: tuple = ()
    public: Optional[Callable] = None

    def expected(self, case):
        return case.expected if case.expected is not None else self.call(self.reference, case)

    def call(self, fn, case):
        """fn on the case, as the harness would call it (used for the reference and bugs)."""
        call = ADAPTERS[self.adapter] if self.adapter else (lambda f, *a: f(*a))
        return call(fn, *case.args)

    def mistakes(self, case, expected):
        """(hint, output) of each known bug that gives another answer than expected on this
        case, in order (a stride bug at stride 1 cannot explain a failure, so it is left out);
        each bug runs only when the one before it did not explain the answer."""
        matches = self.bug_compare or self.compare
        for bug in self.bugs:
            try:
                with np.errstate(all="ignore"):
                    buggy = self.call(bug.output, case)
                    if matches(expected, buggy, case) is not None:
                        yield bug.hint, buggy
            except Exception:  # a bug that does not apply to this case
                continue

    def stand_ins(self, case, absent=()):
        """{name: [(args, the reference's answer)]} for the calls of self.uses on this case,
        leaving out the graded functions named in `absent` (see unattempted()): a stand-in
        replaces a helper's wrong answer, not its absence."""
        if self.uses is None:
            return {}
        import solutions
        return {name: [(args, getattr(solutions, name)(*args)) for args in calls]
                for name, calls in self.uses(*case.args).items() if name not in absent}


PUBLIC_SEED = 2**32     # the visible tests' cases (admin.public); every grading seed is below it


def case_rng(stream, seed):
    """The generator of one check's random inputs: stream (a number of its own) tells the
    checks apart, seed (an int >= 0, one per student) the students."""
    return np.random.default_rng([stream, seed])

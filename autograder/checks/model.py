"""A check: seeded cases, the reference answer, a comparison, and hints for known bugs.

A check grades one exercise. Its cases are inputs built from a seed (one per
student: the same cases, other values); for each case the student's output is
compared with the reference's (from `solutions`) and the case earns its weight
when they agree. A failed case reports how the answer differs, never the hidden
answer itself, and, when the student's output is exactly what a known mistake
would produce, names that mistake. The points earned are a plain float, so
nbgrader gives partial credit.

Running a check has two halves: harness.call_case runs where the student's code
runs; score() runs where the reference is, which may be another process. How an
answer is compared and matched with known mistakes is coursekit.judging, which the
visible tests share (autograder.admin.public gives them the expected outputs as data).
"""
from dataclasses import dataclass, field
from typing import Callable, Optional

import numpy as np

from coursekit.calling import ADAPTERS
from coursekit.judging import Case, Comparison, judge, undefined_message

from ..sandbox.harness import call_case


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
        return case.expected if case.expected is not None else self.run(self.reference, case)

    def run(self, fn, case):
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
                    buggy = self.run(bug.output, case)
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


def case_rng(stream, seed):
    """The generator of one check's random inputs: stream (a number of its own) tells the
    checks apart, seed (an int >= 0, one per student) the students."""
    return np.random.default_rng([stream, seed])


@dataclass
class Report:
    """The verdict of one check: per-case results and the points they earn.
    excused: why points lost here are not taken (see settle), or ""."""
    check: Check
    results: list
    excused: str = ""

    @property
    def points(self):
        return float(self.check.points) if self.excused else self.earned

    @property
    def earned(self):
        """The points the cases earned, excused or not."""
        total = sum(r.case.weight for r in self.results)
        passed = sum(r.case.weight for r in self.results if r.passed)
        return round(self.check.points * passed / total, 4) if total else 0.0

    @property
    def attempted(self):
        """Whether any case got an answer (not a stub's NotImplementedError, not a missing function)."""
        return any(r.answered for r in self.results)

    @property
    def partly_right(self):
        """A real attempt that is partly right: some of the points earned, not all."""
        return 0 < self.earned < self.check.points

    @property
    def judged(self):
        """Whether every case got an answer judged on its values (see CaseResult)."""
        return bool(self.results) and all(r.judged for r in self.results)

    @property
    def undefined(self):
        """Whether the notebook had no function of this name: every case says so."""
        return bool(self.results) and all(r.message == undefined_message(self.check.name) for r in self.results)

    def text(self):
        """The report as students read it: a line per case, each hint once (after the first
        case it explains, with how many cases it explains)."""
        head = f"{self.check.name}: {points_text(self.points)} / {points_text(self.check.points)} points"
        note = [f"  NOTE  {self.excused}"] if self.excused else []
        if self.undefined:          # said once, not once per case
            return "\n".join([head] + note + [f"  FAIL  {undefined_message(self.check.name)}"])
        passed = sum(r.passed for r in self.results)
        head += f" ({passed} of {len(self.results)} cases passed)"
        failed = [r for r in self.results if not r.passed]
        lines, hinted = [head] + note, set()
        for result in self.results:
            lines.append(result.line())
            if result.hint and result.hint not in hinted:
                hinted.add(result.hint)
                count = sum(r.hint == result.hint for r in failed)
                lines.append(f"        hint: {result.hint}"
                             + (f" (this explains {count} of the {len(failed)} failed cases)" if count > 1 else ""))
        return "\n".join(lines)


def points_text(points):
    """Points for people to read: at most two decimals, no trailing zeros (0.78, 3, 2.5)."""
    return f"{round(float(points), 2):g}"


def settle(reports):
    """Reports with each mistake counted once, and nothing earned for nothing.

    An exercise built from other graded functions (check.builds_on: trained_model is trained
    with them) may fail because of a mistake upstream. It keeps its points when both:
    - an upstream function is a real attempt that is partly right (Report.partly_right): it
      earned some of its points, not all, so it was made to work and has a mistake, which
      already costs points there. One that earns nothing (a stub, None or a crash everywhere,
      wrong on every case) shows no work done: excusing it would pay for doing nothing (an
      sgd_momentum that returns w unchanged would buy trained_model's 3 points for 1);
    - this exercise gave a real answer on every case (Report.judged): a wrong value can be
      the upstream mistake's doing; a stub, a crash, a timeout, a kernel that died, None or
      an answer of the wrong form cannot, and earn nothing.
    The price: a function wrong on every case also costs what is built on it.
    reports: in notebook order."""
    partly_right = {r.check.name for r in reports if r.partly_right}
    settled = []
    for report in reports:
        causes = [name for name in report.check.builds_on if name in partly_right]
        if causes and report.judged and report.earned < report.check.points:
            report = Report(report.check, report.results,
                            f"not counted: built from {', '.join(causes)}, which already lost points "
                            f"(fix {'it' if len(causes) == 1 else 'them'} first)")
        settled.append(report)
    return settled


def score(check, outcomes, cases):
    """Report of a check from the harness outcomes of its cases (the check.cases(seed) they ran)."""
    return Report(check, [judge(check, case, outcome, check.expected(case)) for case, outcome in zip(cases, outcomes)])


def unattempted(reports):
    """Names of the graded functions whose reports say nothing was attempted (a stub, or no such
    function): what calls them gets no stand-in for them (Check.stand_ins). reports: those of the
    exercises of the same notebook graded so far."""
    return {r.check.name for r in reports if not r.attempted}


def run_check(check, fn, seed=0, absent=()):
    """Run every case of check.cases(seed) on fn in this process and return the Report; absent:
    the graded functions that get no stand-in (see unattempted())."""
    cases, outcomes, seen = check.cases(seed), [], {}
    for case in cases:           # cases holding the very same arguments are called once
        key = tuple(map(id, case.args))
        if key not in seen:
            seen[key] = call_case(fn, case.args, check.adapter, stand_ins=check.stand_ins(case, absent))
        outcomes.append(seen[key])
    return score(check, outcomes, cases)


def backward_cases(forward_cases, forward, rng):
    """Cases of a backward pass, one per forward case: (dout, cache), with dout a normal array
    drawn from rng, of the forward's output shape and dtype, and the forward's own cache."""
    cases = []
    for case in forward_cases:
        out, cache = forward(*case.args)
        cases.append(Case(case.name, (rng.standard_normal(out.shape).astype(out.dtype), cache)))
    return cases

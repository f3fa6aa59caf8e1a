"""A check: seeded cases, the reference answer, a comparison, and hints for known bugs.

A check grades one exercise. Its cases are inputs built from a seed (one per
student: the same cases, other values); for each case the student's output is
compared with the reference's (from `solutions`) and the case earns its weight
when they agree. A failed case reports how the answer differs, never the hidden
answer itself, and, when the student's output is exactly what a known mistake
would produce, names that mistake. The points earned are a plain float, so
nbgrader gives partial credit.

Running a check has two halves: harness.call_case runs where the student's code
runs; score() runs where the reference is, which may be another process.
"""
from dataclasses import dataclass, field
from typing import Callable, Optional

import numpy as np

from coursekit.compare import explain_difference, form_difference, number_problem, quote

from .harness import ADAPTERS, call_case


@dataclass(frozen=True)
class Case:
    """One input to the graded function: a short name saying what it covers, the arguments,
    and, where no reference function gives it, the expected answer itself."""
    name: str
    args: tuple
    weight: float = 1.0
    expected: object = None


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
    compare(got, expected, case) -> None or a sentence (a Malformed one when got has not the
    expected form);
    bugs: known mistakes, tried in order when a case fails;
    bug_compare(got, buggy, case): how got is matched with a bug's output (compare when None);
    adapter: name of a harness.ADAPTERS entry when the call needs one;
    mutation_hint: what to say when the function changes its inputs in place;
    hint: said when a case fails and no known bug explains it;
    uses(*args): {name: [args, ...]}, the calls the function is expected to make to other
    graded functions on those arguments: while it runs, those calls get the reference's
    answers (harness._standing_in), so a mistake there costs points on its own exercise only;
    builds_on: graded functions this exercise's result is built from (see settle).
    """
    name: str
    points: float
    reference: Callable
    cases: Callable
    compare: Callable
    bugs: list = field(default_factory=list)
    bug_compare: Optional[Callable] = None
    adapter: Optional[str] = None
    mutation_hint: str = "work on a copy (np.pad, x.copy()) instead of changing the caller's array"
    hint: str = ""
    uses: Optional[Callable] = None
    builds_on: tuple = ()

    def expected(self, case):
        return case.expected if case.expected is not None else self.run(self.reference, case)

    def run(self, fn, case):
        """fn on the case, as the harness would call it (used for the reference and bugs)."""
        call = ADAPTERS[self.adapter] if self.adapter else (lambda f, *a: f(*a))
        return call(fn, *case.args)

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


class Malformed(str):
    """A comparison's sentence for an answer without the expected form (None, another type,
    length or shape, values that are not real numbers): nothing in it could be judged."""


@dataclass
class CaseResult:
    """answered: False when nothing was attempted (a stub, or no such function);
    judged: False when there was no answer to judge on its values: not attempted, an error,
    a timeout, a kernel that stopped, or an answer without the expected form (Malformed)."""
    case: Case
    passed: bool
    message: str = ""
    hint: str = ""
    answered: bool = True
    judged: bool = True

    def line(self):
        mark = "PASS" if self.passed else "FAIL"
        return f"  {mark}  {self.case.name}" + ("" if self.passed else f": {self.message}")


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
        return bool(self.results) and all(r.message == _undefined(self.check.name) for r in self.results)

    def text(self):
        """The report as students read it: a line per case, each hint once (after the first
        case it explains, with how many cases it explains)."""
        head = f"{self.check.name}: {points_text(self.points)} / {points_text(self.check.points)} points"
        note = [f"  NOTE  {self.excused}"] if self.excused else []
        if self.undefined:          # said once, not once per case
            return "\n".join([head] + note + [f"  FAIL  {_undefined(self.check.name)}"])
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


def _undefined(name):
    """What a case says when the notebook has no function `name` to call."""
    return f"`{name}` is not defined: run the cell that defines it (and keep its name)"


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


def _diagnose(check, case, got, expected):
    """The hint of the first known bug whose output equals got, else the check's own hint.

    A bug that gives the right answer on this case (a stride bug at stride 1, say)
    cannot explain a failure here, so it is passed over.
    """
    matches = check.bug_compare or check.compare
    for bug in check.bugs:
        try:
            with np.errstate(all="ignore"):
                buggy = check.run(bug.output, case)
                if matches(expected, buggy, case) is not None and matches(got, buggy, case) is None:
                    return bug.hint
        except Exception:  # a bug that does not apply to this case, or got of another form
            continue
    return _pattern(got, expected) or check.hint


def _first_difference(got, expected):
    """The first pair of arrays of real numbers that differ, looking inside tuples (out, cache),
    (dx, dw, db)."""
    if isinstance(expected, (tuple, list)) and isinstance(got, (tuple, list)):
        for g, e in zip(got, expected):
            pair = _first_difference(g, e)
            if pair is not None:
                return pair
        return None
    try:
        got, expected = np.asarray(got), np.asarray(expected)
    except ValueError:           # ragged lists
        return None
    if number_problem(got) or number_problem(expected):
        return None
    got, expected = got.astype(float), expected.astype(float)
    return None if _roughly(got, expected) else (got, expected)


def _roughly(a, b):
    """Same shape and equal up to float32 rounding: what a pattern needs to hold."""
    return explain_difference(a, b, rtol=1e-4, atol=1e-6) is None


def _pattern(got, expected):
    """A cause read from how the answer differs, for mistakes no known bug reproduces:
    swapped height and width, a flipped sign, a constant factor, a constant per channel."""
    pair = _first_difference(got, expected)
    if pair is None:
        return None
    got, expected = pair
    with np.errstate(all="ignore"):
        if not np.all(np.isfinite(got)):
            return None
        if got.ndim == 4 and _roughly(got.transpose(0, 2, 1, 3), expected):
            return "height and width are swapped: arrays are (N, H, W, C), rows first"
        if got.shape != expected.shape or not np.any(expected):
            return None
        if _roughly(got, -expected):
            return "the sign is flipped"
        factor = float(np.sum(got * expected) / np.sum(expected * expected))
        if got.size > 1 and abs(factor - 1) > 1e-3 and _roughly(got, factor * expected):
            return (f"every value is {factor:.4g} times the right one: a sum where a mean belongs (or the "
                    f"reverse), or a division by the wrong count")
        offset = (got - expected).reshape(-1, got.shape[-1]) if got.ndim > 1 else None
        if offset is not None and _roughly(offset, np.broadcast_to(offset[0], offset.shape)):
            return ("each channel (last axis) is off by its own constant: is the bias missing, doubled, "
                    "or added to the wrong channel?")
    return None


def judge(check, case, outcome):
    """CaseResult of one case from the harness's outcome (see harness.call_case)."""
    if "error" in outcome:
        error = quote(outcome["error"])     # the student's text: it may quote the hidden input
        if error.startswith("NotImplementedError"):
            return CaseResult(case, False, "not implemented yet", "replace `raise NotImplementedError()` "
                              "with your code (here, or in a function this one calls)",
                              answered=False, judged=False)
        if outcome.get("undefined"):
            return CaseResult(case, False, _undefined(check.name), answered=False, judged=False)
        if outcome.get("timeout"):          # this case, or an earlier one it waited behind
            return CaseResult(case, False, error, "look for a loop that never ends", judged=False)
        if error.startswith(("not run", "no result")):     # the runner's: the kernel had stopped
            return CaseResult(case, False, error, judged=False)
        return CaseResult(case, False, f"raised {error}", check.hint, judged=False)
    if outcome.get("mutated"):  # always wrong, and the likely cause of any other difference
        names = ", ".join(f"argument {i + 1}" for i in outcome["mutated"])
        return CaseResult(case, False, f"changed its input in place ({names})", check.mutation_hint)
    got, expected = outcome["output"], check.expected(case)
    message = check.compare(got, expected, case)
    if message is not None:
        return CaseResult(case, False, message, _diagnose(check, case, got, expected),
                          judged=not isinstance(message, Malformed))
    return CaseResult(case, True)


def score(check, outcomes, cases):
    """Report of a check from the harness outcomes of its cases (the check.cases(seed) they ran)."""
    return Report(check, [judge(check, case, outcome) for case, outcome in zip(cases, outcomes)])


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


# Comparisons ---------------------------------------------------------------------------------

def _float32(case):
    return any(isinstance(a, np.ndarray) and a.dtype == np.float32 for a in case.args)


def type_name(value):
    """The name of value's type, as a report may quote it."""
    return quote(type(value).__name__)


def compare_value(got, expected, case, name="the result"):
    """A single array or number, said in words that do not give the hidden expected away.
    Values are judged, not dtypes: a correct answer computed in float64 from float32 inputs
    earns its points (with float32's tolerance)."""
    form = form_difference(got, expected, name)
    if form is not None:
        return Malformed(form)
    rtol, atol = (1e-4, 1e-5) if _float32(case) else (1e-6, 1e-8)
    return explain_difference(got, expected, name, rtol=rtol, atol=atol, reveal=False)


def compare_tuple(names):
    """A tuple of arrays, e.g. ("dx", "dw", "db"), compared entry by entry."""
    def compare(got, expected, case):
        if not isinstance(got, (tuple, list)) or len(got) != len(names):
            return Malformed(f"should return a tuple ({', '.join(names)}); got {type_name(got)}"
                             + (f" of length {len(got)}" if isinstance(got, (tuple, list)) else ""))
        for name, g, e in zip(names, got, expected):
            message = compare_value(g, e, case, name)
            if message is not None:
                return message
        return None
    return compare


def same_entry(got, expected):
    """A cache entry equals the forward's input: arrays by value, others by ==."""
    if isinstance(expected, np.ndarray):
        return explain_difference(got, expected) is None
    try:
        return bool(got == expected)
    except Exception:
        return False


def compare_out(got, buggy_out, case):
    """Match the out of a student's (out, cache) with a known bug's out."""
    return compare_value(got[0], buggy_out, case, "out")


def compare_forward(input_names):
    """(out, cache): out compared as a value; the cache must start with the inputs, in order."""
    def compare(got, expected, case):
        if not isinstance(got, (tuple, list)) or len(got) != 2:
            return Malformed(f"should return (out, cache); got {type_name(got)}")
        message = compare_value(got[0], expected[0], case, "out")
        if message is not None:
            return message
        cache = got[1]
        if not isinstance(cache, (tuple, list)) or len(cache) < len(input_names):
            return f"cache should be a tuple starting with ({', '.join(input_names)})"
        for i, name in enumerate(input_names):
            if not same_entry(cache[i], expected[1][i]):
                return (f"cache[{i}] should be {name}: a cache starts with the forward's inputs "
                        f"({', '.join(input_names)}), in order, for the backward pass")
        return None
    return compare

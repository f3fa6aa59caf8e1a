"""Scoring a check: per-case results judged here, the points they earn, and the excuse policy
(settle) that counts a mistake once."""
import builtins
import dataclasses
import re
from dataclasses import dataclass

from coursekit.judging import UNKNOWN, consistent, judge, undefined_message

from ..sandbox.harness import call_case
from ..verdict import CRASHED, KILLED, TIMED_OUT, CaseOutcome, ExerciseResult
from .model import Check


@dataclass
class Report:
    """The verdict of one check: per-case results and the points they earn.
    excused: why points lost here are not taken (see settle), or ""."""
    check: Check
    results: list
    excused: str = ""

    @property
    def points(self):
        return self.own_work if self.excused else self.earned

    def _share(self, counted):
        """The check's points times the weight of the results `counted` keeps."""
        total = sum(r.case.weight for r in self.results)
        kept = sum(r.case.weight for r in self.results if counted(r))
        return round(self.check.points * kept / total, 4) if total else 0.0

    @property
    def earned(self):
        """The points the cases earned, excused or not."""
        return self._share(lambda r: r.passed)

    @property
    def own_work(self):
        """What an excuse may pay at most: the cases passed, and those failed without a known
        mistake of this exercise's own (a constant model shows "about chance" whatever is
        upstream: that is this exercise's mistake, not an upstream one's)."""
        return self._share(lambda r: r.passed or not r.mistake)

    @property
    def attempted(self):
        """Whether any case got an answer (not a stub's NotImplementedError, not a missing function)."""
        return any(r.answered for r in self.results)

    @property
    def real_attempt(self):
        """Whether the function did its job on some case: a value of the expected form, judged on
        its values. None, another type, a crash or a timeout on every case is no attempt."""
        return any(r.judged for r in self.results)

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

    @property
    def stopped(self):
        """What stopped the function on every case it failed, "" when some failed case got an
        answer judged or none (a stub): TIMED_OUT (it, or the check's cell, ran out of time),
        KILLED (the kernel died or had stopped for good), CRASHED (it raised every time)."""
        failed = [r for r in self.results if not r.passed]
        if not failed or any(r.judged or not r.answered for r in failed):
            return ""
        messages = [r.message for r in failed]
        if any(_TIMEOUT.fullmatch(m) or m.startswith("no result") and "endless loop" in m for m in messages):
            return TIMED_OUT
        if any(m.startswith(("no result", "not run")) for m in messages):
            return KILLED
        return CRASHED if all(m.startswith("raised ") for m in messages) else ""

    def result(self):
        """The exercise's result as data, for the reports (verdict.ExerciseResult)."""
        return ExerciseResult(self.check.name, self.points, float(self.check.points),
                              [CaseOutcome(r.case.name, r.passed, r.message, r.hint, r.mistake)
                               for r in self.results],
                              note=self.excused, undefined=self.undefined, attempted=self.attempted,
                              stopped=self.stopped)


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
    Even then it earns at most what its own work shows (Report.own_work): a case that shows
    one of this exercise's own known mistakes earns nothing, whatever is upstream.
    The price: a function wrong on every case also costs what is built on it.
    reports: in notebook order."""
    partly_right = {r.check.name for r in reports if r.partly_right}
    wrong = {r.check.name for r in reports if r.attempted and r.earned < r.check.points}
    settled = []
    for report in reports:
        report = settled_causes(report, wrong)
        causes = [name for name in report.check.builds_on if name in partly_right]
        if causes and report.judged and report.earned < report.check.points:
            report = Report(report.check, report.results,
                            f"not counted: built from {', '.join(causes)}, which already lost points "
                            f"(fix {'it' if len(causes) == 1 else 'them'} first)")
        settled.append(report)
    return settled


_TIMEOUT = re.compile(r"(not run: an earlier case )?took more than [0-9.]+ s \(an endless loop\?\)")
_BUILTIN_ERRORS = {name for name, value in vars(builtins).items()
                   if isinstance(value, type) and issubclass(value, BaseException)}


def hidden_outcome(outcome):
    """A kernel's outcome of a hidden case (harness.call_case's dict, or anything the kernel
    sent) as the grader may report it: a raised error by its type alone, a builtin one's name
    or "an exception of its own" (the message, or a type made up at run time, may carry the
    hidden input; the visible tests show messages in full), a time-out in the harness's words
    only. The runner's own outcomes ("no result: ...") are made after this and kept."""
    if not isinstance(outcome, dict) or "error" not in outcome:
        return outcome
    text = str(outcome["error"])
    if outcome.get("undefined"):
        return {"error": "not defined", "undefined": True}
    if outcome.get("timeout"):
        return {"error": text if _TIMEOUT.fullmatch(text) else "took more than its time (an endless loop?)",
                "timeout": True}
    kind = text.split(":", 1)[0].strip()
    return {"error": kind if kind in _BUILTIN_ERRORS else "an exception of its own"}


def score(check, outcomes, cases):
    """Report of a check from the outcomes of its cases (the check.cases(seed) they ran), each
    read through hidden_outcome where the kernel made it (grade_in_process, runner._outcome)."""
    return Report(check, [judge(check, case, outcome, check.expected(case)) for case, outcome in zip(cases, outcomes)])


def unattempted(reports):
    """Names of the graded functions whose reports show no real attempt (Report.real_attempt: a
    stub, no such function, None, a value of another kind or a crash on every case): what calls
    them gets no stand-in for them (Check.stand_ins), so a stand-in never answers for work that
    was not done. reports: those of the exercises of the same notebook graded so far."""
    return {r.check.name for r in reports if not r.real_attempt}


def grade_in_process(check, fn, seed=0, absent=()):
    """Run every case of check.cases(seed) on fn in this process and return the Report; absent:
    the graded functions that get no stand-in (see unattempted())."""
    cases, outcomes, seen = check.cases(seed), [], {}
    for case in cases:           # cases holding the very same arguments are called once
        key = tuple(map(id, case.args))
        if key not in seen:
            seen[key] = hidden_outcome(call_case(fn, case.args, check.adapter,
                                                 stand_ins=check.stand_ins(case, absent)))
        outcomes.append(seen[key])
    return score(check, outcomes, cases)


def helpers(check, case):
    """The graded functions check's function is expected to call on case (check.uses)."""
    return sorted(check.uses(*case.args)) if check.uses else []


def helper_note(wrong_helpers):
    """What a case with no named cause says when graded functions it calls are wrong too: two
    mistakes at once give an answer no known mistake gives."""
    names = ", ".join(f"`{name}`" for name in wrong_helpers)
    return (f"{names}, which this function calls, {'is' if len(wrong_helpers) == 1 else 'are'} wrong too: "
            f"fix {'it' if len(wrong_helpers) == 1 else 'them'} first, then this message can name this "
            f"function's own mistake")


def settled_causes(report, wrong):
    """report with the causes its failed cases name held to all its cases (judging.consistent:
    a known mistake that applies on a failed case without giving the answer there is not the
    cause), and those that name no cause saying which graded functions it calls lost points too
    (wrong): the hidden tests stand in for them on the calls they expect, but a call with other
    arguments reaches the student's own version, and the two mistakes together match no known
    one. settle() applies it to every report."""
    results = []
    for r in consistent(report.results):
        called = [name for name in helpers(report.check, r.case) if name in wrong] if not r.passed else []
        if called and r.judged and not r.mistake and r.hint.startswith(UNKNOWN):
            r = dataclasses.replace(r, hint=f"{UNKNOWN}; {helper_note(called)}")
        results.append(r)
    return Report(report.check, results, report.excused) if results != report.results else report

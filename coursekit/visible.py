"""The visible tests of an exercise: public cases, judged as the hidden tests judge.

    visible_tests("conv_forward_naive")

runs the notebook's function on its public cases (made at release time from the reference
library by autograder.admin.public, and embedded by the release in the notebook itself: a
cell near its top registers them, register_public; PUBLIC_FILE beside the notebook is read
when no cell registered any), prints a line per
case and, when any case fails, raises VisibleTestFailure (an AssertionError) with the
failures and the hint that names their likely cause: the same comparison and hints as the
hidden tests (coursekit.judging), on other values. Nothing here holds an answer.

The call sits in each exercise's graded cell, so nbgrader's Validate fails on wrong work.
While the notebook is being graded ($NBGRADER_EXECUTION is "autograde") it does nothing:
the hidden tests in the same cell give the points, and a visible test that raised there
would zero the cell instead of giving partial credit.
"""
import base64
import contextlib
import io
import os
import textwrap
import zlib

import __main__

from . import wire
from .calling import invoke
from .judging import Case, Comparison, consistent, judge

PUBLIC_FILE = "public_cases.bin"
EMBEDDED_MAX_BYTES = 64 * 2**20     # the most the embedded public cases may decompress to
_embedded = {}                      # {exercise name: record}, what the notebook's cell registered
WIDTH = 80          # `nbgrader validate` indents an error by 4 and cuts its lines at 87


class VisibleTestFailure(AssertionError):
    """Public cases failed. IPython shows its message alone (_render_traceback_), without the
    frames of this module: what the student needs is which case failed and why."""

    def _render_traceback_(self):
        return [f"\x1b[0;31m{type(self).__name__}\x1b[0m: {line}" if i == 0 else line
                for i, line in enumerate(str(self).splitlines())]


class _Rules:
    """The judging rules of one exercise (see coursekit.judging), from the public file."""

    def __init__(self, name, record):
        self.name, self.hint, self.mutation_hint = name, record["hint"], record["mutation_hint"]
        self.compare = Comparison(*record["compare"])
        self.bug_compare = Comparison(*record["bug_compare"]) if record["bug_compare"] else None
        self._mistakes = {case["name"]: case["mistakes"] for case in record["cases"]}

    def mistakes(self, case, expected):
        return self._mistakes[case.name]


def pack_public(records):
    """The text a notebook cell embeds for register_public: the records as wire bytes (data,
    never code), compressed and in base64, cut in lines."""
    text = base64.b64encode(zlib.compress(wire.encode(records), 9)).decode("ascii")
    return "\n".join(text[i:i + 100] for i in range(0, len(text), 100))


def unpack_public(text):
    """The records pack_public packed; ValueError for anything else (or more than
    EMBEDDED_MAX_BYTES once decompressed)."""
    try:
        packed = base64.b64decode("".join(str(text).split()), validate=True)
        inflater = zlib.decompressobj()
        data = inflater.decompress(packed, EMBEDDED_MAX_BYTES)
        if inflater.unconsumed_tail or not inflater.eof:
            raise ValueError("the public cases are truncated or too large")
    except (zlib.error, ValueError) as error:
        raise ValueError(f"the embedded public cases are damaged ({error})") from None
    records = wire.decode(data)
    if not isinstance(records, dict):
        raise ValueError("the embedded public cases are damaged (not a record per exercise)")
    return records


def register_public(text):
    """Register the public cases a released notebook embeds (its cell calls this): the visible
    tests of this kernel read them, wherever the notebook was moved or uploaded."""
    _embedded.update(unpack_public(text))


def load_public(folder=None):
    """{exercise name: record}: the cases the notebook registered (register_public) when
    folder is None and it did, else those of PUBLIC_FILE in folder (the notebook's own, ".")."""
    if folder is None and _embedded:
        return _embedded
    path = os.path.join(folder or ".", PUBLIC_FILE)
    if not os.path.isfile(path):
        raise FileNotFoundError(f"the visible tests' public cases are missing: run the cell near the top "
                                f"of this notebook that registers them (keep it: the release puts it "
                                f"there), or keep {PUBLIC_FILE} beside the notebook")
    with open(path, "rb") as f:
        return wire.decode(f.read())


def _outcome(fn, args, adapter):
    """The outcome of one call, as coursekit.judging.judge reads it. What the function raises
    goes through (the student sees where in their code), except a stub's NotImplementedError."""
    __tracebackhide__ = True
    if not callable(fn):
        return {"error": "not defined", "undefined": True}
    try:
        output, mutated = invoke(fn, args, adapter)
    except NotImplementedError as error:
        return {"error": f"NotImplementedError: {error}"}
    return {"output": output, "mutated": mutated}


def visible_tests(name, fn=None, folder=None, inputs=None, labels=None):
    """Run the notebook's function `name` (or fn) on its public cases: print a line per case,
    and raise VisibleTestFailure (an AssertionError) saying what failed and why when any case fails.

    inputs, labels: for an exercise judged on data the notebook gives (trained_model: its
    validation digits and their labels), the arguments of every case and the labels that
    complete each case's expected answer."""
    __tracebackhide__ = True        # the student's traceback ends in their own cell
    if os.environ.get("NBGRADER_EXECUTION") == "autograde":
        return
    records = load_public(folder)
    if name not in records:
        raise VisibleTestFailure(f"no public cases for `{name}` in this notebook: run the cell near "
                                 f"its top that registers them")
    record = records[name]
    fn = fn if fn is not None else getattr(__main__, name, None)
    results = public_results(name, fn, record, inputs, labels)
    failed = [r for r in results if not r.passed]
    print(f"{name}: {len(results) - len(failed)} of {len(results)} public cases passed")
    for result in results:
        print(result.line())
    if failed:
        namespace = getattr(fn, "__globals__", None) or vars(__main__)
        wrong = [h for h in record.get("helpers", ()) if h in records and not _passes(namespace.get(h), records[h])]
        raise VisibleTestFailure(_failure(name, failed, len(results), wrong)) from None


def public_results(name, fn, record, inputs=None, labels=None):
    """The CaseResults of fn on the public cases of its record (see visible_tests), the known
    mistakes held to every case (judging.consistent). What fn raises goes through."""
    __tracebackhide__ = True
    rules, results, seen = _Rules(name, record), [], {}
    given = None if inputs is None else tuple(inputs)
    for entry in record["cases"]:
        args, expected = entry["args"], entry["expected"]
        if args is None:
            args, expected = given, (labels, expected)
        case = Case(entry["name"], args, expected=expected)
        if id(args) not in seen:     # cases of the same inputs call the function once
            try:
                seen[id(args)] = _outcome(fn, args, record["adapter"])
            except Exception:
                print(f"{name} raised an error on the public case {case.name!r}:")
                raise
        results.append(judge(rules, case, seen[id(args)], expected))
    return consistent(results)


def _passes(fn, record):
    """Whether fn, a graded function the tested one calls, passes its own public cases (run
    quietly); True when there is no such function to judge."""
    if not callable(fn):
        return True
    rules = _Rules(getattr(fn, "__name__", "helper"), record)
    for entry in record["cases"]:
        if entry["args"] is None:
            return True
        try:
            with contextlib.redirect_stdout(io.StringIO()):
                outcome = _outcome(fn, entry["args"], record["adapter"])
        except Exception:       # noqa: BLE001 (its own visible tests say what it raised)
            return False
        if not judge(rules, Case(entry["name"], entry["args"]), outcome, entry["expected"]).passed:
            return False
    return True


def _failure(name, failed, total, wrong_helpers=()):
    """What went wrong, in lines Validate shows whole: how many cases failed, the first
    failure, each hint once with how many failures it explains, and the graded functions it
    calls that fail their own visible tests (two mistakes at once match no known one)."""
    first = failed[0]
    lines = [f"{name} fails {len(failed)} of {total} public cases.",
             f"First: {first.case.name}: {first.message}"]
    hints = [r.hint for r in failed if r.hint]
    for hint in dict.fromkeys(hints):
        count = hints.count(hint)
        lines.append(f"Hint ({count} of {len(failed)} failed cases): {hint}" if len(failed) > 1 else f"Hint: {hint}")
    if wrong_helpers:
        names = ", ".join(f"`{h}`" for h in wrong_helpers)
        lines.append(f"Note: {names}, which {name} calls, fails its own visible tests: fix it first; "
                     f"{name}'s own mistake may hide behind it (the hidden tests judge {name} with a right {names})")
    return "\n".join(textwrap.fill(line, WIDTH, subsequent_indent="    ") for line in lines)

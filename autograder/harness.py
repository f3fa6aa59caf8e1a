"""The kernel side of a check: call the student's function on one case, nothing more.

This module is all that must run where the student's code runs. It needs only
numpy, holds no reference answer and compares nothing: it calls the function on
copies of the inputs, silences its warnings and printing (a graded cell that
writes to stderr scores 0 in nbgrader), and reports what came back and which
inputs the call changed in place.
"""
import contextlib
import io
import signal
import warnings

import numpy as np


class CaseTimeout(Exception):
    """A case ran past its time budget."""


@contextlib.contextmanager
def _time_budget(seconds):
    """Raise CaseTimeout in the calling thread after `seconds` (no limit when None)."""
    if not seconds:
        yield
        return

    def expire(signum, frame):
        raise CaseTimeout(f"took more than {seconds:g} s (an endless loop?)")
    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _tanh_sin(v, a):
    """A smooth test function for gradient checks: elementwise, array-valued."""
    return np.tanh(a * v) + np.sin(v) * v


def numerical_gradient_call(fn, x, a, dout, h):
    """numerical_gradient(f, x, dout, h) for f(v) = tanh(a*v) + sin(v)*v (summed when dout
    is None). x must come back unchanged; call_case reports it when it does not."""
    return fn(lambda v: _tanh_sin(v, a), x, dout, h)


ADAPTERS = {"numerical_gradient": numerical_gradient_call}


def _copy(value):
    """A deep copy of arrays, also inside tuples and lists (caches are tuples of arrays)."""
    if isinstance(value, np.ndarray):
        return value.copy()
    if isinstance(value, (tuple, list)):
        return type(value)(_copy(v) for v in value)
    return value


def _unchanged(before, after):
    if isinstance(before, np.ndarray):
        return (isinstance(after, np.ndarray) and before.shape == after.shape
                and np.array_equal(before, after, equal_nan=True))
    if isinstance(before, (tuple, list)):
        return (isinstance(after, (tuple, list)) and len(before) == len(after)
                and all(_unchanged(b, a) for b, a in zip(before, after)))
    return True


def call_case(fn, args, adapter=None, seconds=None):
    """Call fn(*args) (or ADAPTERS[adapter](fn, *args)) on copies of args, within `seconds`.

    Returns {"output": value, "mutated": [indices of args whose arrays changed in place]}
    or {"error": "ExceptionType: message"} when the call raised.
    """
    copies = [_copy(a) for a in args]
    call = ADAPTERS[adapter] if adapter else (lambda f, *a: f(*a))
    sink = io.StringIO()
    with warnings.catch_warnings(), np.errstate(all="ignore"), \
            contextlib.redirect_stderr(sink), contextlib.redirect_stdout(sink):
        warnings.simplefilter("ignore")
        try:
            with _time_budget(seconds):
                output = call(fn, *copies)
        except CaseTimeout as error:
            return {"error": str(error)}
        except Exception as error:  # any student error is a verdict, not a crash
            return {"error": f"{type(error).__name__}: {error}"}
    mutated = [i for i, (before, after) in enumerate(zip(args, copies)) if not _unchanged(before, after)]
    return {"output": output, "mutated": mutated}


def run_saved_cases(name, folder, adapter=None, seconds=None):
    """Run the notebook's function `name` on every case saved in folder (case-<i>) by the
    grader, and save each outcome next to it (outcome-<i>). Used inside the sandbox."""
    import __main__
    import os
    try:
        from . import wire
    except ImportError:           # copied into the sandbox as a top-level module
        import _grader_wire as wire
    fn = getattr(__main__, name, None)
    count = len([f for f in os.listdir(folder) if f.startswith("case-") and f.endswith(".json")])
    seen = {}                     # cases with identical saved arguments are called once
    for i in range(count):
        stem = os.path.join(folder, f"case-{i}")
        with open(stem + ".json", "rb") as a, open(stem + ".npz", "rb") as b:
            key = (a.read(), b.read())
        if not callable(fn):
            outcome = {"error": f"`{name}` is not defined: its cell is missing, or failed before "
                                f"defining it"}
        elif key in seen:
            outcome = seen[key]
        else:
            outcome = seen[key] = call_case(fn, wire.load(stem), adapter, seconds)
        try:
            wire.dump(outcome, os.path.join(folder, f"outcome-{i}"))
        except OSError as error:
            wire.dump({"error": f"the result could not be saved ({error}): too large?"},
                      os.path.join(folder, f"outcome-{i}"))

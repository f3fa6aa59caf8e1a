"""The kernel side of a check: call the student's function on one case, nothing more.

This module is all that must run where the student's code runs. It needs only
numpy, holds no reference answer and compares nothing: it calls the function on
copies of the inputs, silences its warnings and printing (a graded cell that
writes to stderr scores 0 in nbgrader), and reports what came back and which
inputs the call changed in place.
"""
import contextlib
import inspect
import io
import signal
import warnings

import numpy as np

from coursekit import wire
from coursekit.calling import copy, invoke

from .protocol import case_file, uses_file


class CaseTimeout(BaseException):
    """A case ran past its time budget (a BaseException, so `except Exception` in the
    student's code does not swallow it)."""


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


def _same(a, b):
    """Arguments equal by value (arrays within float rounding), as a stand-in matches them."""
    if isinstance(a, (np.ndarray, np.generic)) or isinstance(b, (np.ndarray, np.generic)):
        a, b = np.asarray(a), np.asarray(b)
        if a.shape != b.shape or a.dtype.kind not in "biuf" or b.dtype.kind not in "biuf":
            return False
        return bool(np.allclose(a, b, rtol=1e-5, atol=1e-8))
    if isinstance(a, (tuple, list)) and isinstance(b, (tuple, list)):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    return type(a) is type(b) and a == b


def _exact(value):
    """A hashable fingerprint of an argument, equal for equal values of the same kind."""
    if isinstance(value, np.ndarray):
        return ("array", value.shape, value.dtype.str, value.tobytes())
    if isinstance(value, (np.generic, float, int)) and not isinstance(value, bool):
        return ("number", float(value))
    if isinstance(value, (tuple, list)):
        return tuple(_exact(v) for v in value)
    return (type(value).__name__, repr(value))


_UNKNOWN = object()      # a call the stand-in has no answer for


def _stand_in(original, table):
    """original, except that a call whose arguments are in table [(args, answer)] returns
    a copy of that answer (looked up exactly first, then within float rounding)."""
    try:
        signature = inspect.signature(original)
    except (TypeError, ValueError):
        signature = None
    exact = {}
    for known, answer in table:
        exact.setdefault(_exact(known), answer)

    def stand_in(*args, **kwargs):
        try:
            bound = signature.bind(*args, **kwargs)
            bound.apply_defaults()
            full = tuple(bound.arguments.values())
        except Exception:
            full = args
        answer = exact.get(_exact(full), _UNKNOWN)
        if answer is _UNKNOWN:
            answer = next((a for known, a in table if _same(full, known)), _UNKNOWN)
        return original(*args, **kwargs) if answer is _UNKNOWN else copy(answer)
    return stand_in


@contextlib.contextmanager
def _standing_in(fn, tables):
    """While fn runs, the other graded functions it calls answer as the reference would on
    the calls in tables {name: [(args, answer)]}, so a mistake in one of them costs points
    on its own exercise only. They are replaced in fn's globals and in the dicts there
    (a table such as BACKWARD = {"dense": dense_backward}); calls with other arguments
    go to the student's function."""
    namespace = getattr(fn, "__globals__", None)
    if not tables or namespace is None:
        yield
        return
    originals = {name: namespace[name] for name in tables if callable(namespace.get(name))}
    replaced = {id(f): _stand_in(f, tables[name]) for name, f in originals.items()}
    slots = [(namespace, name) for name in originals]
    slots += [(table, key) for table in list(namespace.values()) if type(table) is dict
              for key, value in table.items() if id(value) in replaced and table is not namespace]
    saved = [(table, key, table[key]) for table, key in slots]
    for table, key, value in saved:
        table[key] = replaced[id(value)]
    try:
        yield
    finally:
        for table, key, value in saved:
            table[key] = value


def call_case(fn, args, adapter=None, seconds=None, stand_ins=None):
    """Call fn on copies of args (coursekit.calling.invoke, with the adapter), within `seconds`,
    with the stand-ins {name: [(args, answer)]} in place (see _standing_in).

    Returns {"output": value, "mutated": [indices of args whose arrays changed in place]}
    or {"error": "ExceptionType: message"} when the call raised, with "timeout": True when
    it ran out of time and "undefined": True when fn is no function (the notebook has none
    of that name).
    """
    if not callable(fn):
        return {"error": "not defined", "undefined": True}
    sink = io.StringIO()
    with warnings.catch_warnings(), np.errstate(all="ignore"), _standing_in(fn, stand_ins), \
            contextlib.redirect_stderr(sink), contextlib.redirect_stdout(sink):
        warnings.simplefilter("ignore")
        try:
            with _time_budget(seconds):
                output, mutated = invoke(fn, args, adapter)
        except CaseTimeout as error:
            return {"error": str(error), "timeout": True}
        except Exception as error:  # any student error is a verdict, not a crash
            return {"error": f"{type(error).__name__}: {error}" if str(error) else type(error).__name__}
    return {"output": output, "mutated": mutated}


_PRISTINE = {}


def warm(mpl_cache, modules):
    """Prepare the kernel before the submission is known: matplotlib's font cache copied into
    its folder and the course's modules imported (a module that fails to import is left to
    the student's cell that imports it, which then says why)."""
    import importlib
    import os
    _copy_files(mpl_cache, os.environ["MPLCONFIGDIR"])
    for module in modules:
        try:
            importlib.import_module(module)
        except Exception:
            pass


def setup(submission):
    """Prepare the kernel for the submission, just before its code runs: its other files
    copied into the working folder, then what grading relies on remembered (see protect)."""
    import os
    import sys
    _copy_files(submission, os.getcwd())
    sys.path.insert(0, os.getcwd())       # the student's own modules, as in a notebook's kernel
    protect()


def _copy_files(source, target):
    """Copy the files below source into target, contents only: the kernel's user may not
    set the times or modes of a folder it does not own (its working folder's root)."""
    import os
    import shutil
    for top, _, names in os.walk(source):
        inner = os.path.join(target, os.path.relpath(top, source))
        os.makedirs(inner, exist_ok=True)
        for name in names:
            shutil.copyfile(os.path.join(top, name), os.path.join(inner, name))


def protect():
    """Remember what grading relies on, before the student's code runs: the builtins,
    numpy's and the wire's functions, the loaded modules, the working folder and the results pipe.
    run_cases puts them back, so a submission that patches them (np.allclose = ...,
    sys.modules[...] = ..., os.chdir) cannot change how it is graded."""
    import builtins
    import os
    import sys
    _PRISTINE.update(builtins=dict(vars(builtins)), numpy=dict(vars(np)), wire=dict(vars(wire)),
                     modules=dict(sys.modules),
                     folder=os.getcwd(), results=int(os.environ.get(wire.RESULTS_FD, "-1")))


def _restore():
    import builtins
    import os
    import sys
    if "builtins" in _PRISTINE:       # protect() ran (it runs before any student code)
        vars(builtins).update(_PRISTINE["builtins"])
        vars(np).update(_PRISTINE["numpy"])
        vars(wire).update(_PRISTINE["wire"])
        sys.modules.update(_PRISTINE["modules"])
        os.chdir(_PRISTINE["folder"])


def _send(fd, data):
    import os
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def run_cases(name, folder, count, token, adapter=None, seconds=None):
    """Run the notebook's function `name` on the `count` cases the grader saved in folder
    (protocol.case_file, and the stand-ins of protocol.uses_file), sending each outcome to the
    grader as a frame tagged with `token` (hex), then an END frame. Used inside the sandbox."""
    import __main__
    import os
    _restore()
    token = bytes.fromhex(token)
    fd = _PRISTINE.get("results", -1)
    fn = getattr(__main__, name, None)     # looked up here, in the notebook's kernel
    seen = {}                     # cases with identical saved arguments are called once
    timed_out = ""
    for i in range(count):
        with open(os.path.join(folder, case_file(i)), "rb") as f:
            key = f.read()
        if key in seen:
            outcome = seen[key]
        elif timed_out:           # one endless case is enough: the others would wait as long
            outcome = {"error": f"not run: an earlier case {timed_out}", "timeout": True}
        else:                     # stand-ins follow from the arguments, like the outcome
            uses = os.path.join(folder, uses_file(i))
            tables = None
            if os.path.exists(uses):
                with open(uses, "rb") as f:
                    tables = wire.decode(f.read())
            outcome = seen[key] = call_case(fn, wire.decode(key), adapter, seconds, tables)
            if outcome.get("timeout"):
                timed_out = outcome["error"]
        try:
            payload = wire.encode(outcome)
        except (ValueError, RecursionError, MemoryError) as error:
            payload = wire.encode({"error": f"the result cannot be sent to the grader ({type(error).__name__}: "
                                            f"{error})"})
        _send(fd, wire.frame(token, i, payload))
    _send(fd, wire.frame(token, wire.END, b""))

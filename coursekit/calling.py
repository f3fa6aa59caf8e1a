"""Calling a graded function on a case, as every check does: on copies of the arguments,
through the adapter its check names, noting the arguments it changed in place.

Used where the student's code runs: by the grader's harness in the sandboxed kernel, and
by the visible tests in the student's own kernel. Needs only numpy.
"""
import numpy as np


def _tanh_sin(v, a):
    """A smooth test function for gradient checks: elementwise, array-valued."""
    return np.tanh(a * v) + np.sin(v) * v


def numerical_gradient_call(fn, x, a, dout, h):
    """numerical_gradient(f, x, dout, h) for f(v) = tanh(a*v) + sin(v)*v (summed when dout
    is None). x must come back unchanged; invoke reports it when it does not."""
    __tracebackhide__ = True        # a student's traceback shows their code, not this helper
    return fn(lambda v: _tanh_sin(v, a), x, dout, h)


ADAPTERS = {"numerical_gradient": numerical_gradient_call}


def copy(value):
    """A deep copy of arrays, also inside tuples and lists (caches are tuples of arrays)."""
    if isinstance(value, np.ndarray):
        return value.copy()
    if isinstance(value, (tuple, list)):
        return type(value)(copy(v) for v in value)
    return value


def unchanged(before, after):
    """Whether `after` holds the same arrays as `before` (tuples and lists looked into)."""
    if isinstance(before, np.ndarray):
        return (isinstance(after, np.ndarray) and before.shape == after.shape
                and np.array_equal(before, after, equal_nan=True))
    if isinstance(before, (tuple, list)):
        return (isinstance(after, (tuple, list)) and len(before) == len(after)
                and all(unchanged(b, a) for b, a in zip(before, after)))
    return True


def invoke(fn, args, adapter=None):
    """fn(*args) (or ADAPTERS[adapter](fn, *args)) on copies of args: (output, [indices of the
    arguments whose arrays fn changed in place]). What fn raises goes through."""
    __tracebackhide__ = True
    copies = [copy(a) for a in args]
    output = ADAPTERS[adapter](fn, *copies) if adapter else fn(*copies)
    return output, [i for i, (before, after) in enumerate(zip(args, copies)) if not unchanged(before, after)]

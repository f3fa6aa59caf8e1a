"""One helper to compare arrays and say, in words, how they differ.

Used by the course's tests, by the checks behind the hidden tests, and by the
visible tests in the notebooks, so every message a student sees reads the same.
"""
import os
import traceback
import types

import numpy as np


def relative_error(a, b):
    """||a - b|| / (||a|| + ||b||) over all entries (0.0 when both are zero).

    The usual yardstick of a gradient check: below about 1e-7 in float64 means
    the analytic and numerical gradients agree.
    """
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    scale = np.linalg.norm(a) + np.linalg.norm(b)
    return 0.0 if scale == 0 else float(np.linalg.norm(a - b) / scale)


def _index(flat_index, shape):
    return tuple(int(i) for i in np.unravel_index(flat_index, shape))


def _shape_hint(got_shape, expected_shape):
    if sorted(got_shape) == sorted(expected_shape):
        return " (the same sizes in another order: are axes swapped? layout is (N, H, W, C))"
    if len(got_shape) != len(expected_shape):
        return f" ({len(got_shape)} dimensions instead of {len(expected_shape)})"
    wrong = [axis for axis, (g, e) in enumerate(zip(got_shape, expected_shape)) if g != e]
    return f" (axis {', '.join(map(str, wrong))} differs)"


QUOTE_LIMIT = 120
"""The most characters of quoted text (an exception's message, a type's name) a sentence shows:
text a function made from a hidden input must not bring that input back in full."""


def quote(text):
    """text on one line, cut to QUOTE_LIMIT characters ("..." marks the cut)."""
    text = " ".join(str(text).split())
    return text if len(text) <= QUOTE_LIMIT else text[:QUOTE_LIMIT - 3] + "..."


_KINDS = {"c": "complex values", "b": "True/False values", "O": "Python objects", "U": "text", "S": "bytes"}


def number_problem(values, expected=None):
    """What an array holds instead of the real numbers expected ("returned complex values
    (dtype complex128)"), or None. values, expected: arrays; booleans, complex numbers and
    the like pass only where expected holds the same kind."""
    kind = values.dtype.kind
    if kind in "iuf" or (expected is not None and kind == expected.dtype.kind):
        return None
    return f"returned {_KINDS.get(kind, 'values')} (dtype {values.dtype})"


def _percent(fraction):
    return f"{100 * fraction:.2g}%" if fraction < 0.1 else f"{100 * fraction:,.0f}%"


def _how_off(got, expected):
    """How the number got differs from expected, in words that do not give expected away:
    the direction and the relative size of the error, said of the size (distance from zero)
    when expected is negative, and whether got is on the other side of zero. Not the size
    between whole numbers: "too small by 10%" and an off-by-one hint would say expected is 10."""
    if got * expected < 0:
        if abs(abs(got) - abs(expected)) <= 1e-6 * abs(expected):
            return "has the wrong sign"
        return f"is too {'large' if got > expected else 'small'}, and of the wrong sign"
    whole = got.is_integer() and expected.is_integer()
    if expected < 0 or (expected == 0 and got < 0):
        direction = "is too large in size (too negative)" if got < expected else \
            "is too small in size (not negative enough)"
    else:
        direction = "is too large" if got > expected else "is too small"
    if expected == 0 or not np.isfinite(got - expected) or whole:
        return direction
    return f"{direction} by {_percent(abs(got - expected) / abs(expected))}"


def _how_off_mask(got):
    """How an entry of a True/False answer differs: it can only be the other value."""
    return "is True where it should be False" if got else "is False where it should be True"


def form_difference(got, expected, name="output"):
    """None when `got` has the form of `expected` (an array or number of its shape, holding
    real numbers); otherwise the sentence that says why not: None, another type, another
    shape, or values that are not real numbers (complex, booleans, objects)."""
    expected = np.asarray(expected)
    if got is None:
        return f"{name} is None: did the function forget to return it?"
    if not isinstance(got, (np.ndarray, np.generic, int, float, complex)):
        if expected.ndim == 0:        # one number is asked for: a float, or a count
            kind = "an int" if expected.dtype.kind in "iu" else "a float"
            return f"{name} should be one number ({kind}); got {quote(type(got).__name__)}"
        return f"{name} should be a numpy array; got {quote(type(got).__name__)}"
    got = np.asarray(got)
    if got.shape != expected.shape:
        return (f"{name} has shape {got.shape} but should have shape {expected.shape}"
                + _shape_hint(got.shape, expected.shape))
    problem = number_problem(got, expected)
    return f"{name} should hold real numbers: {problem}" if problem else None


def explain_difference(got, expected, name="output", rtol=1e-5, atol=1e-8, check_dtype=False, reveal=True):
    """None when `got` matches `expected`; otherwise one sentence that says how it differs.

    got, expected: arrays (or numbers) of the same shape; entries match when
    |got - expected| <= atol + rtol * |expected|, as in numpy.allclose.
    The sentence names the first problem found: the form (form_difference), dtype (when
    check_dtype), NaN or infinity, then the values. reveal: say the values found and
    expected (how many differ, the largest error, where it is, and the values there), as
    public tests may; with reveal=False, as hidden tests must, say where the first
    difference is and how it is off (sign, too large or too small, by how much
    relatively) without the values.
    """
    expected = np.asarray(expected)
    form = form_difference(got, expected, name)
    if form is not None:
        return form
    got = np.asarray(got)
    if check_dtype and got.dtype != expected.dtype:
        return f"{name} has dtype {got.dtype} but should have dtype {expected.dtype}"
    bad = ~np.isfinite(got) & np.isfinite(expected)
    if bad.any():
        where = _index(np.flatnonzero(bad)[0], got.shape)
        return (f"{name} has {int(bad.sum())} NaN or infinite values where finite ones were "
                f"expected (first at index {where}); an overflow, or 0/0?")
    g, e = got.astype(np.float64).ravel(), expected.astype(np.float64).ravel()
    same = (g == e) | (np.isnan(g) & np.isnan(e))          # equal infinities and NaNs match
    error = np.where(same, 0.0, np.abs(g - e))
    wrong = ~same & ~(error <= atol + rtol * np.abs(e))    # a NaN error counts as wrong
    if not wrong.any():
        return None
    if not reveal:
        first = int(np.flatnonzero(wrong)[0])
        how = _how_off_mask(g[first]) if expected.dtype == bool else _how_off(g[first], e[first])
        if got.ndim == 0:
            return f"{name} {how}"
        return (f"{name} differs at {int(wrong.sum())} of {wrong.size} entries; the first, at index "
                f"{_index(first, got.shape)}, {how}")
    if got.ndim == 0:
        return f"{name} is {g[0]:.6g} but should be {e[0]:.6g}"
    worst = int(np.argmax(np.where(wrong, np.nan_to_num(error, nan=np.inf), -1.0)))
    return (f"{name} differs at {int(wrong.sum())} of {wrong.size} entries; largest error "
            f"{error[worst]:.3g} at index {_index(worst, got.shape)}: got {g[worst]:.6g}, "
            f"expected {e[worst]:.6g}")


_HERE = os.path.dirname(os.path.abspath(__file__)) + os.sep


class Mismatch(AssertionError):
    """An AssertionError of assert_close or assert_shape. In IPython (a notebook, nbgrader's
    Validate) its traceback leaves out coursekit's frames: the student sees their own call
    and the sentence, not the helper's insides (IPython's __tracebackhide__ cannot hide the
    frame that raises)."""

    def _render_traceback_(self):
        kept, tb = [], self.__traceback__
        while tb is not None:
            if not os.path.abspath(tb.tb_frame.f_code.co_filename).startswith(_HERE):
                kept.append(tb)
            tb = tb.tb_next
        trimmed = None
        for tb in reversed(kept):
            trimmed = types.TracebackType(trimmed, tb.tb_frame, tb.tb_lasti, tb.tb_lineno)
        try:
            from IPython import get_ipython
            shell = get_ipython()
            if shell is not None:
                return shell.InteractiveTB.structured_traceback(AssertionError, self, trimmed)
        except Exception:       # noqa: BLE001 (a plain traceback below is as good)
            pass
        return "".join(traceback.format_exception(AssertionError, self, trimmed)).splitlines()


def assert_close(got, expected, name="output", rtol=1e-5, atol=1e-8, check_dtype=False):
    """Raise AssertionError (Mismatch) with explain_difference's sentence when got != expected."""
    message = explain_difference(got, expected, name, rtol, atol, check_dtype)
    if message is not None:
        raise Mismatch(message)


def assert_shape(got, expected_shape, name="output"):
    """Raise AssertionError (Mismatch) saying how got's shape differs from expected_shape."""
    shape = np.shape(got)
    if tuple(shape) != tuple(expected_shape):
        raise Mismatch(f"{name} has shape {tuple(shape)} but should have shape "
                             f"{tuple(expected_shape)}" + _shape_hint(tuple(shape), tuple(expected_shape)))

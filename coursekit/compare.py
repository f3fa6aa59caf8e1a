"""One helper to compare arrays and say, in words, how they differ.

Used by the course's tests, by the checks behind the hidden tests, and by the
visible tests in the notebooks, so every message a student sees reads the same.
"""
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
    the sign, or the direction and the relative size of the error. Not the size between
    whole numbers: "too small by 10%" and an off-by-one hint would say expected is 10."""
    if got * expected < 0:
        return "has the wrong sign"
    direction = "is too large" if got > expected else "is too small"
    if expected == 0 or not np.isfinite(got - expected) or (got.is_integer() and expected.is_integer()):
        return direction
    return f"{direction} by {_percent(abs(got - expected) / abs(expected))}"


def form_difference(got, expected, name="output"):
    """None when `got` has the form of `expected` (an array or number of its shape, holding
    real numbers); otherwise the sentence that says why not: None, another type, another
    shape, or values that are not real numbers (complex, booleans, objects)."""
    expected = np.asarray(expected)
    if got is None:
        return f"{name} is None: did the function forget to return it?"
    if not isinstance(got, (np.ndarray, np.generic, int, float, complex)):
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
        if got.ndim == 0:
            return f"{name} {_how_off(g[0], e[0])}"
        return (f"{name} differs at {int(wrong.sum())} of {wrong.size} entries; the first, at index "
                f"{_index(first, got.shape)}, {_how_off(g[first], e[first])}")
    if got.ndim == 0:
        return f"{name} is {g[0]:.6g} but should be {e[0]:.6g}"
    worst = int(np.argmax(np.where(wrong, np.nan_to_num(error, nan=np.inf), -1.0)))
    return (f"{name} differs at {int(wrong.sum())} of {wrong.size} entries; largest error "
            f"{error[worst]:.3g} at index {_index(worst, got.shape)}: got {g[worst]:.6g}, "
            f"expected {e[worst]:.6g}")


def assert_close(got, expected, name="output", rtol=1e-5, atol=1e-8, check_dtype=False):
    """Raise AssertionError with explain_difference's sentence when got != expected."""
    message = explain_difference(got, expected, name, rtol, atol, check_dtype)
    if message is not None:
        raise AssertionError(message)


def assert_shape(got, expected_shape, name="output"):
    """Raise AssertionError saying how got's shape differs from expected_shape."""
    shape = np.shape(got)
    if tuple(shape) != tuple(expected_shape):
        raise AssertionError(f"{name} has shape {tuple(shape)} but should have shape "
                             f"{tuple(expected_shape)}" + _shape_hint(tuple(shape), tuple(expected_shape)))

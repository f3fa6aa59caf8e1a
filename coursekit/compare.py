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


def explain_difference(got, expected, name="output", rtol=1e-5, atol=1e-8, check_dtype=False):
    """None when `got` matches `expected`; otherwise one sentence that says how it differs.

    got, expected: arrays (or numbers) of the same shape; entries match when
    |got - expected| <= atol + rtol * |expected|, as in numpy.allclose.
    The sentence names the first problem found: type, shape, dtype (when
    check_dtype), NaN or infinity, then the values (how many differ, the largest
    error, where it is, and the values found and expected there).
    """
    expected = np.asarray(expected)
    if got is None:
        return f"{name} is None: did the function forget to return it?"
    if not isinstance(got, (np.ndarray, np.generic, int, float)):
        return f"{name} should be a numpy array; got {type(got).__name__}"
    got = np.asarray(got)
    if got.shape != expected.shape:
        return (f"{name} has shape {got.shape} but should have shape {expected.shape}"
                + _shape_hint(got.shape, expected.shape))
    if not (np.issubdtype(got.dtype, np.number) or got.dtype == np.bool_):
        return f"{name} should hold numbers; got dtype {got.dtype}"
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

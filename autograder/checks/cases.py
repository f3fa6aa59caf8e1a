"""Case builders shared by several checks: conv and pool problems, and backward cases made
from forward ones. Values are drawn from model.case_rng(stream, seed)."""
import numpy as np

from coursekit.judging import Case

from .model import case_rng


def conv_cases(stream, seed, integer=False):
    """Conv problems covering the corners: stride > 1, pad 0 and > 0, non-square, batch of 1,
    C_in != C_out, 1x1 filters, uneven fits and float32; values drawn from case_rng(stream, seed).
    integer: one more, an integer image with float weights and bias (the output's dtype is
    np.result_type(x, w, b), float64: an output array of the image's dtype cuts every value)."""
    rng = case_rng(stream, seed)
    specs = [((2, 5, 5, 3), (3, 3, 3, 4), 1, 0, "stride 1, pad 0, C_in 3 -> C_out 4"),
             ((2, 6, 6, 2), (3, 3, 2, 2), 2, 1, "stride 2, pad 1"),
             ((1, 7, 5, 2), (3, 3, 2, 3), 2, 1, "non-square 7x5 input, batch of 1"),
             ((2, 4, 4, 3), (1, 1, 3, 2), 1, 0, "1x1 filters"),
             ((1, 6, 6, 1), (5, 5, 1, 2), 1, 2, "5x5 filter, pad 2 keeps the size"),
             ((1, 8, 7, 1), (2, 2, 1, 3), 3, 1, "stride 3, uneven fit"),
             ((2, 5, 6, 2), (3, 3, 2, 1), 1, 1, "one filter, pad 1"),
             ((1, 5, 5, 3), (3, 3, 3, 2), 2, 0, "float32 input")]
    cases = []
    for x_shape, w_shape, stride, pad, name in specs:
        dtype = np.float32 if "float32" in name else np.float64
        args = (rng.standard_normal(x_shape).astype(dtype), rng.standard_normal(w_shape).astype(dtype),
                rng.standard_normal(w_shape[3]).astype(dtype), stride, pad)
        cases.append(Case(name, args))
    if integer:
        x = rng.integers(0, 256, (2, 5, 5, 2))
        cases.append(Case("integer image (0-255), float weights", (
            x, rng.standard_normal((3, 3, 2, 3)), rng.standard_normal(3), 1, 1)))
    return cases


def pool_cases(stream, seed, integer=False):
    """Pooling problems: both modes, the usual 2x2/2 and overlapping 3x3/2, stride 1,
    uneven fits (one leaving more than half a stride, which rounding the output size to
    the nearest integer would count as a window), non-square inputs, a batch of 1, ties,
    float32; values drawn from case_rng(stream, seed). integer: one more, average pooling of an
    integer image (means have fractions: an output array of the image's dtype cuts them)."""
    rng = case_rng(stream, seed)
    specs = [((2, 4, 4, 3), 2, 2, "max", "2x2 max pool, stride 2"),
             ((2, 4, 4, 3), 2, 2, "avg", "2x2 average pool, stride 2"),
             ((1, 7, 7, 2), 3, 2, "max", "overlapping 3x3 max pool, stride 2, batch of 1"),
             ((1, 7, 7, 2), 3, 2, "avg", "overlapping 3x3 average pool, stride 2"),
             ((2, 5, 4, 1), 2, 1, "max", "2x2 max pool, stride 1, non-square"),
             ((2, 7, 6, 2), 2, 2, "avg", "uneven fit: 7x6 input, 2x2 pool"),
             ((1, 6, 9, 3), 3, 3, "max", "3x3 max pool, stride 3, non-square"),
             ((1, 10, 7, 2), 2, 3, "avg", "2x2 average pool, stride 3: two thirds of a stride left over"),
             ((2, 4, 6, 2), 2, 2, "max", "ties: small integers"),
             ((2, 6, 6, 2), 2, 2, "avg", "float32 input")]
    cases = []
    for shape, size, stride, mode, name in specs:
        if "ties" in name:
            x = rng.integers(0, 3, shape).astype(float)
        else:
            x = rng.standard_normal(shape).astype(np.float32 if "float32" in name else np.float64)
        cases.append(Case(name, (x, size, stride, mode)))
    if integer:
        cases.append(Case("integer image (0-255), 2x2 average pool", (rng.integers(0, 256, (2, 4, 6, 2)), 2, 2, "avg")))
    return cases


def backward_cases(forward_cases, forward, rng):
    """Cases of a backward pass, one per forward case: (dout, cache), with dout a normal array
    drawn from rng, of the forward's output shape and dtype, and the forward's own cache."""
    cases = []
    for case in forward_cases:
        out, cache = forward(*case.args)
        cases.append(Case(case.name, (rng.standard_normal(out.shape).astype(out.dtype), cache)))
    return cases

"""Checks of notebook 01 (convolution): output_size, zero_pad, conv_single_step,
conv_forward_naive, conv_param_count."""
import numpy as np

import solutions as S

from coursekit.judging import Case, Comparison

from .bugs import FILTER_AXES, conv_forward_bugs
from .cases import conv_cases
from .model import Bug, Check, case_rng

# output_size ----------------------------------------------------------------------------------

# (name, filter sizes to draw from, stride, pad, what is left over after the last whole
# stride); the size n is drawn. Above half a stride left over, rounding to the nearest
# integer counts one window too many; a pad of 2 or more at stride 1 tells padding on
# one side from an off-by-one.
OUTPUT_SIZES = [("stride 1, a 5x5 or 7x7 filter, the padding keeps the size", (5, 7), 1, "same", 0),
                ("stride 2, pad 0, half a stride left over", (3, 5, 7), 2, 0, 1),
                ("stride 2, pad 2, half a stride left over", (3, 5, 7), 2, 2, 1),
                ("stride 3, pad 1, a third of a stride left over", (3, 5, 7), 3, 1, 1),
                ("stride 3, pad 0, two thirds of a stride left over", (3, 5, 7), 3, 0, 2),
                ("stride 4, pad 1, three quarters of a stride left over", (3, 5, 7), 4, 1, 3),
                ("stride 5, pad 2, four fifths of a stride left over", (3, 5, 7), 5, 2, 4),
                ("1x1 filter, stride 3", (1,), 3, 0, 2)]


def output_size_cases(seed=0):
    """The course's worked examples, then sizes drawn from the seed (OUTPUT_SIZES) and a
    filter as large as the padded input."""
    rng = case_rng(100, seed)
    cases = [Case("7x7 input, 3x3 filter", (7, 3, 1, 0)), Case("7x7 input, 3x3 filter, stride 2", (7, 3, 2, 0)),
             Case("AlexNet's first layer: 227x227, 11x11 filter, stride 4", (227, 11, 4, 0))]
    for name, filters, stride, pad, left in OUTPUT_SIZES:
        f = int(rng.choice(filters))
        pad = (f - 1) // 2 if pad == "same" else pad
        # n + 2*pad - f = k*stride + left, k odd: with half a stride left over, rounding half to
        # even (round) and half up (int(x + 0.5)) both count the extra window, whatever the seed
        k = 2 * int(rng.integers(1, 6)) + 1
        n = k * stride + left + f - 2 * pad
        cases.append(Case(name, (n, f, stride, pad)))
    f = int(rng.choice([5, 7, 9]))
    return cases + [Case("a filter as large as the padded input", (f - 2, f, 1, 1))]


output_size = Check(
    "output_size", 1, S.output_size, output_size_cases, Comparison("value"),
    bugs=[Bug("the division must round down (//), not to the nearest integer",
              lambda n, f, s, p: 1 + round((n + 2 * p - f) / s)),
          Bug("the division must round down (//), not up: a window that does not fit is dropped",
              lambda n, f, s, p: 1 + -(-(n + 2 * p - f) // s)),
          Bug("use integer division (//): a window that does not fit is dropped",
              lambda n, f, s, p: 1 + (n + 2 * p - f) / s),
          Bug("off by one: count the first window too",
              lambda n, f, s, p: (n + 2 * p - f) // s),
          Bug("padding goes on both sides: n + 2*pad", lambda n, f, s, p: 1 + (n + p - f) // s),
          Bug("the padding is missing from the formula", lambda n, f, s, p: 1 + (n - f) // s),
          Bug("the stride is missing: divide (n + 2*pad - f) by it",
              lambda n, f, s, p: 1 + n + 2 * p - f),
          Bug("brackets: the stride divides all of (n + 2*pad - f), not f alone",
              lambda n, f, s, p: 1 + n + 2 * p - f // s)],
    hint="count the positions of the window: the padded size less the filter, divided by the stride "
         "and rounded down, and the first window too")


# zero_pad -------------------------------------------------------------------------------------

def zero_pad_cases(seed=0):
    rng = case_rng(101, seed)
    shapes = [((2, 3, 4, 2), 1, "pad 1"), ((1, 5, 3, 1), 2, "pad 2, non-square, batch of 1"),
              ((2, 3, 3, 3), 0, "pad 0 (nothing to add)"), ((3, 2, 2, 4), 3, "pad 3, 4 channels")]
    cases = [Case(name, (rng.standard_normal(shape), pad)) for shape, pad, name in shapes]
    cases.append(Case("float32 input", (rng.standard_normal((2, 4, 4, 1)).astype(np.float32), 2)))
    return cases


zero_pad = Check(
    "zero_pad", 1, S.zero_pad, zero_pad_cases, Comparison("value"),
    bugs=[Bug("pad only the height and width axes: np.pad takes one (before, after) pair per axis, and "
              "the batch and channel axes get none",
              lambda x, p: np.pad(x, p)),
          Bug("pad the channel axis? only H and W get zeros", lambda x, p: np.pad(x, ((0, 0), (p, p), (p, p), (p, p)))),
          Bug("pad the batch axis? only H and W get zeros, not extra images",
              lambda x, p: np.pad(x, ((p, p), (p, p), (p, p), (0, 0)))),
          Bug("the width is not padded: pad both H and W (axes 1 and 2)",
              lambda x, p: np.pad(x, ((0, 0), (p, p), (0, 0), (0, 0)))),
          Bug("the height is not padded: pad both H and W (axes 1 and 2)",
              lambda x, p: np.pad(x, ((0, 0), (0, 0), (p, p), (0, 0)))),
          Bug("pad both sides: pad rows above and below, pad columns left and right, not 2*pad on one side",
              lambda x, p: np.pad(x, ((0, 0), (0, 2 * p), (0, 2 * p), (0, 0)))),
          Bug("pad with zeros (mode 'constant', value 0)",
              lambda x, p: np.pad(x, ((0, 0), (p, p), (p, p), (0, 0)), mode="edge"))],
    hint="zeros around the height and width axes only, pad on each side: np.pad takes one (before, "
         "after) pair per axis (with pad 0, a slice x[pad:-pad] is empty: end it at pad + H instead)")


# conv_single_step -------------------------------------------------------------------------------

def conv_single_step_cases(seed=0):
    rng = case_rng(102, seed)
    shapes = [((3, 3, 1), "3x3, one channel"), ((5, 5, 3), "5x5, 3 channels"),
              ((1, 1, 4), "1x1, 4 channels"), ((2, 2, 2), "2x2, 2 channels")]
    cases = [Case(name, (rng.standard_normal(s), rng.standard_normal(s), float(rng.standard_normal())))
             for s, name in shapes]
    cases.append(Case("asymmetric filter", (rng.standard_normal((3, 3, 2)),
                                            np.arange(18.0).reshape(3, 3, 2), 0.25)))
    return cases


conv_single_step = Check(
    "conv_single_step", 1, S.conv_single_step, conv_single_step_cases, Comparison("value"),
    bugs=[Bug("add the bias b once, after summing", lambda a, w, b: float(np.sum(a * w))),
          Bug("this is true convolution (flipped filter); the layer computes cross-correlation: "
              "no flip", lambda a, w, b: float(np.sum(a * w[::-1, ::-1]) + b)),
          Bug("add the bias once to the sum, not to every product",
              lambda a, w, b: float(np.sum(a * w + b))),
          Bug("add the bias b, do not subtract it", lambda a, w, b: float(np.sum(a * w) - b)),
          Bug("sum the products, do not average them",
              lambda a, w, b: float(np.mean(a * w) + b)),
          Bug("sum over every axis, channels too: the result is one number",
              lambda a, w, b: np.sum(a * w, axis=(0, 1)) + b),
          Bug("multiply elementwise, then sum: sum(a_slice * w), not sum(a_slice) * sum(w)",
              lambda a, w, b: float(np.sum(a) * np.sum(w) + b)),
          Bug(FILTER_AXES.replace(", for output channel c", "").replace("(F, F, C_in, C_out)", "(F, F, C)")
              .replace("w[p, q, k, c]", "w[p, q, k]"),
              lambda a, w, b: float(np.sum(a * w.transpose(1, 0, 2)) + b))],
    hint="multiply the window and the filter entry by entry, add up every product (np.sum over all "
         "the axes), then add the bias once: one number")


# conv_forward_naive ------------------------------------------------------------------------------

def _naive_calls(x, w, b, stride, pad):
    """The calls conv_forward_naive makes to the notebook's earlier functions."""
    (N, H, W, _), (F, _, _, C_out) = x.shape, w.shape
    H_out, W_out = S.output_size(H, F, stride, pad), S.output_size(W, F, stride, pad)
    xp = S.zero_pad(x, pad)
    windows = [xp[n, i * stride:i * stride + F, j * stride:j * stride + F, :]
               for n in range(N) for i in range(H_out) for j in range(W_out)]
    return {"output_size": [(H, F, stride, pad), (W, F, stride, pad)], "zero_pad": [(x, pad)],
            "conv_single_step": [(window, w[:, :, :, c], b[c]) for window in windows for c in range(C_out)]}


conv_forward_naive = Check(
    "conv_forward_naive", 3, S.conv_forward_naive, lambda seed=0: conv_cases(103, seed, integer=True),
    Comparison("forward", ("x", "w", "b", "stride", "pad")), uses=_naive_calls,
    bugs=conv_forward_bugs(S.conv_forward), bug_compare=Comparison("out"),
    hint="each output (n, i, j, c) is filter c applied to one window of the padded input "
         "(conv_single_step), the window of (i, j) starting at row i*stride and column j*stride")


# conv_param_count ---------------------------------------------------------------------------------

def conv_param_count_cases(seed=0):
    """The course's worked examples, then layers whose channel counts (C_in != C_out) are
    drawn from the seed."""
    worked = [(11, 3, 96, "AlexNet's first layer"), (5, 1, 6, "LeNet's first layer"),
              (5, 6, 16, "LeNet's second layer")]
    cases = [Case(f"F={f}, C_in={ci}, C_out={co} ({name})", (f, ci, co)) for f, ci, co, name in worked]
    rng = case_rng(104, seed)
    for f, name in ((3, "3x3 filters"), (1, "1x1 convolution"), (7, "7x7 filters")):
        c_in, c_out = (int(c) for c in rng.choice(np.arange(2, 65), 2, replace=False))
        cases.append(Case(f"{name}, C_in != C_out", (f, c_in, c_out)))
    return cases


conv_param_count = Check(
    "conv_param_count", 1, S.conv_param_count, conv_param_count_cases, Comparison("value"),
    bugs=[Bug("each filter also has one bias", lambda f, ci, co: f * f * ci * co),
          Bug("a filter spans all C_in input channels: F*F*C_in weights",
              lambda f, ci, co: f * f * co + co),
          Bug("one bias per filter, not per weight", lambda f, ci, co: 2 * f * f * ci * co),
          Bug("a filter is F x F: F*F*C_in weights, F squared", lambda f, ci, co: f * ci * co + co),
          Bug("one bias per filter: + C_out biases, not one for the whole layer",
              lambda f, ci, co: f * f * ci * co + 1),
          Bug("one bias per filter (per output channel): + C_out, not + C_in",
              lambda f, ci, co: f * f * ci * co + ci)],
    hint="F*F*C_in weights per filter, C_out filters, one bias each")

CHECKS = [output_size, zero_pad, conv_single_step, conv_forward_naive, conv_param_count]

"""Checks of notebook 02 (pooling and activations): pool_forward_naive, relu_forward."""
import numpy as np

import solutions as S

from coursekit.judging import Case, Comparison

from .cases import pool_cases
from .model import Bug, Check, case_rng


def _other_mode(x, size, stride, mode):
    return S.pool_forward(x, size, stride, "avg" if mode == "max" else "max")[0]


def _over_channels(x, size, stride, mode):
    """Windows reduced through all channels at once (x[n, rows, cols, :].max())."""
    out = S.pool_forward(x, size, stride, mode)[0]
    reduced = out.max(axis=3, keepdims=True) if mode == "max" else out.mean(axis=3, keepdims=True)
    return np.broadcast_to(reduced, out.shape)


def _over_batch(x, size, stride, mode):
    """Windows reduced through all images at once (x[:, rows, cols, c].max())."""
    out = S.pool_forward(x, size, stride, mode)[0]
    reduced = out.max(axis=0, keepdims=True) if mode == "max" else out.mean(axis=0, keepdims=True)
    return np.broadcast_to(reduced, out.shape)


def _pool_sizes(x, size, stride):
    return S.output_size(x.shape[1], size, stride), S.output_size(x.shape[2], size, stride)


def _rounded_pool_sizes(x, size, stride):
    """H_out and W_out with the division rounded to the nearest integer instead of down."""
    return tuple(1 + round((n - size) / stride) for n in x.shape[1:3])


def _pooled_windows(x, size, mode, step, rows, cols):
    """rows x cols windows starting every `step` pixels, cut short at the border as a slice
    x[a:b] is: the output of a loop whose windows or output size are wrong."""
    room = ((0, 0), (0, step * rows + size), (0, step * cols + size), (0, 0))
    if mode == "max":         # -inf: a cut window takes the max of what is left
        out = S.pool_forward(np.pad(x, room, constant_values=-np.inf), size, step, "max")[0]
    else:                     # the mean of what is left: sum / count
        total = S.pool_forward(np.pad(x, room), size, step, "avg")[0]
        out = total / S.pool_forward(np.pad(np.ones_like(x), room), size, step, "avg")[0]
    return out[:, :rows, :cols]


def _square_pool(x, size, stride, mode, which):
    """H_out and W_out both from one axis (which 0: H, 1: W): W_out computed from H, or H_out from W."""
    n = _pool_sizes(x, size, stride)[which]
    return _pooled_windows(x, size, mode, stride, n, n)


def _no_avg(x, size, stride, mode):
    """mode "avg" never matched (tested against "average" or "mean"): out stays zeros."""
    out = S.pool_forward(x, size, stride, mode)[0]
    return np.zeros_like(out) if mode == "avg" else out


pool_forward_naive = Check(
    "pool_forward_naive", 3, S.pool_forward_naive, lambda seed=0: pool_cases(201, seed, integer=True),
    Comparison("forward", ("x", "size", "stride", "mode")),
    bugs=[Bug("max and average are swapped: mode 'max' takes np.max of the window",
              _other_mode),
          Bug("average pooling gave zeros: is mode 'avg' handled? (not 'average' or 'mean')", _no_avg),
          Bug("average pooling sums the window: divide by size * size (or use np.mean)",
              lambda x, f, s, m: S.pool_forward(x, f, s, m)[0] * f * f),
          Bug("average pooling divides by size; a window holds size * size values",
              lambda x, f, s, m: S.pool_forward(x, f, s, m)[0] * f),
          Bug("the stride is ignored: window (i, j) starts at (i*stride, j*stride)",
              lambda x, f, s, m: S.pool_forward(x, f, 1, m)[0]),
          Bug("the windows do not move by the stride: window (i, j) starts at (i*stride, j*stride), "
              "not (i, j)", lambda x, f, s, m: _pooled_windows(x, f, m, 1, *_pool_sizes(x, f, s))),
          Bug("the window moved by size instead of stride", lambda x, f, s, m: S.pool_forward(x, f, f, m)[0]),
          Bug("the window moved by size instead of stride: window (i, j) starts at (i*stride, j*stride)",
              lambda x, f, s, m: _pooled_windows(x, f, m, f, *_pool_sizes(x, f, s))),
          Bug("the window is one row and column short: x[n, i*stride : i*stride + size, ...] "
              "(the end of a slice is excluded)",
              lambda x, f, s, m: _pooled_windows(x, f - 1, m, s, *_pool_sizes(x, f, s))),
          Bug("height and width are swapped: window (i, j) is x[n, i*stride : i*stride+size, "
              "j*stride : j*stride+size, c]",
              lambda x, f, s, m: _pooled_windows(x.transpose(0, 2, 1, 3), f, m, s, *_pool_sizes(x, f, s))),
          Bug("W_out comes from the width W, H_out from the height H",
              lambda x, f, s, m: _square_pool(x, f, s, m, 0)),
          Bug("W_out comes from the width W, H_out from the height H",
              lambda x, f, s, m: _square_pool(x, f, s, m, 1)),
          Bug("pool each channel on its own: the window is x[n, rows, cols, c], not all channels",
              _over_channels),
          Bug("pool each image on its own: the window is x[n, rows, cols, c], not the whole batch",
              _over_batch),
          Bug("the last window is dropped: output size 1 + (H - size) // stride",
              lambda x, f, s, m: S.pool_forward(x, f, s, m)[0][:, :-1, :-1]),
          Bug("the output size rounds down, 1 + (H - size) // stride: a window that does not fit "
              "is dropped, not rounded to",
              lambda x, f, s, m: _pooled_windows(x, f, m, s, *_rounded_pool_sizes(x, f, s)))],
    bug_compare=Comparison("out"),
    hint="each output (n, i, j, c) reduces one size x size window of channel c alone (np.max or "
         "np.mean), the window of (i, j) starting at row i*stride and column j*stride")


def relu_cases(seed=0):
    """Normal values, each case with one above 1 and one below -1 (a clip at 1 or a sign
    mistake shows on every case, whatever the seed)."""
    rng = case_rng(202, seed)

    def normal(*shape):
        x = rng.standard_normal(shape)
        x.flat[-2:] = (1 + rng.random(), -1 - rng.random())
        return x
    with_zeros = normal(3, 4)
    with_zeros[0, :2] = 0.0
    return [Case("a batch of images", (normal(2, 3, 3, 4),)),
            Case("a matrix with exact zeros", (with_zeros,)),
            Case("a vector", (normal(7),)),
            Case("float32 input", (normal(2, 5).astype(np.float32),))]


relu_forward = Check(
    "relu_forward", 1, S.relu_forward, relu_cases, Comparison("forward", ("x",)),
    bugs=[Bug("np.max(x, 0) takes the largest value along axis 0; np.maximum compares two "
              "arrays (or an array and a number) elementwise", lambda x: np.max(x, 0)),
          Bug("ReLU keeps positive values and zeroes the negative ones; it does not take |x|",
              lambda x: np.abs(x)),
          Bug("negative values become 0, they are not kept", lambda x: np.minimum(x, 0)),
          Bug("x > 0 only says where x is positive: keep the value there, and 0 elsewhere", lambda x: (x > 0).astype(x.dtype)),
          Bug("keep x's shape: x[x > 0] drops the negative entries; set them to 0 instead",
              lambda x: x[x > 0]),
          Bug("ReLU has no upper limit: positive values stay as they are (np.clip(x, 0, None))",
              lambda x: np.clip(x, 0, 1)),
          Bug("that is leaky ReLU: ReLU sets every negative value to exactly 0",
              lambda x: np.maximum(x, 0.01 * x))],
    bug_compare=Comparison("out"),
    mutation_hint="return a new array; changing x in place also changes the cache",
    hint="keep x where it is positive and 0 elsewhere, entry by entry (numpy has a function that "
         "compares two arrays elementwise), in a new array; the cache holds the forward's input")

CHECKS = [pool_forward_naive, relu_forward]

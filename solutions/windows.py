"""The geometry of a sliding window: output sizes, zero padding, window views.

Shared by convolution and pooling. Layout is channels-last: x is (N, H, W, C).
"""
import numpy as np
from numpy.lib.stride_tricks import as_strided

from ._validate import as_array, require_fits, require_int, require_ndim, resolve_pad


def output_size(n, f, stride=1, pad=0):
    """How many positions a window of size f takes along an axis of length n.

    n, f, stride: ints >= 1; pad: int >= 0, "valid" or "same".
    Returns 1 + (n + 2*pad - f) // stride. The floor drops a last window that
    would not fit whole (W=10, F=3, S=2 gives 4: the last input column is unused).
    """
    n = require_int("n", n, 1)
    f = require_int("f", f, 1)
    stride = require_int("stride", stride, 1)
    pad = resolve_pad(pad, f, stride)
    require_fits("window size f", f, n, pad, "this axis")
    return 1 + (n + 2 * pad - f) // stride


def zero_pad(x, pad):
    """Surround every image of x with `pad` rows and columns of zeros.

    x: (N, H, W, C); pad: int >= 0.
    Returns (N, H + 2*pad, W + 2*pad, C) of x's dtype (x itself when pad is 0).
    Only H and W are padded, never the batch or channel axis.
    """
    x = as_array("x", x)
    require_ndim("x", x, "(N, H, W, C)")
    pad = require_int("pad", pad, 0)
    if pad == 0:
        return x
    N, H, W, C = x.shape
    xp = np.zeros((N, H + 2 * pad, W + 2 * pad, C), dtype=x.dtype)
    xp[:, pad:pad + H, pad:pad + W, :] = x
    return xp


def window_view(xp, f, stride):
    """Read-only view of every f x f window of an (already padded) input; no copy.

    xp: (N, Hp, Wp, C) -> (N, Ho, Wo, f, f, C) with Ho = 1 + (Hp - f) // stride;
    view[n, i, j] is xp[n, i*stride : i*stride + f, j*stride : j*stride + f, :].
    """
    N, Hp, Wp, C = xp.shape
    Ho, Wo = output_size(Hp, f, stride), output_size(Wp, f, stride)
    sN, sH, sW, sC = xp.strides
    return as_strided(xp, shape=(N, Ho, Wo, f, f, C),
                      strides=(sN, stride * sH, stride * sW, sH, sW, sC), writeable=False)


def window_slice(offset, stride, count):
    """The slice that takes, for every window, its element at `offset`: count positions."""
    return slice(offset, offset + stride * (count - 1) + 1, stride)

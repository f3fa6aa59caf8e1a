"""Pooling layer: the max or the mean of every size x size window, channel by channel.

x: (N, H, W, C) -> out: (N, Ho, Wo, C) with Ho = 1 + (H - size) // stride.
Pooling has no parameters and no padding. Windows overlap when stride < size.

Backward: max routes each window's gradient to one position, the first maximum in
row-major order (the "switch"); avg spreads it evenly over the size*size inputs.
Where windows overlap, the contributions add up.
Cache: (x, size, stride, mode); the vectorized max forward appends its output.
"""
import numpy as np

from ._validate import (as_array, as_float, float_dtype, require_cache, require_fits,
                        require_int, require_mode, require_ndim, require_shape)
from .windows import output_size, window_slice


def _pool_args(x, size, stride, mode):
    x = as_array("x", x)
    require_ndim("x", x, "(N, H, W, C)")
    size = require_int("size", size, 1)
    stride = require_int("stride", stride, 1)
    require_mode(mode)
    require_fits("pool size", size, x.shape[1], 0, "H")
    require_fits("pool size", size, x.shape[2], 0, "W")
    (x,) = as_float((x,), float_dtype(x))
    return x, size, stride, mode


def _pool_cache(dout, cache, name):
    require_cache(name, cache, 4)
    x, size, stride, mode = cache[:4]
    N, H, W, C = x.shape
    shape = (N, output_size(H, size, stride), output_size(W, size, stride), C)
    dout = as_array("dout", dout).astype(x.dtype, copy=False)
    require_shape("dout", dout, shape)
    return dout, x, size, stride, mode


def pool_forward_naive(x, size=2, stride=2, mode="max"):
    """Pooling with explicit loops over every output value.

    x: (N, H, W, C); size, stride: ints >= 1; mode: "max" or "avg".
    Returns out: (N, Ho, Wo, C), cache: (x, size, stride, mode).
    """
    x, size, stride, mode = _pool_args(x, size, stride, mode)
    N, H, W, C = x.shape
    Ho, Wo = output_size(H, size, stride), output_size(W, size, stride)
    reduce = np.max if mode == "max" else np.mean
    out = np.zeros((N, Ho, Wo, C), dtype=x.dtype)
    for n in range(N):
        for i in range(Ho):
            for j in range(Wo):
                for c in range(C):
                    window = x[n, i * stride:i * stride + size, j * stride:j * stride + size, c]
                    out[n, i, j, c] = reduce(window)
    return out, (x, size, stride, mode)


def max_mask(window):
    """Where a max-pool window sends its gradient: True at its first maximum in row-major
    order (the one np.argmax finds), False everywhere else, ties included.

    window: (h, w) array of numbers, h, w >= 1.
    Returns mask: (h, w) bool array with exactly one True.
    """
    window = as_array("window", window)
    require_ndim("window", window, "(h, w)")
    if window.size == 0:
        raise ValueError(f"window must hold at least one value; got shape {window.shape}")
    mask = np.zeros(window.shape, dtype=bool)
    mask[np.unravel_index(np.argmax(window), window.shape)] = True
    return mask


def distribute_average(dvalue, shape):
    """An average-pool window's gradient: dvalue shared evenly by the entries of the window.

    dvalue: a number (the gradient of the window's mean); shape: (h, w), ints >= 1.
    Returns an (h, w) array filled with dvalue / (h * w), in dvalue's float dtype
    (float32 stays float32).
    """
    value = as_array("dvalue", dvalue)
    if value.ndim != 0:
        raise ValueError(f"dvalue must be a single number; got shape {value.shape}")
    if not isinstance(shape, (tuple, list)) or len(shape) != 2:
        raise ValueError(f"shape must be (h, w); got {shape!r}")
    h, w = (require_int(name, n, 1) for name, n in zip(("h", "w"), shape))
    return np.full((h, w), value / (h * w), dtype=float_dtype(value))


def pool_backward_naive(dout, cache):
    """Gradient of pooling, looping over every output value.

    dout: (N, Ho, Wo, C); cache: from pool_forward_naive or pool_forward.
    Returns dx: (N, H, W, C).
    """
    dout, x, size, stride, mode = _pool_cache(dout, cache, "pool_backward_naive")
    N, Ho, Wo, C = dout.shape
    dx = np.zeros_like(x)
    for n in range(N):
        for i in range(Ho):
            for j in range(Wo):
                for c in range(C):
                    top, left = i * stride, j * stride
                    g = dout[n, i, j, c]
                    if mode == "max":
                        window = x[n, top:top + size, left:left + size, c]
                        r, q = np.unravel_index(np.argmax(window), window.shape)  # first maximum
                        dx[n, top + r, left + q, c] += g
                    else:
                        dx[n, top:top + size, left:left + size, c] += g / (size * size)
    return dx


def _offsets(size, stride, Ho, Wo):
    """(rows, cols) for every position in a window, in row-major order:
    x[:, rows, cols, :] holds that position of every window, shape (N, Ho, Wo, C)."""
    for p in range(size):
        for q in range(size):
            yield window_slice(p, stride, Ho), window_slice(q, stride, Wo)


def pool_forward(x, size=2, stride=2, mode="max"):
    """Vectorized pooling: one pass per position in the window, each over all windows.

    x: (N, H, W, C); size, stride: ints >= 1; mode: "max" or "avg".
    Returns out: (N, Ho, Wo, C) and the cache (x, size, stride, mode), to which
    max appends out itself (the maxima its backward looks for).
    """
    x, size, stride, mode = _pool_args(x, size, stride, mode)
    N, H, W, C = x.shape
    offsets = list(_offsets(size, stride, output_size(H, size, stride), output_size(W, size, stride)))
    rows, cols = offsets[0]
    out = x[:, rows, cols, :].copy()
    combine = np.maximum if mode == "max" else np.add
    for rows, cols in offsets[1:]:
        combine(out, x[:, rows, cols, :], out=out)
    if mode == "avg":
        out /= size * size
        return out, (x, size, stride, mode)
    return out, (x, size, stride, mode, out)


def pool_backward(dout, cache):
    """Vectorized gradient of pooling: one strided add per position in the window.

    Max: positions are visited in row-major order and each window's gradient goes to
    the first one equal to its maximum. Masks are multiplied, not used to index:
    numpy is several times faster at arithmetic on them.
    dout: (N, Ho, Wo, C); cache: from pool_forward or pool_forward_naive.
    Returns dx: (N, H, W, C).
    """
    dout, x, size, stride, mode = _pool_cache(dout, cache, "pool_backward")
    _, Ho, Wo, _ = dout.shape
    dx = np.zeros_like(x)
    if mode == "avg":
        share = dout / (size * size)
        for rows, cols in _offsets(size, stride, Ho, Wo):
            dx[:, rows, cols, :] += share
        return dx
    maxima = cache[4] if len(cache) > 4 else pool_forward(x, size, stride, mode)[0]
    routed = np.zeros(maxima.shape, dtype=bool)
    for rows, cols in _offsets(size, stride, Ho, Wo):
        first = (x[:, rows, cols, :] == maxima) & ~routed
        routed |= first
        dx[:, rows, cols, :] += dout * first
    return dx

"""Fully connected (dense) layer, and the flatten that feeds it from a conv stack.

x: (N, D), w: (D, M), b: (M,), out = x @ w + b: (N, M).
Caches: dense (x, w, b); flatten (x,).
"""
from ._validate import as_array, as_float, float_dtype, require_cache, require_ndim, require_shape


def dense_forward(x, w, b):
    """Affine map of every row: out = x @ w + b.

    x: (N, D); w: (D, M); b: (M,).
    Returns out: (N, M), cache: (x, w, b).
    """
    x, w, b = as_array("x", x), as_array("w", w), as_array("b", b)
    if x.ndim != 2:
        raise ValueError(f"x must be 2-D (N, D); got shape {x.shape} "
                         f"(flatten_forward turns (N, H, W, C) into (N, H*W*C))")
    require_ndim("w", w, "(D, M)")
    if x.shape[1] != w.shape[0]:
        raise ValueError(f"x {x.shape} has D={x.shape[1]} features but w {w.shape} "
                         f"expects D={w.shape[0]}")
    require_shape("b", b, (w.shape[1],))
    x, w, b = as_float((x, w, b), float_dtype(x, w, b))
    return x @ w + b, (x, w, b)


def dense_backward(dout, cache):
    """Gradients of the dense layer.

    dout: (N, M); cache: (x, w, b) from dense_forward.
    Returns dx: (N, D) = dout @ w.T, dw: (D, M) = x.T @ dout, db: (M,) = dout summed over N.
    """
    require_cache("dense_backward", cache, 3)
    x, w, b = cache[:3]
    dout = as_array("dout", dout).astype(x.dtype, copy=False)
    require_shape("dout", dout, (x.shape[0], w.shape[1]))
    return dout @ w.T, x.T @ dout, dout.sum(axis=0)


def flatten_forward(x):
    """Each example as one row, in channels-last order.

    x: (N, ...) e.g. (N, H, W, C). Returns out: (N, H*W*C) (a view), cache: (x,).
    """
    x = as_array("x", x)
    if x.ndim < 1:
        raise ValueError(f"x must have a batch axis (N, ...); got shape {x.shape}")
    return x.reshape(x.shape[0], -1), (x,)


def flatten_backward(dout, cache):
    """Gradient of flatten: dout reshaped back. dout: (N, D) -> dx: x's shape."""
    require_cache("flatten_backward", cache, 1)
    x = cache[0]
    dout = as_array("dout", dout)
    require_shape("dout", dout, (x.shape[0], x[0].size))
    return dout.reshape(x.shape)

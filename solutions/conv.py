"""Convolution layer (cross-correlation, as in every deep learning library).

x: (N, H, W, C_in), w: (F, F, C_in, C_out), b: (C_out,), out: (N, Ho, Wo, C_out)
with Ho = 1 + (H + 2*pad - F) // stride (likewise Wo).
out[n, i, j, k] = sum over (p, q, c) of xp[n, i*S + p, j*S + q, c] * w[p, q, c, k] + b[k]
where xp is x zero-padded by `pad` on each side of H and W.

The naive versions loop over every output value and read like the formula; the
vectorized ones give the same numbers with matrix multiplies (im2col).
Cache: (x, w, b, stride, pad) with pad resolved to an int; the vectorized
forward appends the im2col matrix so its backward need not rebuild it.
"""
import numpy as np
from numpy.lib.stride_tricks import as_strided

from ._validate import (as_array, as_float, float_dtype, require_cache, require_fits,
                        require_int, require_ndim, require_shape, resolve_pad)
from .im2col import copy_windows, empty_cols, im2col
from .windows import output_size, window_slice, zero_pad


def conv_single_step(a_slice, w, b):
    """One filter applied to one window: sum(a_slice * w) + b.

    a_slice: (F, F, C) window of the input; w: (F, F, C) one filter; b: scalar or size-1 array.
    Returns a float.
    """
    a_slice, w, b = as_array("a_slice", a_slice), as_array("w", w), as_array("b", b)
    if a_slice.shape != w.shape:
        raise ValueError(f"a_slice and w must have the same shape (F, F, C); "
                         f"got a_slice {a_slice.shape} and w {w.shape}")
    if b.size != 1:
        raise ValueError(f"b must be a single number; got shape {b.shape}")
    return float(np.sum(a_slice * w) + b.item())


def conv_param_count(f, c_in, c_out):
    """Learnable numbers of a conv layer with C_out filters of size F x F x C_in, sharing
    each filter across all positions: F*F*C_in*C_out weights plus C_out biases.

    f, c_in, c_out: ints >= 1. Returns an int (AlexNet's first layer, 11, 3, 96: 34,944).
    """
    f, c_in, c_out = (require_int(n, v, 1) for n, v in (("f", f), ("c_in", c_in), ("c_out", c_out)))
    return f * f * c_in * c_out + c_out


def _conv_args(x, w, b, stride, pad):
    """Validated (x, w, b, stride, pad) in one float dtype, pad resolved to an int."""
    x, w, b = as_array("x", x), as_array("w", w), as_array("b", b)
    require_ndim("x", x, "(N, H, W, C_in)")
    require_ndim("w", w, "(F, F, C_in, C_out)")
    if w.shape[0] != w.shape[1]:
        raise ValueError(f"w must hold square filters (F, F, C_in, C_out); got w {w.shape}")
    if x.shape[3] != w.shape[2]:
        raise ValueError(f"channel mismatch: x {x.shape} has C_in={x.shape[3]} "
                         f"but w {w.shape} expects C_in={w.shape[2]}")
    require_shape("b", b, (w.shape[3],))
    stride = require_int("stride", stride, 1)
    f = w.shape[0]
    pad = resolve_pad(pad, f, stride)
    require_fits("filter size F", f, x.shape[1], pad, "H")
    require_fits("filter size F", f, x.shape[2], pad, "W")
    x, w, b = as_float((x, w, b), float_dtype(x, w, b))
    return x, w, b, stride, pad


def _out_shape(x, w, stride, pad):
    N, H, W, _ = x.shape
    f, k = w.shape[0], w.shape[3]
    return N, output_size(H, f, stride, pad), output_size(W, f, stride, pad), k


def _conv_cache(dout, cache, name):
    """The forward inputs from a conv cache, and dout checked against them."""
    require_cache(name, cache, 5)
    x, w, b, stride, pad = cache[:5]
    dout = as_array("dout", dout).astype(x.dtype, copy=False)
    require_shape("dout", dout, _out_shape(x, w, stride, pad))
    return dout, x, w, b, stride, pad


def conv_forward_naive(x, w, b, stride=1, pad=0):
    """Convolution with explicit loops over every output value.

    x: (N, H, W, C_in); w: (F, F, C_in, C_out); b: (C_out,);
    stride: int >= 1; pad: int >= 0, "valid" or "same".
    Returns out: (N, Ho, Wo, C_out), cache: (x, w, b, stride, pad).
    """
    x, w, b, stride, pad = _conv_args(x, w, b, stride, pad)
    N, Ho, Wo, K = _out_shape(x, w, stride, pad)
    f = w.shape[0]
    xp = zero_pad(x, pad)
    out = np.zeros((N, Ho, Wo, K), dtype=x.dtype)
    for n in range(N):
        for i in range(Ho):
            for j in range(Wo):
                window = xp[n, i * stride:i * stride + f, j * stride:j * stride + f, :]
                for k in range(K):
                    out[n, i, j, k] = conv_single_step(window, w[:, :, :, k], b[k])
    return out, (x, w, b, stride, pad)


def conv_backward_naive(dout, cache):
    """Gradients of the convolution, looping over every output value.

    Each output out[n, i, j, k] sent dout[n, i, j, k] back to the window it read
    (through w[..., k]), to the filter (through that window) and to b[k].
    dout: (N, Ho, Wo, C_out); cache: from conv_forward_naive or conv_forward.
    Returns dx: (N, H, W, C_in), dw: (F, F, C_in, C_out), db: (C_out,).
    """
    dout, x, w, b, stride, pad = _conv_cache(dout, cache, "conv_backward_naive")
    N, Ho, Wo, K = dout.shape
    H, W = x.shape[1:3]
    f = w.shape[0]
    xp = zero_pad(x, pad)
    dxp, dw, db = np.zeros_like(xp), np.zeros_like(w), np.zeros_like(b)
    for n in range(N):
        for i in range(Ho):
            for j in range(Wo):
                rows = slice(i * stride, i * stride + f)
                cols = slice(j * stride, j * stride + f)
                for k in range(K):
                    g = dout[n, i, j, k]
                    dxp[n, rows, cols, :] += w[:, :, :, k] * g
                    dw[:, :, :, k] += xp[n, rows, cols, :] * g
                    db[k] += g
    return dxp[:, pad:pad + H, pad:pad + W, :], dw, db


# The vectorized conv works through the batch in blocks of images whose windows take
# about this many bytes (a core's cache), so that what one step writes is still in
# the cache when the next reads it, as torch does image by image (bench/README.md
# compares blocks with whole batches).
BLOCK_BYTES = 2 ** 21


def _blocks(n_images, windows_per_image, bytes_per_window):
    """(images, rows) slice pairs that cut the batch into blocks of about BLOCK_BYTES of
    windows, at least one image each: images indexes x, rows the matching windows."""
    step = max(1, BLOCK_BYTES // (windows_per_image * bytes_per_window))
    for start in range(0, n_images, step):
        stop = min(start + step, n_images)
        yield slice(start, stop), slice(start * windows_per_image, stop * windows_per_image)


def conv_forward(x, w, b, stride=1, pad=0):
    """Vectorized convolution: the im2col windows times the filters, one matrix multiply
    per block of images.

    x: (N, H, W, C_in); w: (F, F, C_in, C_out); b: (C_out,);
    stride: int >= 1; pad: int >= 0, "valid" or "same".
    Returns out: (N, Ho, Wo, C_out), cache: (x, w, b, stride, pad, cols)
    with cols: (N*Ho*Wo, F*F*C_in).
    """
    x, w, b, stride, pad = _conv_args(x, w, b, stride, pad)
    N, Ho, Wo, K = _out_shape(x, w, stride, pad)
    f, C = w.shape[0], x.shape[3]
    cols = empty_cols(N * Ho * Wo, f, C, x.dtype)
    out = np.empty((N * Ho * Wo, K), dtype=x.dtype)
    filters = w.reshape(-1, K)
    for images, rows in _blocks(N, Ho * Wo, f * f * C * x.itemsize):
        copy_windows(cols[rows], x[images], f, stride, pad)
        np.matmul(cols[rows], filters, out=out[rows])
    # Add b through a wide (N, Ho*Wo*K) view, one row per image: numpy's inner loop
    # over K alone would be a few elements long, and is several times slower.
    out.reshape(N, Ho * Wo * K)[...] += np.tile(b, Ho * Wo)
    return out.reshape(N, Ho, Wo, K), (x, w, b, stride, pad, cols)


def conv_backward(dout, cache):
    """Vectorized gradients of the convolution, block by block of images.

    dw is the windows times dout (one matrix multiply per block). dx gathers, for each
    filter offset (p, q), dout times that offset's weights onto the input positions it
    touched; _dx_method picks one of three ways to do it, none of them scattering an
    (N*Ho*Wo, F*F*C) matrix as col2im would (slower: its innermost runs are only C
    numbers long; bench/README.md).
    dout: (N, Ho, Wo, C_out); cache: from conv_forward or conv_forward_naive.
    Returns dx: (N, H, W, C_in), dw: (F, F, C_in, C_out), db: (C_out,).
    """
    dout, x, w, b, stride, pad = _conv_cache(dout, cache, "conv_backward")
    N, Ho, Wo, K = dout.shape
    f, C = w.shape[0], x.shape[3]
    cols = cache[5] if len(cache) > 5 else None  # the naive forward keeps no windows
    dout_rows = dout.reshape(-1, K)
    dx = np.empty(x.shape, dtype=x.dtype)
    dw = np.zeros((f * f * C, K), dtype=x.dtype)
    dx_of_block = _dx_method(f, C, K)
    for images, rows in _blocks(N, Ho * Wo, f * f * C * x.itemsize):
        windows = cols[rows] if cols is not None else im2col(x[images], f, stride, pad)
        dw += windows.T @ dout_rows[rows]
        dx[images] = dx_of_block(dout[images], w, x[images].shape, stride, pad)
    db = dout.reshape(N * Ho, Wo * K).sum(axis=0).reshape(Wo, K).sum(axis=0)  # wide, as in forward
    return dx, dw.reshape(w.shape), db


def _dx_method(f, c_in, c_out):
    """The fastest of the three ways to dx for F x F filters from c_in to c_out channels.

    - 1x1 filters, or at least as many output channels as products per position
      (F*F*C_in <= C_out): _dx_per_offset, which is then mostly matrix multiplies.
    - a filter row's F*C_in numbers no more than C_out: _dx_by_products (shape A).
    - otherwise _dx_by_row_windows (shapes B and C).
    Measured by `python bench/layers.py --dx-methods`; the table is in bench/README.md.
    """
    if f == 1 or f * f * c_in <= c_out:
        return _dx_per_offset
    return _dx_by_products if f * c_in <= c_out else _dx_by_row_windows


def _dx_per_offset(dout, w, x_shape, stride, pad):
    """dx as F*F matrix multiplies (one when C_in is 1), each added onto a strided
    block of the padded input.

    dout: (N, Ho, Wo, C_out); w: (F, F, C_in, C_out); x_shape: (N, H, W, C_in).
    Returns dx: (N, H, W, C_in), a view of the padded input's gradient.
    """
    N, Ho, Wo, K = dout.shape
    _, H, W, C = x_shape
    f = w.shape[0]
    dout2d = dout.reshape(-1, K)
    if C == 1:  # one input channel: all F*F products are one matrix multiply, (F, F, N, Ho, Wo, 1)
        products = (w.reshape(f * f, K) @ dout2d.T).reshape(f, f, N, Ho, Wo, 1)
        product = lambda p, q: products[p, q]
    else:
        product = lambda p, q: (dout2d @ w[p, q].T).reshape(N, Ho, Wo, C)
    dxp = np.zeros((N, H + 2 * pad, W + 2 * pad, C), dtype=dout.dtype)
    for p in range(f):
        for q in range(f):
            dxp[:, window_slice(p, stride, Ho), window_slice(q, stride, Wo), :] += product(p, q)
    return dxp[:, pad:pad + H, pad:pad + W, :]


def _dx_by_products(dout, w, x_shape, stride, pad):
    """dx with all F*F products of every position in one matrix multiply, summed by adds
    over long rows.

    With few channels, a strided block of (N, Ho, Wo, C) is added as many short runs,
    and numpy is several times slower per number on those than on contiguous memory.
    So each row of dout is first widened to the padded input's width Wp (zeros after
    the last window): output column j and the input column j*S + q it reaches through
    offset q are then q apart along one axis of N*Ho*Wp positions, and filter row p
    needs F shifted adds of contiguous memory plus one add onto input rows p, p+S, ...
    (What a shift pushes past the end of a row is zero: no window starts in the last
    F-1 columns.) The products are channels-first, so every add runs along positions.
    dout: (N, Ho, Wo, C_out); w: (F, F, C_in, C_out); x_shape: (N, H, W, C_in).
    Returns dx: (N, H, W, C_in), a channels-last view (see _add_filter_rows).
    """
    N, Ho, Wo, K = dout.shape
    f, C = w.shape[0], x_shape[3]
    Wp = x_shape[2] + 2 * pad
    R = N * Ho * Wp  # positions of the widened rows
    wide = np.zeros((N, Ho, Wp, K), dtype=dout.dtype)
    wide[:, :, window_slice(0, stride, Wo)] = dout  # output column j above input column j*S
    products = (w.reshape(f * f * C, K) @ wide.reshape(R, K).T).reshape(f, f, C, R)

    def filter_row(p):  # summed in place: products is a scratch array
        row = products[p, 0]
        for q in range(1, f):
            row[:, q:] += products[p, q, :, :R - q]  # offset q lands q columns to the right
        return row.reshape(C, N, Ho, Wp)
    return _add_filter_rows(map(filter_row, range(f)), x_shape, stride, pad, dout.dtype)


def _dx_by_row_windows(dout, w, x_shape, stride, pad):
    """dx from the windows of dout along W: one matrix multiply with every filter row,
    then F adds of whole rows.

    Input column c (of the padded width Wp) receives dout[:, :, j] through filter column
    q = c - j*S, for 0 <= q < F. Each row of dout is spread over a zero row of Wp + F - 1
    columns, output column j at F-1 + j*S; the F columns that start at c then hold, in
    reverse order of q, all that reaches column c. Those windows (F*C_out numbers per
    position) times the filters, flipped along q, give every filter row p's part of dx at
    once; row p of the filters lands on input rows p, p+S, ...
    dout: (N, Ho, Wo, C_out); w: (F, F, C_in, C_out); x_shape: (N, H, W, C_in).
    Returns dx: (N, H, W, C_in), a channels-last view (see _add_filter_rows).
    """
    N, Ho, Wo, K = dout.shape
    f, C = w.shape[0], x_shape[3]
    Wp = x_shape[2] + 2 * pad
    spread = np.zeros((N * Ho, Wp + f - 1, K), dtype=dout.dtype)
    spread[:, window_slice(f - 1, stride, Wo)] = dout.reshape(N * Ho, Wo, K)
    # window c: the F columns from c on, F*C_out numbers in a row (the rows overlap)
    windows = as_strided(spread, shape=(N * Ho, Wp, f * K), strides=spread.strides,
                         writeable=False).reshape(N * Ho * Wp, f * K)  # a copy
    flipped = w[:, ::-1].transpose(1, 3, 0, 2).reshape(f * K, f * C)  # (q reversed, k) by (p, c)
    by_filter_row = (flipped.T @ windows.T).reshape(f, C, N, Ho, Wp)  # channels-first
    return _add_filter_rows(by_filter_row, x_shape, stride, pad, dout.dtype)


def _add_filter_rows(parts, x_shape, stride, pad, dtype):
    """dx from the part of each filter row p, (C_in, N, Ho, Wp), which lands on rows
    p, p+S, ... of the padded input.

    parts: F arrays (C_in, N, Ho, Wp) in order of p; x_shape: (N, H, W, C_in).
    Returns dx: (N, H, W, C_in), a channels-last view of a channels-first array.
    """
    N, H, W, C = x_shape
    dxp = np.zeros((C, N, H + 2 * pad, W + 2 * pad), dtype=dtype)
    for p, part in enumerate(parts):
        dxp[:, :, window_slice(p, stride, part.shape[2]), :] += part
    return dxp[:, :, pad:pad + H, pad:pad + W].transpose(1, 2, 3, 0)

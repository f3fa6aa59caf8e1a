"""Windows of an image as rows of a matrix, and back.

im2col turns every receptive field of a convolution into one row, so the whole
convolution becomes a single matrix multiply; col2im adds each row back onto
the image positions it came from, which is what the backward pass needs.

Rows are windows (channels-last): cols has shape (N*Ho*Wo, F*F*C), one row per
output position, laid out (i, j, c) like w.reshape(F*F*C, C_out). It is the
transpose of the (F*F*C, Ho*Wo) "column" matrix of channels-first texts.
"""
import numpy as np

from ._validate import as_array, require_int, require_ndim, resolve_pad
from .windows import output_size, window_slice, window_view, zero_pad


def im2col(x, f, stride=1, pad=0):
    """Every f x f window of x (after zero padding) as one row.

    x: (N, H, W, C); f, stride: ints >= 1; pad: int >= 0, "valid" or "same".
    Returns cols: (N*Ho*Wo, f*f*C), a new array of x's dtype.
    """
    x = as_array("x", x)
    require_ndim("x", x, "(N, H, W, C)")
    f = require_int("f", f, 1)
    pad = resolve_pad(pad, f, stride)
    N, H, W, C = x.shape
    cols = empty_cols(N * output_size(H, f, stride, pad) * output_size(W, f, stride, pad), f, C, x.dtype)
    copy_windows(cols, x, f, stride, pad)
    return cols


def empty_cols(n_windows, f, channels, dtype):
    """An uninitialised matrix for copy_windows to fill: one row per window.

    Returns (n_windows, f*f*channels), column-major when channels is 1 (see copy_windows).
    """
    if channels == 1:
        return np.empty((f * f, n_windows), dtype=dtype).T
    return np.empty((n_windows, f * f * channels), dtype=dtype)


def copy_windows(cols, x, f, stride, pad):
    """Copy every f x f window of x, zero padded by `pad` (an int), into one row of cols.

    cols: (N*Ho*Wo, f*f*C) from empty_cols, or a block of its rows; x: (N, H, W, C).
    """
    windows = window_view(zero_pad(x, pad), f, stride)
    N, Ho, Wo, _, _, C = windows.shape
    if C > 1:
        cols.reshape(windows.shape, copy=False)[...] = windows
        return
    # One channel: a window row holds only f numbers, too few for a fast copy. So the
    # matrix is column-major, and is filled offset by offset, whole image rows at a time,
    # in one assignment (both faster here: bench/README.md).
    by_offset = cols.T.reshape((f, f, N, Ho, Wo), copy=False)
    by_offset[...] = windows[..., 0].transpose(3, 4, 0, 1, 2)


def col2im(cols, x_shape, f, stride=1, pad=0):
    """Add every row of cols back onto the window it came from (the adjoint of im2col).

    cols: (N*Ho*Wo, f*f*C); x_shape: (N, H, W, C) of the unpadded input;
    f, stride: ints >= 1; pad: int >= 0, "valid" or "same".
    Returns dx: (N, H, W, C) of cols' dtype. Where windows overlap, rows are summed.
    """
    cols = as_array("cols", cols)
    N, H, W, C = x_shape
    pad = resolve_pad(pad, f, stride)
    Ho, Wo = output_size(H, f, stride, pad), output_size(W, f, stride, pad)
    if cols.shape != (N * Ho * Wo, f * f * C):
        raise ValueError(f"cols must have shape (N*Ho*Wo, f*f*C) = {(N * Ho * Wo, f * f * C)} "
                         f"for x_shape {tuple(x_shape)}, f={f}, stride={stride}, pad={pad}; "
                         f"got {cols.shape}")
    windows = cols.reshape(N, Ho, Wo, f, f, C)
    dxp = np.zeros((N, H + 2 * pad, W + 2 * pad, C), dtype=cols.dtype)
    for i in range(f):
        for j in range(f):
            dxp[:, window_slice(i, stride, Ho), window_slice(j, stride, Wo), :] += windows[:, :, :, i, j, :]
    return dxp[:, pad:pad + H, pad:pad + W, :]

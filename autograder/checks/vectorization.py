"""Checks of notebook 04 (vectorization): im2col, col2im, conv_forward, conv_backward,
conv_as_matrix."""
import numpy as np

import solutions as S

from ..check import Bug, Case, Check, compare_forward, compare_out, compare_tuple, compare_value
from .convolution import conv_cases, conv_forward_bugs

WINDOWS = [((2, 5, 5, 3), 3, 1, 0, "3x3 windows, stride 1"), ((1, 7, 5, 2), 3, 2, 1, "stride 2, pad 1, non-square"),
           ((2, 6, 6, 1), 5, 1, 2, "5x5 windows, pad 2, one channel"), ((2, 4, 4, 3), 1, 1, 0, "1x1 windows"),
           ((1, 8, 7, 2), 2, 3, 1, "stride 3, uneven fit")]


def im2col_cases():
    rng = np.random.default_rng(401)
    return [Case(name, (rng.standard_normal(shape), f, s, p)) for shape, f, s, p, name in WINDOWS]


def _cols_transposed(x, f, s, p):
    return S.im2col(x, f, s, p).T


def _channels_first(x, f, s, p):
    """Rows laid out (c, i, j) instead of (i, j, c)."""
    cols = S.im2col(x, f, s, p)
    return cols.reshape(len(cols), f, f, x.shape[3]).transpose(0, 3, 1, 2).reshape(len(cols), -1)


im2col = Check(
    "im2col", 2, S.im2col, im2col_cases, compare_value,
    bugs=[Bug("the windows are rows: cols has shape (N*Ho*Wo, F*F*C), the transpose of the "
              "texts' (F*F*C, Ho*Wo) column matrix", _cols_transposed),
          Bug("flatten each window in (i, j, c) order, like w.reshape(F*F*C, C_out): "
              "window.reshape(-1) on the (F, F, C) window", _channels_first),
          Bug("the input is not padded: apply the zero padding first",
              lambda x, f, s, p: S.im2col(x, f, s, 0)),
          Bug("the stride is ignored: window (i, j) starts at (i*stride, j*stride)",
              lambda x, f, s, p: S.im2col(x, f, 1, p))],
    hint="row (n, i, j) is xp[n, i*stride : i*stride+F, j*stride : j*stride+F, :].reshape(-1), "
         "rows ordered by n, then i, then j")


def col2im_cases():
    rng = np.random.default_rng(402)
    cases = []
    for shape, f, s, p, name in WINDOWS:
        rows = S.im2col(np.zeros(shape), f, s, p).shape
        cases.append(Case(name, (rng.standard_normal(rows), shape, f, s, p)))
    return cases


def _col2im_assign(cols, x_shape, f, s, p):
    """Overlapping windows overwrite instead of adding up."""
    N, H, W, C = x_shape
    Ho, Wo = S.output_size(H, f, s, p), S.output_size(W, f, s, p)
    windows = cols.reshape(N, Ho, Wo, f, f, C)
    dxp = np.zeros((N, H + 2 * p, W + 2 * p, C))
    for i in range(Ho):
        for j in range(Wo):
            dxp[:, i * s:i * s + f, j * s:j * s + f, :] = windows[:, i, j]
    return dxp[:, p:p + H, p:p + W, :]


def _col2im_padded(cols, x_shape, f, s, p):
    N, H, W, C = x_shape
    return S.col2im(cols, (N, H + 2 * p, W + 2 * p, C), f, s, 0)


col2im = Check(
    "col2im", 2, S.col2im, col2im_cases, compare_value,
    bugs=[Bug("overlapping windows add up: dx_pad[window] += row, not =", _col2im_assign),
          Bug("remove the padding at the end: dx_pad[:, pad:pad+H, pad:pad+W, :]", _col2im_padded)],
    hint="for every row (n, i, j): dx_pad[n, i*stride : i*stride+F, j*stride : j*stride+F, :] += "
         "row.reshape(F, F, C); then drop the padding")


conv_forward = Check(
    "conv_forward", 2, S.conv_forward, lambda: conv_cases(403),
    compare_forward(("x", "w", "b", "stride", "pad")),
    bugs=conv_forward_bugs(S.conv_forward), bug_compare=compare_out,
    hint="out = im2col(x, F, stride, pad) @ w.reshape(F*F*C_in, C_out) + b, reshaped to "
         "(N, Ho, Wo, C_out)")


def conv_backward_cases():
    rng = np.random.default_rng(404)
    cases = []
    for case in conv_cases(405):
        out, cache = S.conv_forward(*case.args)
        cases.append(Case(case.name, (rng.standard_normal(out.shape).astype(out.dtype), cache)))
    return cases


def _dx_without_col2im_sum(dout, cache):
    """dx from the column gradient without adding up overlapping windows."""
    x, w, b, stride, pad = cache[:5]
    dx, dw, db = S.conv_backward(dout, cache)
    dcols = dout.reshape(-1, w.shape[3]) @ w.reshape(-1, w.shape[3]).T
    return _col2im_assign(dcols, x.shape, w.shape[0], stride, pad), dw, db


conv_backward = Check(
    "conv_backward", 3, S.conv_backward, conv_backward_cases, compare_tuple(("dx", "dw", "db")),
    bugs=[Bug("col2im must add up overlapping windows (+=)", _dx_without_col2im_sum),
          Bug("dw is cols.T @ dout (summed over the batch), not averaged",
              lambda dout, cache: (lambda g: (g[0], g[1] / len(dout), g[2]))(S.conv_backward(dout, cache))),
          Bug("db[c] sums dout[..., c] over the batch and every position",
              lambda dout, cache: (lambda g: (g[0], g[1], dout.mean(axis=(0, 1, 2))))(S.conv_backward(dout, cache)))],
    hint="dw = cols.T @ dout2d; db = dout2d.sum(axis=0); dx = col2im(dout2d @ w2d.T, x.shape, F, "
         "stride, pad), with dout2d = dout.reshape(-1, C_out), w2d = w.reshape(-1, C_out)")


def conv_matrix_cases():
    rng = np.random.default_rng(406)
    specs = [((3, 3, 2, 2), (4, 4, 2), 1, 0, "3x3 filters on 4x4x2"), ((3, 3, 1, 3), (5, 4, 1), 2, 1, "stride 2, pad 1"),
             ((2, 2, 3, 1), (3, 3, 3), 1, 0, "one filter"), ((1, 1, 4, 2), (3, 2, 4), 1, 0, "1x1 filters")]
    return [Case(name, (rng.standard_normal(w), x, s, p)) for w, x, s, p, name in specs]


conv_as_matrix = Check(
    "conv_as_matrix", 2, S.conv_as_matrix, conv_matrix_cases,
    lambda got, expected, case: compare_value(got, expected, case, "M"),
    bugs=[Bug("rows are ordered (i, j, c) and columns (r, s, k), like out[n].ravel() and "
              "x[n].ravel() in channels-last order",
              lambda w, shape, s, p: S.conv_as_matrix(w, shape, s, p).T),
          Bug("positions in the padding read zeros: leave their weights out",
              lambda w, shape, s, p: S.conv_as_matrix(w, (shape[0] + 2 * p, shape[1] + 2 * p, shape[2]), s, 0))],
    hint="M[(i*Wo + j)*C_out + c, (r*W + s)*C_in + k] = w[r - i*stride + pad, s - j*stride + pad, k, c] "
         "where that filter position exists")

CHECKS = [im2col, col2im, conv_forward, conv_backward, conv_as_matrix]

"""Checks of notebook 04 (vectorization): im2col, col2im, conv_forward, conv_backward,
conv_as_matrix."""
import numpy as np

import solutions as S

from coursekit.judging import Case, Comparison

from .bugs import conv_backward_bugs, conv_forward_bugs, wrong_grad
from .cases import backward_cases, conv_cases
from .model import Bug, Check, case_rng

WINDOWS = [((2, 5, 5, 3), 3, 1, 0, "3x3 windows, stride 1"), ((1, 7, 5, 2), 3, 2, 1, "stride 2, pad 1, non-square"),
           ((2, 6, 6, 1), 5, 1, 2, "5x5 windows, pad 2, one channel"), ((2, 4, 4, 3), 1, 1, 0, "1x1 windows"),
           ((1, 8, 7, 2), 2, 3, 1, "stride 3, uneven fit")]


def _window_shape(x_shape, f, s, p):
    """(N, Ho, Wo, C) of the windows of an input of shape x_shape."""
    N, H, W, C = x_shape
    return N, S.output_size(H, f, s, p), S.output_size(W, f, s, p), C


# im2col -----------------------------------------------------------------------------------------

def im2col_cases(seed=0):
    rng = case_rng(401, seed)
    return [Case(name, (rng.standard_normal(shape), f, s, p)) for shape, f, s, p, name in WINDOWS]


def _window_grid(x, f, s, p):
    """im2col's rows as a grid (N, Ho, Wo, F*F*C)."""
    N, Ho, Wo, _ = _window_shape(x.shape, f, s, p)
    return S.im2col(x, f, s, p).reshape(N, Ho, Wo, -1)


def _rows(grid):
    return grid.reshape(-1, grid.shape[-1])


def _cols_transposed(x, f, s, p):
    return S.im2col(x, f, s, p).T


def _channels_first(x, f, s, p):
    """Rows laid out (c, i, j) instead of (i, j, c)."""
    cols = S.im2col(x, f, s, p)
    return cols.reshape(len(cols), f, f, x.shape[3]).transpose(0, 3, 1, 2).reshape(len(cols), -1)


def _first_rows(grid, x_shape, f, s, p):
    """The rows of grid's first H_out x W_out windows, H_out and W_out counted for stride s, pad p."""
    _, Ho, Wo, _ = _window_shape(x_shape, f, s, p)
    return _rows(grid[:, :Ho, :Wo])


def _one_side(x, f, s, p):
    return S.im2col(np.pad(x, ((0, 0), (0, 2 * p), (0, 2 * p), (0, 0))), f, s, 0)


_SIZE = "the number of windows is H_out = 1 + (H + 2*pad - F) // stride (likewise W_out)"

im2col = Check(
    "im2col", 2, S.im2col, im2col_cases, Comparison("value"),
    bugs=[Bug("the windows are rows: cols has shape (N*Ho*Wo, F*F*C), the transpose of the "
              "texts' (F*F*C, Ho*Wo) column matrix", _cols_transposed),
          Bug("flatten each window in (i, j, c) order, like w.reshape(F*F*C, C_out): "
              "window.reshape(-1) on the (F, F, C) window", _channels_first),
          Bug("this is the channels-first texts' (F*F*C, N*Ho*Wo) column matrix: here each window "
              "is a row, flattened in (i, j, c) order", lambda x, f, s, p: _channels_first(x, f, s, p).T),
          Bug("rows are ordered by n, then i, then j: row n*Ho*Wo + i*Wo + j is the window of "
              "output (n, i, j)", lambda x, f, s, p: _rows(_window_grid(x, f, s, p).transpose(1, 2, 0, 3))),
          Bug("the input is not padded: apply the zero padding first",
              lambda x, f, s, p: S.im2col(x, f, s, 0)),
          Bug("padding went on one side only: pad both sides of H and W (zero_pad(x, pad))", _one_side),
          Bug("the stride is ignored: window (i, j) starts at (i*stride, j*stride)",
              lambda x, f, s, p: S.im2col(x, f, 1, p)),
          Bug("the stride is ignored: window (i, j) starts at (i*stride, j*stride)",
              lambda x, f, s, p: _first_rows(_window_grid(x, f, 1, p), x.shape, f, s, p)),
          Bug(f"the last window is dropped: {_SIZE}", lambda x, f, s, p: _rows(_window_grid(x, f, s, p)[:, :-1, :-1])),
          Bug(f"the padding is left out of the count: {_SIZE}",
              lambda x, f, s, p: _first_rows(_window_grid(x, f, s, p), x.shape, f, s, 0))],
    hint="row (n, i, j) is xp[n, i*stride : i*stride+F, j*stride : j*stride+F, :].reshape(-1), "
         "rows ordered by n, then i, then j")


# col2im -----------------------------------------------------------------------------------------

def col2im_cases(seed=0):
    rng = case_rng(402, seed)
    cases = []
    for shape, f, s, p, name in WINDOWS:
        rows = S.im2col(np.zeros(shape), f, s, p).shape
        cases.append(Case(name, (rng.standard_normal(rows), shape, f, s, p)))
    return cases


def _scatter(assign=False, step=None, crop="both"):
    """col2im with one mistake: rows assigned (=) instead of added; window (i, j) placed at
    (i*step, j*step); or the padding cropped "none", "start" (dx_pad[:, :H, :W]) or "empty"
    (dx_pad[:, pad:-pad, pad:-pad], empty when pad is 0)."""
    def col2im(cols, x_shape, f, s, p):
        N, Ho, Wo, C = _window_shape(x_shape, f, s, p)
        H, W = x_shape[1:3]
        at = s if step is None else step
        windows = cols.reshape(N, Ho, Wo, f, f, C)
        dxp = np.zeros((N, H + 2 * p, W + 2 * p, C))
        for i in range(Ho):
            for j in range(Wo):
                if assign:
                    dxp[:, i * at:i * at + f, j * at:j * at + f, :] = windows[:, i, j]
                else:
                    dxp[:, i * at:i * at + f, j * at:j * at + f, :] += windows[:, i, j]
        return {"both": dxp[:, p:p + H, p:p + W], "none": dxp, "start": dxp[:, :H, :W],
                "empty": dxp[:, p:-p, p:-p]}[crop]
    return col2im


_col2im_assign = _scatter(assign=True)      # overlapping windows overwrite instead of adding up


def _reordered(order):
    """col2im of rows read in another layout: order(cols, (N, Ho, Wo, C), f) gives the rows
    a student's reshape would take for the right ones."""
    def col2im(cols, x_shape, f, s, p):
        return S.col2im(order(cols, _window_shape(x_shape, f, s, p), f), x_shape, f, s, p)
    return col2im


def _averaged(cols, x_shape, f, s, p):
    """Each pixel's sum divided by the number of windows covering it."""
    total = S.col2im(cols, x_shape, f, s, p)
    count = S.col2im(np.ones_like(cols), x_shape, f, s, p)
    return np.divide(total, count, out=np.zeros_like(total), where=count > 0)


col2im = Check(
    "col2im", 2, S.col2im, col2im_cases, Comparison("value"),
    bugs=[Bug("overlapping windows add up: dx_pad[window] += row, not =", _col2im_assign),
          Bug("remove the padding at the end: dx_pad[:, pad:pad+H, pad:pad+W, :]", _scatter(crop="none")),
          Bug("with pad == 0, dx_pad[:, pad:-pad] is empty: slice pad:pad+H instead", _scatter(crop="empty")),
          Bug("the padding is on both sides: remove it with dx_pad[:, pad:pad+H, pad:pad+W, :]",
              _scatter(crop="start")),
          Bug("the stride is ignored: the window of row (n, i, j) starts at (i*stride, j*stride)",
              _scatter(step=1)),
          Bug("each row is a window flattened in (i, j, c) order: row.reshape(F, F, C)",
              _reordered(lambda cols, shape, f: cols.reshape(len(cols), shape[3], f, f)
                         .transpose(0, 2, 3, 1).reshape(len(cols), -1))),
          Bug("rows are ordered by n, then i, then j: cols.reshape(N, H_out, W_out, F, F, C)",
              _reordered(lambda cols, shape, f: cols.reshape(shape[1], shape[2], shape[0], -1)
                         .transpose(2, 0, 1, 3).reshape(len(cols), -1))),
          Bug("col2im adds the rows up; it is not the inverse of im2col: do not divide by the "
              "number of windows covering a pixel", _averaged)],
    hint="im2col backwards: each row goes back to its window of a zero array as large as the padded "
         "input, overlapping windows adding up; then drop the padding")


# conv_forward -----------------------------------------------------------------------------------

def _filters_as(flatten):
    """The forward with the filters flattened by flatten(w) -> (F*F*C_in, C_out)."""
    def out(x, w, b, s, p):
        N, Ho, Wo, _ = _window_shape(x.shape, w.shape[0], s, p)
        return (S.im2col(x, w.shape[0], s, p) @ flatten(w) + b).reshape(N, Ho, Wo, -1)
    return out


def _out_as(reshape):
    """The forward with out2d (N*Ho*Wo, C_out) turned into out by reshape(out2d, (N, Ho, Wo, C_out))."""
    def out(x, w, b, s, p):
        N, Ho, Wo, _ = _window_shape(x.shape, w.shape[0], s, p)
        out2d = S.im2col(x, w.shape[0], s, p) @ w.reshape(-1, w.shape[3]) + b
        return reshape(out2d, (N, Ho, Wo, w.shape[3]))
    return out


_FLATTEN = ("flatten each filter in the (i, j, c) order of cols' rows: w.reshape(-1, C_out) "
            "(with the channel axis moved first, a filter is flattened in (c, i, j) order)")
_RESHAPE = ("out2d has one row per output position (n, i, j) and one column per filter: "
            "reshape it to (N, H_out, W_out, C_out) as it is")

conv_forward = Check(
    "conv_forward", 2, S.conv_forward, lambda seed=0: conv_cases(403, seed),
    Comparison("forward", ("x", "w", "b", "stride", "pad")),
    uses=lambda x, w, b, stride, pad: {"im2col": [(x, w.shape[0], stride, pad)]},
    bugs=conv_forward_bugs(S.conv_forward) + [
        Bug(_FLATTEN, _filters_as(lambda w: w.transpose(3, 2, 0, 1).reshape(w.shape[3], -1).T)),
        Bug(_RESHAPE, _out_as(lambda out2d, shape: out2d.reshape(shape[0], shape[3], shape[1], shape[2])
                              .transpose(0, 2, 3, 1))),
        Bug(_RESHAPE, _out_as(lambda out2d, shape: out2d.T.reshape(shape)))],
    bug_compare=Comparison("out"),
    hint="one matrix product: im2col's rows (one per output position) times the filters flattened "
         "into columns (one per filter), plus the bias, reshaped to (N, H_out, W_out, C_out)")


# conv_backward ----------------------------------------------------------------------------------

def conv_backward_cases(seed=0):
    return backward_cases(conv_cases(405, seed), S.conv_forward, case_rng(404, seed))


def _dcols(dout2d, w):
    return dout2d @ w.reshape(-1, w.shape[3]).T


def _dx_without_col2im_sum(dout, cache):
    """dx from the column gradient without adding up overlapping windows."""
    x, w, b, stride, pad = cache[:5]
    dx, dw, db = S.conv_backward(dout, cache)
    return _col2im_assign(_dcols(dout.reshape(-1, w.shape[3]), w), x.shape, w.shape[0], stride, pad), dw, db


def _dout_read_as(dout2d_of):
    """Every gradient computed from dout2d = dout2d_of(dout, C_out) instead of dout.reshape(-1, C_out)."""
    def backward(dout, cache):
        x, w, b, stride, pad, cols = cache[:6]
        dout2d = dout2d_of(dout, w.shape[3])
        dx = S.col2im(_dcols(dout2d, w), x.shape, w.shape[0], stride, pad)
        return dx, (cols.T @ dout2d).reshape(w.shape), dout2d.sum(axis=0)
    return backward


def _backward_calls(dout, cache):
    """The calls conv_backward may make to the notebook's graded functions: col2im on the
    gradient of im2col's rows, and im2col when it rebuilds cols instead of taking the cache's."""
    x, w, b, stride, pad = cache[:5]
    return {"col2im": [(_dcols(dout.reshape(-1, w.shape[3]), w), x.shape, w.shape[0], stride, pad)],
            "im2col": [(x, w.shape[0], stride, pad)]}


_DB = "db[c] sums dout[..., c] over the batch and every position: dout2d.sum(axis=0)"
_DW = ("dw = cols.T @ dout2d has one column per filter, like w.reshape(-1, C_out): "
       "reshape it to w.shape")

conv_backward = Check(
    "conv_backward", 3, S.conv_backward, conv_backward_cases, Comparison("tuple", ("dx", "dw", "db")),
    uses=_backward_calls,
    bugs=conv_backward_bugs(
        flip="dx uses the filters as they are: dcols = dout2d @ w2d.T; the flip appears only when dx "
             "is written as a convolution of dout",
        dw_mean="dw is cols.T @ dout (summed over the batch), not averaged",
        db_axes=_DB, db_mean="db[c] sums dout[..., c] over the batch and every position") + [
        Bug("col2im must add up overlapping windows (+=)", _dx_without_col2im_sum),
        Bug(_DW, wrong_grad(1, lambda dout, cache, dw: dw.reshape(-1, dw.shape[3]))),
        Bug(_DW, wrong_grad(1, lambda dout, cache, dw: dw.reshape(-1, dw.shape[3]).T.reshape(dw.shape))),
        Bug(_DB, wrong_grad(2, lambda dout, cache, db: dout.reshape(-1, len(db)).sum(axis=1))),
        Bug("dout2d = dout.reshape(-1, C_out): one row per output position (n, i, j), one "
            "column per filter", _dout_read_as(lambda dout, k: dout.reshape(k, -1).T))],
    hint="the gradients of a matrix product, with dout as one row per output position and a column "
         "per filter: dw from im2col's columns and dout, db adding dout's rows up, dx through col2im")


# conv_as_matrix ---------------------------------------------------------------------------------

def conv_matrix_cases(seed=0):
    rng = case_rng(406, seed)
    specs = [((3, 3, 2, 2), (4, 4, 2), 1, 0, "3x3 filters on 4x4x2"), ((3, 3, 1, 3), (5, 4, 1), 2, 1, "stride 2, pad 1"),
             ((2, 2, 3, 1), (3, 3, 3), 1, 0, "one filter"), ((1, 1, 4, 2), (3, 2, 4), 1, 0, "1x1 filters")]
    return [Case(name, (rng.standard_normal(w), x, s, p)) for w, x, s, p, name in specs]


def _placed(place=lambda i, p, s, pad: i * s + p - pad, inside=lambda r, n: 0 <= r < n,
            flip=False, outputs=S.output_size):
    """conv_as_matrix with one rule changed: place(i, p, stride, pad), the input row that
    offset p of output i reads; inside(r, H), whether it is in the image (False skips it;
    a negative r that passes indexes from the end); flip: w[::-1, ::-1]; outputs(n, F,
    stride, pad): how many outputs there are along an axis."""
    def matrix(w, shape, s, pad):
        H, W, C_in = shape
        F, C_out = w.shape[0], w.shape[3]
        Ho, Wo = outputs(H, F, s, pad), outputs(W, F, s, pad)
        filters = w[::-1, ::-1] if flip else w
        M = np.zeros((Ho, Wo, C_out, H, W, C_in))
        for i, j, p, q in np.ndindex(Ho, Wo, F, F):
            r, c = place(i, p, s, pad), place(j, q, s, pad)
            if inside(r, H) and inside(c, W):
                M[i, j, :, r, c, :] = filters[p, q].T
        return M.reshape(Ho * Wo * C_out, H * W * C_in)
    return matrix


def _channels_first_matrix(w, shape, s, p):
    """Rows ordered (c, i, j) and columns (k, r, s)."""
    H, W, C_in = shape
    M = S.conv_as_matrix(w, shape, s, p).reshape(-1, w.shape[3], H, W, C_in)   # (i*Wo + j, c, r, s, k)
    return M.transpose(1, 0, 4, 2, 3).reshape(-1, H * W * C_in)


conv_as_matrix = Check(
    "conv_as_matrix", 2, S.conv_as_matrix, conv_matrix_cases,
    Comparison("value", "M"),
    bugs=[Bug("rows are ordered (i, j, c) and columns (r, s, k), like out[n].ravel() and "
              "x[n].ravel() in channels-last order",
              lambda w, shape, s, p: S.conv_as_matrix(w, shape, s, p).T),
          Bug("rows are ordered (i, j, c) and columns (r, s, k), like out[n].ravel() and "
              "x[n].ravel() in channels-last order", _channels_first_matrix),
          Bug("positions in the padding read zeros: leave their weights out",
              lambda w, shape, s, p: S.conv_as_matrix(w, (shape[0] + 2 * p, shape[1] + 2 * p, shape[2]), s, 0)),
          Bug("a negative r or s lies in the padding, not at the end of the image: skip it "
              "(0 <= r < H and 0 <= s < W)", _placed(inside=lambda r, n: r < n)),
          Bug("the input row is r = i*stride + p - pad: subtract the padding",
              _placed(place=lambda i, p, s, pad: i * s + p)),
          Bug("the stride is ignored: output i reads input rows from i*stride - pad on",
              _placed(place=lambda i, p, s, pad: i + p - pad)),
          Bug("the filter is flipped (true convolution); the layer computes cross-correlation",
              _placed(flip=True)),
          Bug("with padding there are H_out = 1 + (H + 2*pad - F) // stride outputs per column",
              _placed(outputs=lambda n, f, s, pad: S.output_size(n, f, s, 0)))],
    hint="M[(i*Wo + j)*C_out + c, (r*W + s)*C_in + k] = w[r - i*stride + pad, s - j*stride + pad, k, c] "
         "where that filter position exists")

CHECKS = [im2col, col2im, conv_forward, conv_backward, conv_as_matrix]

"""Answers for notebook vectorization."""
import numpy as np

from ..answers import bug, correct


# im2col -------------------------------------------------------------------------------------------

@correct("sliding_window_view, every window at once")
def im2col(x, f, stride=1, pad=0):
    from numpy.lib.stride_tricks import sliding_window_view
    N, H, W, C = x.shape
    xp = zero_pad(x, pad)
    windows = sliding_window_view(xp, (f, f), axis=(1, 2))[:, ::stride, ::stride]   # (N, Ho, Wo, C, f, f)
    windows = windows.transpose(0, 1, 2, 4, 5, 3)                                    # (N, Ho, Wo, f, f, C)
    return windows.reshape(-1, f * f * C)


@correct("one row at a time, stacked with np.array")
def im2col(x, f, stride=1, pad=0):
    N, H, W, C = x.shape
    H_out = (H + 2 * pad - f) // stride + 1
    W_out = (W + 2 * pad - f) // stride + 1
    xp = np.pad(x, ((0, 0), (pad, pad), (pad, pad), (0, 0)), mode="constant")
    rows = []
    for n in range(N):
        for i in range(H_out):
            for j in range(W_out):
                rows.append(xp[n, i * stride:i * stride + f, j * stride:j * stride + f, :].flatten())
    return np.array(rows)


@correct("loops over the f*f offsets, each a strided slice of all windows")
def im2col(x, f, stride=1, pad=0):
    N, H, W, C = x.shape
    H_out, W_out = output_size(H, f, stride, pad), output_size(W, f, stride, pad)
    xp = zero_pad(x, pad)
    cols = np.empty((N, H_out, W_out, f, f, C), dtype=x.dtype)
    for p in range(f):
        for q in range(f):
            cols[:, :, :, p, q, :] = xp[:, p:p + stride * H_out:stride, q:q + stride * W_out:stride, :]
    return cols.reshape(N * H_out * W_out, -1)


@correct("as_strided on the padded input")
def im2col(x, f, stride=1, pad=0):
    from numpy.lib.stride_tricks import as_strided
    N, H, W, C = x.shape
    xp = np.ascontiguousarray(zero_pad(x, pad))
    H_out, W_out = output_size(H, f, stride, pad), output_size(W, f, stride, pad)
    sn, sh, sw, sc = xp.strides
    view = as_strided(xp, (N, H_out, W_out, f, f, C), (sn, stride * sh, stride * sw, sh, sw, sc))
    return view.reshape(N * H_out * W_out, f * f * C).copy()


@bug("returns the channels-first texts' column matrix", hint="channels-first texts' (F*F*C, N*Ho*Wo)")
def im2col(x, f, stride=1, pad=0):
    N, H, W, C = x.shape
    H_out, W_out = output_size(H, f, stride, pad), output_size(W, f, stride, pad)
    xp = zero_pad(x, pad)
    cols = np.zeros((C * f * f, N * H_out * W_out))
    col = 0
    for n in range(N):
        for i in range(H_out):
            for j in range(W_out):
                window = xp[n, i * stride:i * stride + f, j * stride:j * stride + f, :]
                cols[:, col] = window.transpose(2, 0, 1).ravel()
                col += 1
    return cols


@bug("windows as columns: the transpose", hint="the windows are rows")
def im2col(x, f, stride=1, pad=0):
    N, H, W, C = x.shape
    H_out, W_out = output_size(H, f, stride, pad), output_size(W, f, stride, pad)
    xp = zero_pad(x, pad)
    cols = np.zeros((N, H_out, W_out, f * f * C), dtype=x.dtype)
    for i in range(H_out):
        for j in range(W_out):
            cols[:, i, j, :] = xp[:, i * stride:i * stride + f, j * stride:j * stride + f, :].reshape(N, -1)
    return cols.reshape(N * H_out * W_out, f * f * C).T


@bug("sliding_window_view without moving the channel axis", hint="flatten each window in (i, j, c) order")
def im2col(x, f, stride=1, pad=0):
    from numpy.lib.stride_tricks import sliding_window_view
    N, H, W, C = x.shape
    windows = sliding_window_view(zero_pad(x, pad), (f, f), axis=(1, 2))[:, ::stride, ::stride]
    return windows.reshape(-1, f * f * C)


@bug("rows stacked position by position: ordered (i, j, n)", hint="rows are ordered by n, then i, then j")
def im2col(x, f, stride=1, pad=0):
    N, H, W, C = x.shape
    H_out, W_out = output_size(H, f, stride, pad), output_size(W, f, stride, pad)
    xp = zero_pad(x, pad)
    blocks = []
    for i in range(H_out):
        for j in range(W_out):
            blocks.append(xp[:, i * stride:i * stride + f, j * stride:j * stride + f, :].reshape(N, -1))
    return np.concatenate(blocks, axis=0)


@bug("padding forgotten", hint="the input is not padded")
def im2col(x, f, stride=1, pad=0):
    N, H, W, C = x.shape
    H_out, W_out = output_size(H, f, stride, 0), output_size(W, f, stride, 0)
    cols = np.zeros((N, H_out, W_out, f * f * C), dtype=x.dtype)
    for i in range(H_out):
        for j in range(W_out):
            cols[:, i, j, :] = x[:, i * stride:i * stride + f, j * stride:j * stride + f, :].reshape(N, -1)
    return cols.reshape(N * H_out * W_out, f * f * C)


@bug("padding on one side", hint="padding went on one side only")
def im2col(x, f, stride=1, pad=0):
    N, H, W, C = x.shape
    H_out, W_out = output_size(H, f, stride, pad), output_size(W, f, stride, pad)
    xp = np.pad(x, ((0, 0), (0, 2 * pad), (0, 2 * pad), (0, 0)))
    cols = np.zeros((N, H_out, W_out, f * f * C), dtype=x.dtype)
    for i in range(H_out):
        for j in range(W_out):
            cols[:, i, j, :] = xp[:, i * stride:i * stride + f, j * stride:j * stride + f, :].reshape(N, -1)
    return cols.reshape(N * H_out * W_out, f * f * C)


@bug("stride left out of the window position", hint="the stride is ignored")
def im2col(x, f, stride=1, pad=0):
    N, H, W, C = x.shape
    H_out, W_out = output_size(H, f, stride, pad), output_size(W, f, stride, pad)
    xp = zero_pad(x, pad)
    cols = np.zeros((N, H_out, W_out, f * f * C), dtype=x.dtype)
    for i in range(H_out):
        for j in range(W_out):
            cols[:, i, j, :] = xp[:, i:i + f, j:j + f, :].reshape(N, -1)
    return cols.reshape(N * H_out * W_out, f * f * C)


@bug("stride ignored in sliding_window_view", hint="the stride is ignored")
def im2col(x, f, stride=1, pad=0):
    from numpy.lib.stride_tricks import sliding_window_view
    N, H, W, C = x.shape
    windows = sliding_window_view(zero_pad(x, pad), (f, f), axis=(1, 2))
    return windows.transpose(0, 1, 2, 4, 5, 3).reshape(-1, f * f * C)


@bug("output size without the + 1", hint="the last window is dropped")
def im2col(x, f, stride=1, pad=0):
    N, H, W, C = x.shape
    H_out, W_out = (H + 2 * pad - f) // stride, (W + 2 * pad - f) // stride
    xp = zero_pad(x, pad)
    cols = np.zeros((N, H_out, W_out, f * f * C), dtype=x.dtype)
    for i in range(H_out):
        for j in range(W_out):
            cols[:, i, j, :] = xp[:, i * stride:i * stride + f, j * stride:j * stride + f, :].reshape(N, -1)
    return cols.reshape(N * H_out * W_out, f * f * C)


@bug("windows counted on the unpadded input", hint="the padding is left out of the count")
def im2col(x, f, stride=1, pad=0):
    N, H, W, C = x.shape
    xp = zero_pad(x, pad)
    rows = []
    for n in range(N):
        for i in range(0, H - f + 1, stride):
            for j in range(0, W - f + 1, stride):
                rows.append(xp[n, i:i + f, j:j + f, :].reshape(-1))
    return np.array(rows)


# col2im -------------------------------------------------------------------------------------------

@correct("row by row over (n, i, j)")
def col2im(cols, x_shape, f, stride=1, pad=0):
    N, H, W, C = x_shape
    H_out, W_out = output_size(H, f, stride, pad), output_size(W, f, stride, pad)
    dx_pad = np.zeros((N, H + 2 * pad, W + 2 * pad, C))
    row = 0
    for n in range(N):
        for i in range(H_out):
            for j in range(W_out):
                dx_pad[n, i * stride:i * stride + f, j * stride:j * stride + f, :] += cols[row].reshape(f, f, C)
                row += 1
    return dx_pad[:, pad:pad + H, pad:pad + W, :]


@correct("loops over the f*f offsets, strided slices")
def col2im(cols, x_shape, f, stride=1, pad=0):
    N, H, W, C = x_shape
    H_out, W_out = output_size(H, f, stride, pad), output_size(W, f, stride, pad)
    grid = cols.reshape(N, H_out, W_out, f, f, C)
    dxp = np.zeros((N, H + 2 * pad, W + 2 * pad, C), dtype=cols.dtype)
    for p in range(f):
        for q in range(f):
            dxp[:, p:p + stride * H_out:stride, q:q + stride * W_out:stride, :] += grid[:, :, :, p, q, :]
    return dxp[:, pad:dxp.shape[1] - pad, pad:dxp.shape[2] - pad, :]


@correct("np.add.at with the index of every copied pixel")
def col2im(cols, x_shape, f, stride=1, pad=0):
    N, H, W, C = x_shape
    H_out, W_out = output_size(H, f, stride, pad), output_size(W, f, stride, pad)
    n, i, j, p, q, c = np.indices((N, H_out, W_out, f, f, C)).reshape(6, -1)
    dxp = np.zeros((N, H + 2 * pad, W + 2 * pad, C))
    np.add.at(dxp, (n, i * stride + p, j * stride + q, c), cols.ravel())
    return dxp[:, pad:pad + H, pad:pad + W, :]


@bug("rows assigned with =", hint="overlapping windows add up")
def col2im(cols, x_shape, f, stride=1, pad=0):
    N, H, W, C = x_shape
    H_out, W_out = output_size(H, f, stride, pad), output_size(W, f, stride, pad)
    windows = cols.reshape(N, H_out, W_out, f, f, C)
    dxp = np.zeros((N, H + 2 * pad, W + 2 * pad, C))
    for i in range(H_out):
        for j in range(W_out):
            dxp[:, i * stride:i * stride + f, j * stride:j * stride + f] = windows[:, i, j]
    return dxp[:, pad:pad + H, pad:pad + W, :]


@bug("padding not removed", hint="remove the padding at the end")
def col2im(cols, x_shape, f, stride=1, pad=0):
    N, H, W, C = x_shape
    H_out, W_out = output_size(H, f, stride, pad), output_size(W, f, stride, pad)
    windows = cols.reshape(N, H_out, W_out, f, f, C)
    dxp = np.zeros((N, H + 2 * pad, W + 2 * pad, C))
    for i in range(H_out):
        for j in range(W_out):
            dxp[:, i * stride:i * stride + f, j * stride:j * stride + f] += windows[:, i, j]
    return dxp


@bug("dx_pad[:, pad:-pad] empty at pad 0", hint="dx_pad[:, pad:-pad] is empty")
def col2im(cols, x_shape, f, stride=1, pad=0):
    N, H, W, C = x_shape
    H_out, W_out = output_size(H, f, stride, pad), output_size(W, f, stride, pad)
    windows = cols.reshape(N, H_out, W_out, f, f, C)
    dxp = np.zeros((N, H + 2 * pad, W + 2 * pad, C))
    for i in range(H_out):
        for j in range(W_out):
            dxp[:, i * stride:i * stride + f, j * stride:j * stride + f] += windows[:, i, j]
    return dxp[:, pad:-pad, pad:-pad, :]


@bug("padding cropped from the end only", hint="the padding is on both sides")
def col2im(cols, x_shape, f, stride=1, pad=0):
    N, H, W, C = x_shape
    H_out, W_out = output_size(H, f, stride, pad), output_size(W, f, stride, pad)
    windows = cols.reshape(N, H_out, W_out, f, f, C)
    dxp = np.zeros((N, H + 2 * pad, W + 2 * pad, C))
    for i in range(H_out):
        for j in range(W_out):
            dxp[:, i * stride:i * stride + f, j * stride:j * stride + f] += windows[:, i, j]
    return dxp[:, :H, :W, :]


@bug("stride ignored when placing the rows", hint="the stride is ignored")
def col2im(cols, x_shape, f, stride=1, pad=0):
    N, H, W, C = x_shape
    H_out, W_out = output_size(H, f, stride, pad), output_size(W, f, stride, pad)
    windows = cols.reshape(N, H_out, W_out, f, f, C)
    dxp = np.zeros((N, H + 2 * pad, W + 2 * pad, C))
    for i in range(H_out):
        for j in range(W_out):
            dxp[:, i:i + f, j:j + f] += windows[:, i, j]
    return dxp[:, pad:pad + H, pad:pad + W, :]


@bug("rows read as (C, f, f) windows", hint="row.reshape(F, F, C)")
def col2im(cols, x_shape, f, stride=1, pad=0):
    N, H, W, C = x_shape
    H_out, W_out = output_size(H, f, stride, pad), output_size(W, f, stride, pad)
    windows = cols.reshape(N, H_out, W_out, C, f, f)
    dxp = np.zeros((N, H + 2 * pad, W + 2 * pad, C))
    for i in range(H_out):
        for j in range(W_out):
            dxp[:, i * stride:i * stride + f, j * stride:j * stride + f] += windows[:, i, j].transpose(0, 2, 3, 1)
    return dxp[:, pad:pad + H, pad:pad + W, :]


@bug("rows read in (i, j, n) order", hint="rows are ordered by n, then i, then j")
def col2im(cols, x_shape, f, stride=1, pad=0):
    N, H, W, C = x_shape
    H_out, W_out = output_size(H, f, stride, pad), output_size(W, f, stride, pad)
    windows = cols.reshape(H_out, W_out, N, f, f, C)
    dxp = np.zeros((N, H + 2 * pad, W + 2 * pad, C))
    for i in range(H_out):
        for j in range(W_out):
            dxp[:, i * stride:i * stride + f, j * stride:j * stride + f] += windows[i, j]
    return dxp[:, pad:pad + H, pad:pad + W, :]


@bug("overlaps averaged, as if inverting im2col", hint="it is not the inverse of im2col")
def col2im(cols, x_shape, f, stride=1, pad=0):
    N, H, W, C = x_shape
    H_out, W_out = output_size(H, f, stride, pad), output_size(W, f, stride, pad)
    windows = cols.reshape(N, H_out, W_out, f, f, C)
    dxp = np.zeros((N, H + 2 * pad, W + 2 * pad, C))
    counts = np.zeros_like(dxp)
    for i in range(H_out):
        for j in range(W_out):
            dxp[:, i * stride:i * stride + f, j * stride:j * stride + f] += windows[:, i, j]
            counts[:, i * stride:i * stride + f, j * stride:j * stride + f] += 1
    dxp = dxp / np.maximum(counts, 1)
    return dxp[:, pad:pad + H, pad:pad + W, :]


# conv_forward -------------------------------------------------------------------------------------

@correct("np.tensordot of the window grid with the filters")
def conv_forward(x, w, b, stride=1, pad=0):
    N, H, W, _ = x.shape
    F, _, _, C_out = w.shape
    H_out, W_out = output_size(H, F, stride, pad), output_size(W, F, stride, pad)
    cols = im2col(x, F, stride, pad)
    grid = cols.reshape(N, H_out, W_out, F, F, -1)
    out = np.tensordot(grid, w, axes=3) + b
    return out, (x, w, b, stride, pad, cols)


@correct("filters as rows, channels moved first consistently, keyword arguments")
def conv_forward(x, w, b, stride=1, pad=0):
    N, H, W, _ = x.shape
    F, _, _, C_out = w.shape
    H_out, W_out = output_size(H, F, stride, pad), output_size(W, F, stride, pad)
    cols = im2col(x, f=F, stride=stride, pad=pad)
    C_in = x.shape[3]
    cols_cf = cols.reshape(-1, F, F, C_in).transpose(0, 3, 1, 2).reshape(len(cols), -1)
    w_rows = w.transpose(3, 2, 0, 1).reshape(C_out, -1)
    out = (cols_cf @ w_rows.T + b[None, :]).reshape(N, H_out, W_out, C_out)
    return out, (x, w, b, stride, pad, cols)


@correct("einsum, computed in float64")
def conv_forward(x, w, b, stride=1, pad=0):
    N, H, W, _ = x.shape
    F, _, _, C_out = w.shape
    H_out, W_out = output_size(H, F, stride, pad), output_size(W, F, stride, pad)
    cols = im2col(x, F, stride, pad)
    out2d = np.einsum("rk,kc->rc", cols.astype(np.float64), w.reshape(-1, C_out).astype(np.float64))
    out = out2d.reshape(N, H_out, W_out, C_out) + b
    return out, (x, w, b, stride, pad, cols)


@bug("bias forgotten", hint="the bias is missing")
def conv_forward(x, w, b, stride=1, pad=0):
    N, H, W, _ = x.shape
    F, _, _, C_out = w.shape
    H_out, W_out = output_size(H, F, stride, pad), output_size(W, F, stride, pad)
    cols = im2col(x, F, stride, pad)
    out = (cols @ w.reshape(-1, C_out)).reshape(N, H_out, W_out, C_out)
    return out, (x, w, b, stride, pad, cols)


@bug("w.reshape(C_out, -1).T: filters cut in the wrong places", hint="the filters are mixed up")
def conv_forward(x, w, b, stride=1, pad=0):
    N, H, W, _ = x.shape
    F, _, _, C_out = w.shape
    H_out, W_out = output_size(H, F, stride, pad), output_size(W, F, stride, pad)
    cols = im2col(x, F, stride, pad)
    out = (cols @ w.reshape(C_out, -1).T + b).reshape(N, H_out, W_out, C_out)
    return out, (x, w, b, stride, pad, cols)


@bug("filters flattened channels-first against channels-last windows", hint="flatten each filter in the (i, j, c) order")
def conv_forward(x, w, b, stride=1, pad=0):
    N, H, W, _ = x.shape
    F, _, _, C_out = w.shape
    H_out, W_out = output_size(H, F, stride, pad), output_size(W, F, stride, pad)
    cols = im2col(x, F, stride, pad)
    w_rows = w.transpose(3, 2, 0, 1).reshape(C_out, -1)
    out = (cols @ w_rows.T + b).reshape(N, H_out, W_out, C_out)
    return out, (x, w, b, stride, pad, cols)


@bug("out reshaped channels-first, then transposed", hint="reshape it to (N, H_out, W_out, C_out) as it is")
def conv_forward(x, w, b, stride=1, pad=0):
    N, H, W, _ = x.shape
    F, _, _, C_out = w.shape
    H_out, W_out = output_size(H, F, stride, pad), output_size(W, F, stride, pad)
    cols = im2col(x, F, stride, pad)
    out = (cols @ w.reshape(-1, C_out) + b).reshape(N, C_out, H_out, W_out).transpose(0, 2, 3, 1)
    return out, (x, w, b, stride, pad, cols)


@bug("W @ cols.T reshaped without transposing back", hint="reshape it to (N, H_out, W_out, C_out) as it is")
def conv_forward(x, w, b, stride=1, pad=0):
    N, H, W, _ = x.shape
    F, _, _, C_out = w.shape
    H_out, W_out = output_size(H, F, stride, pad), output_size(W, F, stride, pad)
    cols = im2col(x, F, stride, pad)
    out = (w.reshape(-1, C_out).T @ cols.T + b[:, None]).reshape(N, H_out, W_out, C_out)
    return out, (x, w, b, stride, pad, cols)


@bug("flipped filters", hint="the filter is flipped")
def conv_forward(x, w, b, stride=1, pad=0):
    N, H, W, _ = x.shape
    F, _, _, C_out = w.shape
    H_out, W_out = output_size(H, F, stride, pad), output_size(W, F, stride, pad)
    cols = im2col(x, F, stride, pad)
    out = (cols @ w[::-1, ::-1].reshape(-1, C_out) + b).reshape(N, H_out, W_out, C_out)
    return out, (x, w, b, stride, pad, cols)


@bug("one bias for every filter", hint="here one bias went to all channels")
def conv_forward(x, w, b, stride=1, pad=0):
    N, H, W, _ = x.shape
    F, _, _, C_out = w.shape
    H_out, W_out = output_size(H, F, stride, pad), output_size(W, F, stride, pad)
    cols = im2col(x, F, stride, pad)
    out = (cols @ w.reshape(-1, C_out) + b[0]).reshape(N, H_out, W_out, C_out)
    return out, (x, w, b, stride, pad, cols)


# conv_backward ------------------------------------------------------------------------------------

@correct("einsum for dw and the column gradient")
def conv_backward(dout, cache):
    x, w, b, stride, pad, cols = cache
    F, C_out = w.shape[0], w.shape[3]
    dout2d = dout.reshape(-1, C_out)
    dw = np.einsum("rk,rc->kc", cols, dout2d).reshape(w.shape)
    db = np.einsum("nijc->c", dout)
    dcols = np.einsum("rc,kc->rk", dout2d, w.reshape(-1, C_out))
    dx = col2im(dcols, x.shape, F, stride, pad)
    return dx, dw, db


@correct("cols rebuilt with im2col, np.dot, keyword arguments")
def conv_backward(dout, cache):
    x, w, b, stride, pad, cols = cache
    F, C_out = w.shape[0], w.shape[3]
    cols = im2col(x, F, stride=stride, pad=pad)
    dout2d = dout.reshape(-1, C_out)
    w2d = w.reshape(-1, C_out)
    dw = np.dot(cols.T, dout2d).reshape(w.shape)
    db = np.sum(dout, axis=(0, 1, 2))
    dx = col2im(np.dot(dout2d, w2d.T), x.shape, F, stride=stride, pad=pad)
    return dx, dw, db


@correct("tensordot on the window grid for dw, (w2d @ dout2d.T).T for the columns")
def conv_backward(dout, cache):
    x, w, b, stride, pad, cols = cache
    F, C_out = w.shape[0], w.shape[3]
    N, H_out, W_out, _ = dout.shape
    grid = cols.reshape(N, H_out, W_out, F, F, -1)
    dw = np.tensordot(grid, dout, axes=([0, 1, 2], [0, 1, 2]))
    db = dout.reshape(-1, C_out).sum(axis=0)
    dcols = (w.reshape(-1, C_out) @ dout.reshape(-1, C_out).T).T
    dx = col2im(dcols, x.shape, F, stride, pad)
    return dx, dw, db


@bug("dw left as a matrix", hint="reshape it to w.shape")
def conv_backward(dout, cache):
    x, w, b, stride, pad, cols = cache
    F, C_out = w.shape[0], w.shape[3]
    dout2d = dout.reshape(-1, C_out)
    w2d = w.reshape(-1, C_out)
    dw = cols.T @ dout2d
    db = dout2d.sum(axis=0)
    dx = col2im(dout2d @ w2d.T, x.shape, F, stride, pad)
    return dx, dw, db


@bug("dw = dout2d.T @ cols reshaped to w.shape", hint="dw = cols.T @ dout2d has one column per filter")
def conv_backward(dout, cache):
    x, w, b, stride, pad, cols = cache
    F, C_out = w.shape[0], w.shape[3]
    dout2d = dout.reshape(-1, C_out)
    w2d = w.reshape(-1, C_out)
    dw = (dout2d.T @ cols).reshape(w.shape)
    db = dout2d.sum(axis=0)
    dx = col2im(dout2d @ w2d.T, x.shape, F, stride, pad)
    return dx, dw, db


@bug("db summed along the wrong axis", hint="dout2d.sum(axis=0)")
def conv_backward(dout, cache):
    x, w, b, stride, pad, cols = cache
    F, C_out = w.shape[0], w.shape[3]
    dout2d = dout.reshape(-1, C_out)
    w2d = w.reshape(-1, C_out)
    dw = (cols.T @ dout2d).reshape(w.shape)
    db = dout2d.sum(axis=1)
    dx = col2im(dout2d @ w2d.T, x.shape, F, stride, pad)
    return dx, dw, db


@bug("db summed over every axis: one number", hint="dout2d.sum(axis=0)")
def conv_backward(dout, cache):
    x, w, b, stride, pad, cols = cache
    F, C_out = w.shape[0], w.shape[3]
    dout2d = dout.reshape(-1, C_out)
    w2d = w.reshape(-1, C_out)
    dw = (cols.T @ dout2d).reshape(w.shape)
    db = np.sum(dout)
    dx = col2im(dout2d @ w2d.T, x.shape, F, stride, pad)
    return dx, dw, db


@bug("dw and db averaged over the batch", hint="not averaged")
def conv_backward(dout, cache):
    x, w, b, stride, pad, cols = cache
    F, C_out = w.shape[0], w.shape[3]
    N = dout.shape[0]
    dout2d = dout.reshape(-1, C_out)
    w2d = w.reshape(-1, C_out)
    dw = (cols.T @ dout2d).reshape(w.shape) / N
    db = dout2d.sum(axis=0)
    dx = col2im(dout2d @ w2d.T, x.shape, F, stride, pad)
    return dx, dw, db


@bug("db a mean over rows", hint="db[c] sums dout[..., c] over the batch and every position")
def conv_backward(dout, cache):
    x, w, b, stride, pad, cols = cache
    F, C_out = w.shape[0], w.shape[3]
    dout2d = dout.reshape(-1, C_out)
    w2d = w.reshape(-1, C_out)
    dw = (cols.T @ dout2d).reshape(w.shape)
    db = dout2d.mean(axis=0)
    dx = col2im(dout2d @ w2d.T, x.shape, F, stride, pad)
    return dx, dw, db


@bug("dout reshaped channels-first", hint="dout2d = dout.reshape(-1, C_out)")
def conv_backward(dout, cache):
    x, w, b, stride, pad, cols = cache
    F, C_out = w.shape[0], w.shape[3]
    dout2d = dout.reshape(C_out, -1).T
    w2d = w.reshape(-1, C_out)
    dw = (cols.T @ dout2d).reshape(w.shape)
    db = dout2d.sum(axis=0)
    dx = col2im(dout2d @ w2d.T, x.shape, F, stride, pad)
    return dx, dw, db


@bug("column gradient from flipped filters", hint="dx uses the filters as they are")
def conv_backward(dout, cache):
    x, w, b, stride, pad, cols = cache
    F, C_out = w.shape[0], w.shape[3]
    dout2d = dout.reshape(-1, C_out)
    dw = (cols.T @ dout2d).reshape(w.shape)
    db = dout2d.sum(axis=0)
    dx = col2im(dout2d @ w[::-1, ::-1].reshape(-1, C_out).T, x.shape, F, stride, pad)
    return dx, dw, db


@bug("own scatter of the column gradient with =", hint="col2im must add up overlapping windows")
def conv_backward(dout, cache):
    x, w, b, stride, pad, cols = cache
    N, H, W, C = x.shape
    F, C_out = w.shape[0], w.shape[3]
    _, H_out, W_out, _ = dout.shape
    dout2d = dout.reshape(-1, C_out)
    dw = (cols.T @ dout2d).reshape(w.shape)
    db = dout2d.sum(axis=0)
    dcols = (dout2d @ w.reshape(-1, C_out).T).reshape(N, H_out, W_out, F, F, C)
    dxp = np.zeros((N, H + 2 * pad, W + 2 * pad, C))
    for i in range(H_out):
        for j in range(W_out):
            dxp[:, i * stride:i * stride + F, j * stride:j * stride + F] = dcols[:, i, j]
    dx = dxp[:, pad:pad + H, pad:pad + W]
    return dx, dw, db


# conv_as_matrix -----------------------------------------------------------------------------------

@correct("every entry by its own index, np.ndindex")
def conv_as_matrix(w, input_shape, stride=1, pad=0):
    H, W, C_in = input_shape
    F, C_out = w.shape[0], w.shape[3]
    H_out, W_out = output_size(H, F, stride, pad), output_size(W, F, stride, pad)
    M = np.zeros((H_out * W_out * C_out, H * W * C_in))
    for i, j, c, p, q, k in np.ndindex(H_out, W_out, C_out, F, F, C_in):
        r, s = i * stride + p - pad, j * stride + q - pad
        if 0 <= r < H and 0 <= s < W:
            M[(i * W_out + j) * C_out + c, (r * W + s) * C_in + k] = w[p, q, k, c]
    return M


@correct("column by column: the convolution of each unit image")
def conv_as_matrix(w, input_shape, stride=1, pad=0):
    H, W, C_in = input_shape
    C_out = w.shape[3]
    columns = []
    for index in range(H * W * C_in):
        unit = np.zeros((1, H, W, C_in))
        unit.flat[index] = 1.0
        out, _ = conv_forward_naive(unit, w, np.zeros(C_out), stride, pad)
        columns.append(out.ravel())
    return np.stack(columns, axis=1)


@correct("windows of the padded index image, fancy-index assignment")
def conv_as_matrix(w, input_shape, stride=1, pad=0):
    from numpy.lib.stride_tricks import sliding_window_view
    H, W, C_in = input_shape
    F, C_out = w.shape[0], w.shape[3]
    index = np.pad(np.arange(H * W * C_in).reshape(H, W, C_in), ((pad, pad), (pad, pad), (0, 0)),
                   constant_values=-1)
    windows = sliding_window_view(index, (F, F), axis=(0, 1))[::stride, ::stride]   # (Ho, Wo, C_in, F, F)
    windows = windows.transpose(0, 1, 3, 4, 2)                                        # (Ho, Wo, F, F, C_in)
    H_out, W_out = windows.shape[:2]
    M = np.zeros((H_out, W_out, C_out, H * W * C_in))
    for i in range(H_out):
        for j in range(W_out):
            inside = windows[i, j] >= 0
            M[i, j][:, windows[i, j][inside]] = w[inside].T
    return M.reshape(H_out * W_out * C_out, -1)


@bug("M built transposed", hint="rows are ordered (i, j, c) and columns (r, s, k)")
def conv_as_matrix(w, input_shape, stride=1, pad=0):
    H, W, C_in = input_shape
    F, C_out = w.shape[0], w.shape[3]
    H_out, W_out = output_size(H, F, stride, pad), output_size(W, F, stride, pad)
    M = np.zeros((H, W, C_in, H_out, W_out, C_out))
    for i in range(H_out):
        for j in range(W_out):
            for p in range(F):
                for q in range(F):
                    r, s = i * stride + p - pad, j * stride + q - pad
                    if 0 <= r < H and 0 <= s < W:
                        M[r, s, :, i, j, :] = w[p, q]
    return M.reshape(H * W * C_in, H_out * W_out * C_out)


@bug("rows and columns channels-first", hint="rows are ordered (i, j, c) and columns (r, s, k)")
def conv_as_matrix(w, input_shape, stride=1, pad=0):
    H, W, C_in = input_shape
    F, C_out = w.shape[0], w.shape[3]
    H_out, W_out = output_size(H, F, stride, pad), output_size(W, F, stride, pad)
    M = np.zeros((C_out, H_out, W_out, C_in, H, W))
    for i in range(H_out):
        for j in range(W_out):
            for p in range(F):
                for q in range(F):
                    r, s = i * stride + p - pad, j * stride + q - pad
                    if 0 <= r < H and 0 <= s < W:
                        M[:, i, j, :, r, s] = w[p, q].T
    return M.reshape(C_out * H_out * W_out, C_in * H * W)


@bug("columns for the padding positions too", hint="positions in the padding read zeros")
def conv_as_matrix(w, input_shape, stride=1, pad=0):
    H, W, C_in = input_shape
    F, C_out = w.shape[0], w.shape[3]
    Hp, Wp = H + 2 * pad, W + 2 * pad
    H_out, W_out = output_size(H, F, stride, pad), output_size(W, F, stride, pad)
    M = np.zeros((H_out, W_out, C_out, Hp, Wp, C_in))
    for i in range(H_out):
        for j in range(W_out):
            for p in range(F):
                for q in range(F):
                    M[i, j, :, i * stride + p, j * stride + q, :] = w[p, q].T
    return M.reshape(H_out * W_out * C_out, Hp * Wp * C_in)


@bug("bounds check without r >= 0: negative rows wrap around", hint="a negative r or s lies in the padding")
def conv_as_matrix(w, input_shape, stride=1, pad=0):
    H, W, C_in = input_shape
    F, C_out = w.shape[0], w.shape[3]
    H_out, W_out = output_size(H, F, stride, pad), output_size(W, F, stride, pad)
    M = np.zeros((H_out, W_out, C_out, H, W, C_in))
    for i in range(H_out):
        for j in range(W_out):
            for p in range(F):
                for q in range(F):
                    r, s = i * stride + p - pad, j * stride + q - pad
                    if r < H and s < W:
                        M[i, j, :, r, s, :] = w[p, q].T
    return M.reshape(H_out * W_out * C_out, H * W * C_in)


@bug("padding not subtracted from the input row", hint="subtract the padding")
def conv_as_matrix(w, input_shape, stride=1, pad=0):
    H, W, C_in = input_shape
    F, C_out = w.shape[0], w.shape[3]
    H_out, W_out = output_size(H, F, stride, pad), output_size(W, F, stride, pad)
    M = np.zeros((H_out, W_out, C_out, H, W, C_in))
    for i in range(H_out):
        for j in range(W_out):
            for p in range(F):
                for q in range(F):
                    r, s = i * stride + p, j * stride + q
                    if 0 <= r < H and 0 <= s < W:
                        M[i, j, :, r, s, :] = w[p, q].T
    return M.reshape(H_out * W_out * C_out, H * W * C_in)


@bug("stride ignored", hint="the stride is ignored")
def conv_as_matrix(w, input_shape, stride=1, pad=0):
    H, W, C_in = input_shape
    F, C_out = w.shape[0], w.shape[3]
    H_out, W_out = output_size(H, F, stride, pad), output_size(W, F, stride, pad)
    M = np.zeros((H_out, W_out, C_out, H, W, C_in))
    for i in range(H_out):
        for j in range(W_out):
            for p in range(F):
                for q in range(F):
                    r, s = i + p - pad, j + q - pad
                    if 0 <= r < H and 0 <= s < W:
                        M[i, j, :, r, s, :] = w[p, q].T
    return M.reshape(H_out * W_out * C_out, H * W * C_in)


@bug("flipped filter", hint="the filter is flipped")
def conv_as_matrix(w, input_shape, stride=1, pad=0):
    H, W, C_in = input_shape
    F, C_out = w.shape[0], w.shape[3]
    H_out, W_out = output_size(H, F, stride, pad), output_size(W, F, stride, pad)
    M = np.zeros((H_out, W_out, C_out, H, W, C_in))
    for i in range(H_out):
        for j in range(W_out):
            for p in range(F):
                for q in range(F):
                    r, s = i * stride + p - pad, j * stride + q - pad
                    if 0 <= r < H and 0 <= s < W:
                        M[i, j, :, r, s, :] = w[F - 1 - p, F - 1 - q].T
    return M.reshape(H_out * W_out * C_out, H * W * C_in)


@bug("output count without the padding", hint="with padding there are H_out")
def conv_as_matrix(w, input_shape, stride=1, pad=0):
    H, W, C_in = input_shape
    F, C_out = w.shape[0], w.shape[3]
    H_out, W_out = output_size(H, F, stride), output_size(W, F, stride)
    M = np.zeros((H_out, W_out, C_out, H, W, C_in))
    for i in range(H_out):
        for j in range(W_out):
            for p in range(F):
                for q in range(F):
                    r, s = i * stride + p - pad, j * stride + q - pad
                    if 0 <= r < H and 0 <= s < W:
                        M[i, j, :, r, s, :] = w[p, q].T
    return M.reshape(H_out * W_out * C_out, H * W * C_in)

"""Answers for notebook pooling."""
import numpy as np

from ..answers import bug, correct


# pool_forward_naive -----------------------------------------------------------------------------

@correct("loops over n, i, j, c, with if/else on the mode and a float64 out")
def pool_forward_naive(x, size=2, stride=2, mode="max"):
    N, H, W, C = x.shape
    H_out = (H - size) // stride + 1
    W_out = (W - size) // stride + 1
    out = np.zeros((N, H_out, W_out, C))
    for n in range(N):
        for i in range(H_out):
            for j in range(W_out):
                for c in range(C):
                    window = x[n, i * stride:i * stride + size, j * stride:j * stride + size, c]
                    if mode == "max":
                        out[n, i, j, c] = window.max()
                    else:
                        out[n, i, j, c] = window.sum() / (size * size)
    return out, (x, size, stride, mode)


@correct("loops over i, j only: every image and channel at once")
def pool_forward_naive(x, size=2, stride=2, mode="max"):
    N, H, W, C = x.shape
    H_out, W_out = 1 + (H - size) // stride, 1 + (W - size) // stride
    out = np.empty((N, H_out, W_out, C), dtype=np.result_type(x, 0.5))
    for i in range(H_out):
        for j in range(W_out):
            window = x[:, i * stride:i * stride + size, j * stride:j * stride + size, :]
            out[:, i, j, :] = window.max(axis=(1, 2)) if mode == "max" else window.mean(axis=(1, 2))
    return out, (x, size, stride, mode)


@correct("sliding_window_view, every `stride`-th window, no loop")
def pool_forward_naive(x, size=2, stride=2, mode="max"):
    from numpy.lib.stride_tricks import sliding_window_view
    windows = sliding_window_view(x, (size, size), axis=(1, 2))[:, ::stride, ::stride]
    reduce = np.max if mode == "max" else np.mean
    out = reduce(windows, axis=(4, 5))
    return out, (x, size, stride, mode)


@correct("a max over the size*size shifted grids, the mean as their sum; a list cache with extras")
def pool_forward_naive(x, size=2, stride=2, mode="max"):
    N, H, W, C = x.shape
    H_out, W_out = 1 + (H - size) // stride, 1 + (W - size) // stride
    grids = [x[:, p:p + stride * (H_out - 1) + 1:stride, q:q + stride * (W_out - 1) + 1:stride, :]
             for p in range(size) for q in range(size)]
    out = np.max(grids, axis=0) if mode == "max" else np.sum(grids, axis=0) / size ** 2
    return out, [x, size, stride, mode, out]


@correct("a dictionary of reducers, np.average")
def pool_forward_naive(x, size=2, stride=2, mode="max"):
    reducers = {"max": np.max, "avg": np.average}
    N, H, W, C = x.shape
    H_out, W_out = 1 + (H - size) // stride, 1 + (W - size) // stride
    out = np.zeros((N, H_out, W_out, C), dtype=np.result_type(x, 0.5))
    for n in range(N):
        for c in range(C):
            for i in range(H_out):
                for j in range(W_out):
                    r, s = i * stride, j * stride
                    out[n, i, j, c] = reducers[mode](x[n, r:r + size, s:s + size, c])
    return out, (x, size, stride, mode)


@bug("the output array made with x's dtype: an integer image's averages are cut to integers",
     hint="the output array holds integers")
def pool_forward_naive(x, size=2, stride=2, mode="max"):
    N, H, W, C = x.shape
    H_out, W_out = 1 + (H - size) // stride, 1 + (W - size) // stride
    reduce = np.max if mode == "max" else np.mean
    out = np.zeros((N, H_out, W_out, C), dtype=x.dtype)
    for n in range(N):
        for i in range(H_out):
            for j in range(W_out):
                for c in range(C):
                    out[n, i, j, c] = reduce(x[n, i * stride:i * stride + size, j * stride:j * stride + size, c])
    return out, (x, size, stride, mode)


@bug("max and mean swapped", hint="max and average are swapped")
def pool_forward_naive(x, size=2, stride=2, mode="max"):
    N, H, W, C = x.shape
    H_out, W_out = 1 + (H - size) // stride, 1 + (W - size) // stride
    reduce = np.mean if mode == "max" else np.max
    out = np.zeros((N, H_out, W_out, C))
    for n in range(N):
        for i in range(H_out):
            for j in range(W_out):
                for c in range(C):
                    out[n, i, j, c] = reduce(x[n, i * stride:i * stride + size, j * stride:j * stride + size, c])
    return out, (x, size, stride, mode)


@bug("mode compared with 'average': average pooling never runs", hint="is mode 'avg' handled?")
def pool_forward_naive(x, size=2, stride=2, mode="max"):
    N, H, W, C = x.shape
    H_out, W_out = 1 + (H - size) // stride, 1 + (W - size) // stride
    out = np.zeros((N, H_out, W_out, C))
    for n in range(N):
        for i in range(H_out):
            for j in range(W_out):
                for c in range(C):
                    window = x[n, i * stride:i * stride + size, j * stride:j * stride + size, c]
                    if mode == "max":
                        out[n, i, j, c] = np.max(window)
                    elif mode == "average":
                        out[n, i, j, c] = np.mean(window)
    return out, (x, size, stride, mode)


@bug("average pooling sums the window", hint="average pooling sums the window")
def pool_forward_naive(x, size=2, stride=2, mode="max"):
    N, H, W, C = x.shape
    H_out, W_out = 1 + (H - size) // stride, 1 + (W - size) // stride
    out = np.zeros((N, H_out, W_out, C))
    for n in range(N):
        for i in range(H_out):
            for j in range(W_out):
                for c in range(C):
                    window = x[n, i * stride:i * stride + size, j * stride:j * stride + size, c]
                    out[n, i, j, c] = window.max() if mode == "max" else window.sum()
    return out, (x, size, stride, mode)


@bug("the average divides by len(window), the window's rows", hint="average pooling divides by size")
def pool_forward_naive(x, size=2, stride=2, mode="max"):
    N, H, W, C = x.shape
    H_out, W_out = 1 + (H - size) // stride, 1 + (W - size) // stride
    out = np.zeros((N, H_out, W_out, C))
    for n in range(N):
        for i in range(H_out):
            for j in range(W_out):
                for c in range(C):
                    window = x[n, i * stride:i * stride + size, j * stride:j * stride + size, c]
                    out[n, i, j, c] = window.max() if mode == "max" else window.sum() / len(window)
    return out, (x, size, stride, mode)


@bug("windows start at (i, j): the stride only shrinks the output", hint="do not move by the stride")
def pool_forward_naive(x, size=2, stride=2, mode="max"):
    N, H, W, C = x.shape
    H_out, W_out = 1 + (H - size) // stride, 1 + (W - size) // stride
    reduce = np.max if mode == "max" else np.mean
    out = np.zeros((N, H_out, W_out, C))
    for n in range(N):
        for i in range(H_out):
            for j in range(W_out):
                for c in range(C):
                    out[n, i, j, c] = reduce(x[n, i:i + size, j:j + size, c])
    return out, (x, size, stride, mode)


@bug("the stride forgotten everywhere, output size included", hint="the stride is ignored")
def pool_forward_naive(x, size=2, stride=2, mode="max"):
    N, H, W, C = x.shape
    H_out, W_out = H - size + 1, W - size + 1
    reduce = np.max if mode == "max" else np.mean
    out = np.zeros((N, H_out, W_out, C))
    for n in range(N):
        for i in range(H_out):
            for j in range(W_out):
                for c in range(C):
                    out[n, i, j, c] = reduce(x[n, i:i + size, j:j + size, c])
    return out, (x, size, stride, mode)


@bug("windows start at i*size: they step by the size, not the stride",
     hint="moved by size instead of stride")
def pool_forward_naive(x, size=2, stride=2, mode="max"):
    N, H, W, C = x.shape
    H_out, W_out = 1 + (H - size) // stride, 1 + (W - size) // stride
    reduce = np.max if mode == "max" else np.mean
    out = np.zeros((N, H_out, W_out, C))
    for n in range(N):
        for i in range(H_out):
            for j in range(W_out):
                for c in range(C):
                    out[n, i, j, c] = reduce(x[n, i * size:i * size + size, j * size:j * size + size, c])
    return out, (x, size, stride, mode)


@bug("window slices end at start + size - 1: one row and column short", hint="one row and column short")
def pool_forward_naive(x, size=2, stride=2, mode="max"):
    N, H, W, C = x.shape
    H_out, W_out = 1 + (H - size) // stride, 1 + (W - size) // stride
    reduce = np.max if mode == "max" else np.mean
    out = np.zeros((N, H_out, W_out, C))
    for n in range(N):
        for i in range(H_out):
            for j in range(W_out):
                top, left = i * stride, j * stride
                for c in range(C):
                    out[n, i, j, c] = reduce(x[n, top:top + size - 1, left:left + size - 1, c])
    return out, (x, size, stride, mode)


@bug("i and j swapped in the window's slice", hint="height and width are swapped")
def pool_forward_naive(x, size=2, stride=2, mode="max"):
    N, H, W, C = x.shape
    H_out, W_out = 1 + (H - size) // stride, 1 + (W - size) // stride
    reduce = np.max if mode == "max" else np.mean
    out = np.zeros((N, H_out, W_out, C))
    for n in range(N):
        for i in range(H_out):
            for j in range(W_out):
                for c in range(C):
                    out[n, i, j, c] = reduce(x[n, j * stride:j * stride + size, i * stride:i * stride + size, c])
    return out, (x, size, stride, mode)


@bug("W_out copied from H_out's line without changing H to W", hint="W_out comes from the width W")
def pool_forward_naive(x, size=2, stride=2, mode="max"):
    N, H, W, C = x.shape
    H_out = 1 + (H - size) // stride
    W_out = 1 + (H - size) // stride
    reduce = np.max if mode == "max" else np.mean
    out = np.zeros((N, H_out, W_out, C))
    for n in range(N):
        for i in range(H_out):
            for j in range(W_out):
                for c in range(C):
                    out[n, i, j, c] = reduce(x[n, i * stride:i * stride + size, j * stride:j * stride + size, c])
    return out, (x, size, stride, mode)


@bug("the output size rounded to the nearest integer: a last window that does not fit is pooled",
     hint="a window that does not fit is dropped, not rounded to")
def pool_forward_naive(x, size=2, stride=2, mode="max"):
    N, H, W, C = x.shape
    H_out, W_out = 1 + round((H - size) / stride), 1 + round((W - size) / stride)
    out = np.zeros((N, H_out, W_out, C))
    for i in range(H_out):
        for j in range(W_out):
            window = x[:, i * stride:i * stride + size, j * stride:j * stride + size, :]
            out[:, i, j, :] = window.max(axis=(1, 2)) if mode == "max" else window.mean(axis=(1, 2))
    return out, (x, size, stride, mode)


@bug("one window through all channels at once", hint="pool each channel on its own")
def pool_forward_naive(x, size=2, stride=2, mode="max"):
    N, H, W, C = x.shape
    H_out, W_out = 1 + (H - size) // stride, 1 + (W - size) // stride
    reduce = np.max if mode == "max" else np.mean
    out = np.zeros((N, H_out, W_out, C))
    for n in range(N):
        for i in range(H_out):
            for j in range(W_out):
                out[n, i, j, :] = reduce(x[n, i * stride:i * stride + size, j * stride:j * stride + size, :])
    return out, (x, size, stride, mode)


@bug("vectorized over the batch, but the max runs over the images too", hint="pool each image on its own")
def pool_forward_naive(x, size=2, stride=2, mode="max"):
    N, H, W, C = x.shape
    H_out, W_out = 1 + (H - size) // stride, 1 + (W - size) // stride
    reduce = np.max if mode == "max" else np.mean
    out = np.zeros((N, H_out, W_out, C))
    for i in range(H_out):
        for j in range(W_out):
            for c in range(C):
                out[:, i, j, c] = reduce(x[:, i * stride:i * stride + size, j * stride:j * stride + size, c])
    return out, (x, size, stride, mode)


@bug("output size without the 1 +", hint="the last window is dropped")
def pool_forward_naive(x, size=2, stride=2, mode="max"):
    N, H, W, C = x.shape
    H_out, W_out = (H - size) // stride, (W - size) // stride
    reduce = np.max if mode == "max" else np.mean
    out = np.zeros((N, H_out, W_out, C))
    for n in range(N):
        for i in range(H_out):
            for j in range(W_out):
                for c in range(C):
                    out[n, i, j, c] = reduce(x[n, i * stride:i * stride + size, j * stride:j * stride + size, c])
    return out, (x, size, stride, mode)


# relu_forward -----------------------------------------------------------------------------------

@correct("np.where")
def relu_forward(x):
    out = np.where(x > 0, x, 0)
    return out, (x,)


@correct("x times the mask x > 0")
def relu_forward(x):
    out = x * (x > 0)
    return out, (x,)


@correct("np.clip with no upper bound")
def relu_forward(x):
    out = np.clip(x, 0, None)
    return out, (x,)


@correct("a copy with its negative entries set to 0")
def relu_forward(x):
    out = x.copy()
    out[out < 0] = 0
    return out, (x,)


@correct("(x + |x|) / 2, in a list cache")
def relu_forward(x):
    out = (x + np.abs(x)) / 2
    return out, [x]


@bug("np.max instead of np.maximum", hint="np.maximum compares two arrays")
def relu_forward(x):
    out = np.max(x, 0)
    return out, (x,)


@bug("the negative values kept, the positive ones zeroed", hint="negative values become 0")
def relu_forward(x):
    out = np.minimum(x, 0)
    return out, (x,)


@bug("the absolute value", hint="it does not take |x|")
def relu_forward(x):
    out = np.abs(x)
    return out, (x,)


@bug("out = x is no copy: setting its negative entries to 0 changes x", hint="changing x in place")
def relu_forward(x):
    out = x
    out[out < 0] = 0
    return out, (x,)


@bug("np.maximum with out=x writes into x", hint="changing x in place")
def relu_forward(x):
    out = np.maximum(x, 0, out=x)
    return out, (x,)


@bug("the mask returned instead of the values", hint="keep the value there")
def relu_forward(x):
    out = (x > 0).astype(x.dtype)
    return out, (x,)


@bug("boolean indexing keeps only the positive entries, flattened", hint="keep x's shape")
def relu_forward(x):
    out = x[x > 0]
    return out, (x,)


@bug("clipped to [0, 1]", hint="ReLU has no upper limit")
def relu_forward(x):
    out = np.clip(x, 0, 1)
    return out, (x,)


@bug("leaky ReLU", hint="that is leaky ReLU")
def relu_forward(x):
    out = np.maximum(x, 0.01 * x)
    return out, (x,)

"""Answers for notebook convolution."""
import numpy as np

from ..answers import bug, correct


# output_size ------------------------------------------------------------------------------------

@correct("the formula, with // after the brackets")
def output_size(n, f, stride=1, pad=0):
    return (n + 2 * pad - f) // stride + 1


@correct("int() of a true division (truncation is a floor here)")
def output_size(n, f, stride=1, pad=0):
    return int((n + 2 * pad - f) / stride) + 1


@correct("counting the positions with a while loop")
def output_size(n, f, stride=1, pad=0):
    count, start = 0, 0
    while start + f <= n + 2 * pad:
        count += 1
        start += stride
    return count


@correct("the length of the range of window starts")
def output_size(n, f, stride=1, pad=0):
    return len(range(0, n + 2 * pad - f + 1, stride))


@correct("math.floor of the division")
def output_size(n, f, stride=1, pad=0):
    import math
    return math.floor((n + 2 * pad - f) / stride) + 1


@bug("round() instead of a floor", hint="round down (//), not to the nearest")
def output_size(n, f, stride=1, pad=0):
    return 1 + round((n + 2 * pad - f) / stride)


@bug("rounded half up: int(x + 0.5)", hint="round down (//), not to the nearest")
def output_size(n, f, stride=1, pad=0):
    return 1 + int((n + 2 * pad - f) / stride + 0.5)


@bug("rounded to the nearest, a half rounded down: passes every case whose fraction is at most a half",
     hint="round down (//), not to the nearest")
def output_size(n, f, stride=1, pad=0):
    import math
    return 1 + math.ceil((n + 2 * pad - f) / stride - 0.5)


@bug("ceil instead of a floor", hint="round down (//)")
def output_size(n, f, stride=1, pad=0):
    import math
    return 1 + math.ceil((n + 2 * pad - f) / stride)


@bug("true division: a float, 4.5 windows", hint="integer division (//)")
def output_size(n, f, stride=1, pad=0):
    return 1 + (n + 2 * pad - f) / stride


@bug("the first window not counted", hint="off by one")
def output_size(n, f, stride=1, pad=0):
    return (n + 2 * pad - f) // stride


@bug("padding counted on one side only", hint="padding goes on both sides")
def output_size(n, f, stride=1, pad=0):
    return 1 + (n + pad - f) // stride


@bug("padding left out", hint="padding is missing")
def output_size(n, f, stride=1, pad=0):
    return 1 + (n - f) // stride


@bug("stride left out", hint="stride is missing")
def output_size(n, f, stride=1, pad=0):
    return n + 2 * pad - f + 1


@bug("brackets missing: only f is divided by the stride", hint="brackets")
def output_size(n, f, stride=1, pad=0):
    return n + 2 * pad - f // stride + 1


# zero_pad ---------------------------------------------------------------------------------------

@correct("a zero array and a slice assignment")
def zero_pad(x, pad):
    N, H, W, C = x.shape
    out = np.zeros((N, H + 2 * pad, W + 2 * pad, C), dtype=x.dtype)
    out[:, pad:pad + H, pad:pad + W, :] = x
    return out


@correct("np.pad with explicit mode and value, a list of pairs")
def zero_pad(x, pad):
    widths = [(0, 0), (pad, pad), (pad, pad), (0, 0)]
    return np.pad(x, widths, mode="constant", constant_values=0)


@correct("a float64 zero array (values are what count), image by image")
def zero_pad(x, pad):
    N, H, W, C = x.shape
    xp = np.zeros((N, H + 2 * pad, W + 2 * pad, C))
    for n in range(N):
        xp[n, pad:pad + H, pad:pad + W] = x[n]
    return xp


@correct("concatenating zero borders")
def zero_pad(x, pad):
    N, H, W, C = x.shape
    rows = np.zeros((N, pad, W, C), dtype=x.dtype)
    x = np.concatenate([rows, x, rows], axis=1)
    cols = np.zeros((N, H + 2 * pad, pad, C), dtype=x.dtype)
    return np.concatenate([cols, x, cols], axis=2)


@bug("the channel axis padded too", hint="pad the channel axis")
def zero_pad(x, pad):
    return np.pad(x, ((0, 0), (pad, pad), (pad, pad), (pad, pad)))


@bug("every axis padded: np.pad(x, pad)", hint="pad only the height and width axes")
def zero_pad(x, pad):
    return np.pad(x, pad)


@bug("the batch axis padded instead of the channels", hint="pad the batch axis")
def zero_pad(x, pad):
    return np.pad(x, ((pad, pad), (pad, pad), (pad, pad), (0, 0)))


@bug("only the height padded", hint="the width is not padded")
def zero_pad(x, pad):
    return np.pad(x, ((0, 0), (pad, pad), (0, 0), (0, 0)))


@bug("x copied into the top-left corner: all the zeros on one side", hint="pad both sides")
def zero_pad(x, pad):
    N, H, W, C = x.shape
    out = np.zeros((N, H + 2 * pad, W + 2 * pad, C), dtype=x.dtype)
    out[:, :H, :W, :] = x
    return out


@bug("edge mode repeats the border instead of zeros", hint="pad with zeros")
def zero_pad(x, pad):
    return np.pad(x, ((0, 0), (pad, pad), (pad, pad), (0, 0)), mode="edge")


@bug("padded with ones: np.pad's constant_values=1", hint="a wrong constant where zeros belong")
def zero_pad(x, pad):
    return np.pad(x, ((0, 0), (pad, pad), (pad, pad), (0, 0)), constant_values=1)


@bug("x[pad:-pad] is empty when pad is 0", hint="with pad 0, a slice x[pad:-pad] is empty")
def zero_pad(x, pad):
    N, H, W, C = x.shape
    out = np.zeros((N, H + 2 * pad, W + 2 * pad, C), dtype=x.dtype)
    out[:, pad:-pad, pad:-pad, :] = x
    return out


# conv_single_step -------------------------------------------------------------------------------

@correct("einsum over the window")
def conv_single_step(a_slice, w, b):
    return float(np.einsum("ijc,ijc->", a_slice, w) + b)


@correct("a dot product of the flattened arrays")
def conv_single_step(a_slice, w, b):
    return float(a_slice.ravel() @ w.ravel()) + float(b)


@correct("three nested loops")
def conv_single_step(a_slice, w, b):
    F1, F2, C = a_slice.shape
    z = 0.0
    for p in range(F1):
        for q in range(F2):
            for c in range(C):
                z += a_slice[p, q, c] * w[p, q, c]
    return z + b


@correct("np.tensordot over all three axes, returning a numpy scalar")
def conv_single_step(a_slice, w, b):
    return np.tensordot(a_slice, w, axes=3) + b


@bug("the bias forgotten", hint="add the bias b once")
def conv_single_step(a_slice, w, b):
    return float(np.sum(a_slice * w))


@bug("true convolution: the filter is flipped", hint="flipped")
def conv_single_step(a_slice, w, b):
    return float(np.sum(a_slice * w[::-1, ::-1]) + b)


@bug("the bias added to every product", hint="not to every product")
def conv_single_step(a_slice, w, b):
    return float(np.sum(a_slice * w + b))


@bug("the bias subtracted", hint="do not subtract")
def conv_single_step(a_slice, w, b):
    return float(np.sum(a_slice * w) - b)


@bug("np.mean instead of np.sum", hint="do not average")
def conv_single_step(a_slice, w, b):
    return float(np.mean(a_slice * w) + b)


@bug("summed over the rows and columns only: one number per channel",
     hint="sum over every axis, channels too")
def conv_single_step(a_slice, w, b):
    return np.sum(a_slice * w, axis=(0, 1)) + b


@bug("the filter's rows and columns swapped (w.transpose(1, 0, 2))", hint="axes are read in the wrong order")
def conv_single_step(a_slice, w, b):
    return float(np.sum(a_slice * w.transpose(1, 0, 2)) + b)


@bug("the sums multiplied instead of the products summed", hint="multiply elementwise, then sum")
def conv_single_step(a_slice, w, b):
    return float(np.sum(a_slice) * np.sum(w) + b)


# conv_forward_naive -----------------------------------------------------------------------------

@correct("loops over n, i, j, c calling the earlier functions (the model solution's plan)")
def conv_forward_naive(x, w, b, stride=1, pad=0):
    N, H, W, _ = x.shape
    F, _, _, C_out = w.shape
    H_out, W_out = output_size(H, F, stride, pad), output_size(W, F, stride, pad)
    xp = zero_pad(x, pad)
    out = np.zeros((N, H_out, W_out, C_out), dtype=np.result_type(x, w, b))
    for n in range(N):
        for i in range(H_out):
            for j in range(W_out):
                top, left = i * stride, j * stride
                window = xp[n, top:top + F, left:left + F, :]
                for c in range(C_out):
                    out[n, i, j, c] = conv_single_step(window, w[..., c], b[c])
    return out, (x, w, b, stride, pad)


@correct("loops with np.pad and the sum written out, float64 out")
def conv_forward_naive(x, w, b, stride=1, pad=0):
    N, H, W, C = x.shape
    F = w.shape[0]
    C_out = w.shape[3]
    xp = np.pad(x, ((0, 0), (pad, pad), (pad, pad), (0, 0)))
    H_out = (H + 2 * pad - F) // stride + 1
    W_out = (W + 2 * pad - F) // stride + 1
    out = np.zeros((N, H_out, W_out, C_out))
    for n in range(N):
        for c in range(C_out):
            for i in range(H_out):
                for j in range(W_out):
                    window = xp[n, i * stride:i * stride + F, j * stride:j * stride + F, :]
                    out[n, i, j, c] = np.sum(window * w[:, :, :, c]) + b[c]
    return out, (x, w, b, stride, pad)


@correct("every filter at once per position: tensordot of the window with w, extra cache entry")
def conv_forward_naive(x, w, b, stride=1, pad=0):
    N, H, W, _ = x.shape
    F = w.shape[0]
    H_out, W_out = output_size(H, F, stride, pad), output_size(W, F, stride, pad)
    xp = zero_pad(x, pad)
    out = np.empty((N, H_out, W_out, w.shape[3]), dtype=np.result_type(x, w, b))
    for i in range(H_out):
        for j in range(W_out):
            window = xp[:, i * stride:i * stride + F, j * stride:j * stride + F, :]
            out[:, i, j, :] = np.tensordot(window, w, axes=([1, 2, 3], [0, 1, 2])) + b
    return out, (x, w, b, stride, pad, xp)


@correct("sliding_window_view and einsum, no loop")
def conv_forward_naive(x, w, b, stride=1, pad=0):
    from numpy.lib.stride_tricks import sliding_window_view
    F = w.shape[0]
    xp = np.pad(x, ((0, 0), (pad, pad), (pad, pad), (0, 0)))
    windows = sliding_window_view(xp, (F, F), axis=(1, 2))[:, ::stride, ::stride]  # (N, Ho, Wo, C, F, F)
    out = np.einsum("nhwcpq,pqck->nhwk", windows, w) + b
    return out, (x, w, b, stride, pad)


@correct("the windows flattened as rows and one matrix product, in a list cache")
def conv_forward_naive(x, w, b, stride=1, pad=0):
    N, H, W, C = x.shape
    F, _, _, K = w.shape
    Ho, Wo = output_size(H, F, stride, pad), output_size(W, F, stride, pad)
    xp = zero_pad(x, pad)
    rows = np.array([xp[n, i * stride:i * stride + F, j * stride:j * stride + F, :].reshape(-1)
                     for n in range(N) for i in range(Ho) for j in range(Wo)])
    out = (rows @ w.reshape(-1, K) + b).reshape(N, Ho, Wo, K)
    return out, [x, w, b, stride, pad]


@bug("the output array made like x (np.zeros_like): an integer image's results are cut to integers",
     hint="the output array holds integers")
def conv_forward_naive(x, w, b, stride=1, pad=0):
    N, H, W, _ = x.shape
    F, _, _, C_out = w.shape
    H_out, W_out = output_size(H, F, stride, pad), output_size(W, F, stride, pad)
    xp = zero_pad(x, pad)
    out = np.zeros_like(x, shape=(N, H_out, W_out, C_out))
    for n in range(N):
        for i in range(H_out):
            for j in range(W_out):
                window = xp[n, i * stride:i * stride + F, j * stride:j * stride + F, :]
                for c in range(C_out):
                    out[n, i, j, c] = conv_single_step(window, w[:, :, :, c], b[c])
    return out, (x, w, b, stride, pad)


@bug("einsum with the filter's rows and columns swapped ('qpck' for 'pqck')",
     hint="axes are read in the wrong order")
def conv_forward_naive(x, w, b, stride=1, pad=0):
    from numpy.lib.stride_tricks import sliding_window_view
    F = w.shape[0]
    xp = np.pad(x, ((0, 0), (pad, pad), (pad, pad), (0, 0)))
    windows = sliding_window_view(xp, (F, F), axis=(1, 2))[:, ::stride, ::stride]
    out = np.einsum("nhwcpq,qpck->nhwk", windows, w) + b
    return out, (x, w, b, stride, pad)


@bug("the input padded with ones (np.pad's constant_values=1)", hint="the padding is not zeros")
def conv_forward_naive(x, w, b, stride=1, pad=0):
    N, H, W, _ = x.shape
    F, _, _, C_out = w.shape
    H_out, W_out = output_size(H, F, stride, pad), output_size(W, F, stride, pad)
    xp = np.pad(x, ((0, 0), (pad, pad), (pad, pad), (0, 0)), constant_values=1)
    out = np.zeros((N, H_out, W_out, C_out))
    for n in range(N):
        for i in range(H_out):
            for j in range(W_out):
                window = xp[n, i * stride:i * stride + F, j * stride:j * stride + F, :]
                for c in range(C_out):
                    out[n, i, j, c] = np.sum(window * w[:, :, :, c]) + b[c]
    return out, (x, w, b, stride, pad)


@bug("the bias forgotten", hint="the bias is missing")
def conv_forward_naive(x, w, b, stride=1, pad=0):
    N, H, W, _ = x.shape
    F, _, _, C_out = w.shape
    H_out, W_out = output_size(H, F, stride, pad), output_size(W, F, stride, pad)
    xp = zero_pad(x, pad)
    out = np.zeros((N, H_out, W_out, C_out))
    for n in range(N):
        for i in range(H_out):
            for j in range(W_out):
                window = xp[n, i * stride:i * stride + F, j * stride:j * stride + F, :]
                for c in range(C_out):
                    out[n, i, j, c] = np.sum(window * w[:, :, :, c])
    return out, (x, w, b, stride, pad)


@bug("the bias subtracted", hint="the bias is subtracted")
def conv_forward_naive(x, w, b, stride=1, pad=0):
    N, H, W, _ = x.shape
    F, _, _, C_out = w.shape
    H_out, W_out = output_size(H, F, stride, pad), output_size(W, F, stride, pad)
    xp = zero_pad(x, pad)
    out = np.zeros((N, H_out, W_out, C_out))
    for n in range(N):
        for i in range(H_out):
            for j in range(W_out):
                window = xp[n, i * stride:i * stride + F, j * stride:j * stride + F, :]
                for c in range(C_out):
                    out[n, i, j, c] = np.sum(window * w[:, :, :, c]) - b[c]
    return out, (x, w, b, stride, pad)


@bug("the bias added to every product of the window", hint="added to every product")
def conv_forward_naive(x, w, b, stride=1, pad=0):
    N, H, W, _ = x.shape
    F, _, _, C_out = w.shape
    H_out, W_out = output_size(H, F, stride, pad), output_size(W, F, stride, pad)
    xp = zero_pad(x, pad)
    out = np.zeros((N, H_out, W_out, C_out))
    for n in range(N):
        for i in range(H_out):
            for j in range(W_out):
                window = xp[n, i * stride:i * stride + F, j * stride:j * stride + F, :]
                for c in range(C_out):
                    out[n, i, j, c] = np.sum(window * w[:, :, :, c] + b[c])
    return out, (x, w, b, stride, pad)


@bug("true convolution: each filter flipped", hint="flipped")
def conv_forward_naive(x, w, b, stride=1, pad=0):
    N, H, W, _ = x.shape
    F, _, _, C_out = w.shape
    H_out, W_out = output_size(H, F, stride, pad), output_size(W, F, stride, pad)
    xp = zero_pad(x, pad)
    out = np.zeros((N, H_out, W_out, C_out))
    for n in range(N):
        for i in range(H_out):
            for j in range(W_out):
                window = xp[n, i * stride:i * stride + F, j * stride:j * stride + F, :]
                for c in range(C_out):
                    out[n, i, j, c] = conv_single_step(window, w[::-1, ::-1, :, c], b[c])
    return out, (x, w, b, stride, pad)


@bug("windows start at (i, j): the stride only shrinks the output", hint="do not move by the stride")
def conv_forward_naive(x, w, b, stride=1, pad=0):
    N, H, W, _ = x.shape
    F, _, _, C_out = w.shape
    H_out, W_out = output_size(H, F, stride, pad), output_size(W, F, stride, pad)
    xp = zero_pad(x, pad)
    out = np.zeros((N, H_out, W_out, C_out))
    for n in range(N):
        for i in range(H_out):
            for j in range(W_out):
                window = xp[n, i:i + F, j:j + F, :]
                for c in range(C_out):
                    out[n, i, j, c] = conv_single_step(window, w[:, :, :, c], b[c])
    return out, (x, w, b, stride, pad)


@bug("the stride forgotten everywhere, output size included", hint="the stride is ignored")
def conv_forward_naive(x, w, b, stride=1, pad=0):
    N, H, W, _ = x.shape
    F, _, _, C_out = w.shape
    xp = zero_pad(x, pad)
    H_out, W_out = H + 2 * pad - F + 1, W + 2 * pad - F + 1
    out = np.zeros((N, H_out, W_out, C_out))
    for n in range(N):
        for i in range(H_out):
            for j in range(W_out):
                window = xp[n, i:i + F, j:j + F, :]
                for c in range(C_out):
                    out[n, i, j, c] = conv_single_step(window, w[:, :, :, c], b[c])
    return out, (x, w, b, stride, pad)


@bug("padded by hand, all of it after the image", hint="one side only")
def conv_forward_naive(x, w, b, stride=1, pad=0):
    N, H, W, _ = x.shape
    F, _, _, C_out = w.shape
    H_out, W_out = output_size(H, F, stride, pad), output_size(W, F, stride, pad)
    xp = np.pad(x, ((0, 0), (0, 2 * pad), (0, 2 * pad), (0, 0)))
    out = np.zeros((N, H_out, W_out, C_out))
    for n in range(N):
        for i in range(H_out):
            for j in range(W_out):
                window = xp[n, i * stride:i * stride + F, j * stride:j * stride + F, :]
                for c in range(C_out):
                    out[n, i, j, c] = conv_single_step(window, w[:, :, :, c], b[c])
    return out, (x, w, b, stride, pad)


@bug("the padding forgotten, in the sizes too", hint="not padded")
def conv_forward_naive(x, w, b, stride=1, pad=0):
    N, H, W, _ = x.shape
    F, _, _, C_out = w.shape
    H_out, W_out = output_size(H, F, stride), output_size(W, F, stride)
    out = np.zeros((N, H_out, W_out, C_out))
    for n in range(N):
        for i in range(H_out):
            for j in range(W_out):
                window = x[n, i * stride:i * stride + F, j * stride:j * stride + F, :]
                for c in range(C_out):
                    out[n, i, j, c] = conv_single_step(window, w[:, :, :, c], b[c])
    return out, (x, w, b, stride, pad)


@bug("output size without the 1 +", hint="the last window is dropped")
def conv_forward_naive(x, w, b, stride=1, pad=0):
    N, H, W, _ = x.shape
    F, _, _, C_out = w.shape
    H_out, W_out = (H + 2 * pad - F) // stride, (W + 2 * pad - F) // stride
    xp = zero_pad(x, pad)
    out = np.zeros((N, H_out, W_out, C_out))
    for n in range(N):
        for i in range(H_out):
            for j in range(W_out):
                window = xp[n, i * stride:i * stride + F, j * stride:j * stride + F, :]
                for c in range(C_out):
                    out[n, i, j, c] = conv_single_step(window, w[:, :, :, c], b[c])
    return out, (x, w, b, stride, pad)


@bug("i and j swapped in the window's slice", hint="height and width are swapped")
def conv_forward_naive(x, w, b, stride=1, pad=0):
    N, H, W, _ = x.shape
    F, _, _, C_out = w.shape
    H_out, W_out = output_size(H, F, stride, pad), output_size(W, F, stride, pad)
    xp = zero_pad(x, pad)
    out = np.zeros((N, H_out, W_out, C_out))
    for n in range(N):
        for i in range(H_out):
            for j in range(W_out):
                window = xp[n, j * stride:j * stride + F, i * stride:i * stride + F, :]
                for c in range(C_out):
                    out[n, i, j, c] = conv_single_step(window, w[:, :, :, c], b[c])
    return out, (x, w, b, stride, pad)


@bug("W_out copied from H_out's line without changing H to W", hint="W_out comes from the width W")
def conv_forward_naive(x, w, b, stride=1, pad=0):
    N, H, W, _ = x.shape
    F, _, _, C_out = w.shape
    H_out = output_size(H, F, stride, pad)
    W_out = output_size(H, F, stride, pad)
    xp = zero_pad(x, pad)
    out = np.zeros((N, H_out, W_out, C_out))
    for n in range(N):
        for i in range(H_out):
            for j in range(W_out):
                window = xp[n, i * stride:i * stride + F, j * stride:j * stride + F, :]
                for c in range(C_out):
                    out[n, i, j, c] = conv_single_step(window, w[:, :, :, c], b[c])
    return out, (x, w, b, stride, pad)


@bug("vectorized over the batch, but np.sum adds up all the images",
     hint="each image has its own output")
def conv_forward_naive(x, w, b, stride=1, pad=0):
    N, H, W, _ = x.shape
    F, _, _, C_out = w.shape
    H_out, W_out = output_size(H, F, stride, pad), output_size(W, F, stride, pad)
    xp = zero_pad(x, pad)
    out = np.zeros((N, H_out, W_out, C_out))
    for i in range(H_out):
        for j in range(W_out):
            windows = xp[:, i * stride:i * stride + F, j * stride:j * stride + F, :]
            for c in range(C_out):
                out[:, i, j, c] = np.sum(windows * w[:, :, :, c]) + b[c]
    return out, (x, w, b, stride, pad)


@bug("vectorized over the filters, but the sum runs over the filter axis too",
     hint="each filter gives its own output channel")
def conv_forward_naive(x, w, b, stride=1, pad=0):
    N, H, W, _ = x.shape
    F, _, _, C_out = w.shape
    H_out, W_out = output_size(H, F, stride, pad), output_size(W, F, stride, pad)
    xp = zero_pad(x, pad)
    out = np.zeros((N, H_out, W_out, C_out))
    for n in range(N):
        for i in range(H_out):
            for j in range(W_out):
                window = xp[n, i * stride:i * stride + F, j * stride:j * stride + F, :]
                out[n, i, j, :] = np.sum(window[..., None] * w) + b
    return out, (x, w, b, stride, pad)


@bug("w.reshape(C_out, -1): the filters cut out of w in the wrong places",
     hint="the filters are mixed up")
def conv_forward_naive(x, w, b, stride=1, pad=0):
    N, H, W, _ = x.shape
    F, _, _, C_out = w.shape
    H_out, W_out = output_size(H, F, stride, pad), output_size(W, F, stride, pad)
    xp = zero_pad(x, pad)
    filters = w.reshape(C_out, -1)
    out = np.zeros((N, H_out, W_out, C_out))
    for n in range(N):
        for i in range(H_out):
            for j in range(W_out):
                window = xp[n, i * stride:i * stride + F, j * stride:j * stride + F, :]
                out[n, i, j, :] = filters @ window.reshape(-1) + b
    return out, (x, w, b, stride, pad)


# conv_param_count -------------------------------------------------------------------------------

@correct("weights plus biases")
def conv_param_count(f, c_in, c_out):
    weights = f * f * c_in * c_out
    biases = c_out
    return weights + biases


@correct("per filter: its weights and its bias, times the filters")
def conv_param_count(f, c_in, c_out):
    return (f * f * c_in + 1) * c_out


@correct("np.prod of w's shape, as a numpy integer")
def conv_param_count(f, c_in, c_out):
    return np.prod((f, f, c_in, c_out)) + c_out


@correct("f ** 2")
def conv_param_count(f, c_in, c_out):
    return f ** 2 * c_in * c_out + c_out


@bug("the biases forgotten", hint="each filter also has one bias")
def conv_param_count(f, c_in, c_out):
    return f * f * c_in * c_out


@bug("the input channels forgotten", hint="a filter spans all C_in input channels")
def conv_param_count(f, c_in, c_out):
    return f * f * c_out + c_out


@bug("a bias for every weight", hint="one bias per filter, not per weight")
def conv_param_count(f, c_in, c_out):
    weights = f * f * c_in * c_out
    return weights + weights


@bug("F instead of F * F", hint="a filter is F x F")
def conv_param_count(f, c_in, c_out):
    return f * c_in * c_out + c_out


@bug("one bias for the whole layer", hint="not one for the whole layer")
def conv_param_count(f, c_in, c_out):
    return f * f * c_in * c_out + 1


@bug("a bias per input channel", hint="not + C_in")
def conv_param_count(f, c_in, c_out):
    return f * f * c_in * c_out + c_in

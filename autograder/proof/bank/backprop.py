"""Answers for notebook backprop."""
import numpy as np

from ..answers import bug, correct


# numerical_gradient -------------------------------------------------------------------------------

@correct("np.nditer with multi_index, old value saved and put back")
def numerical_gradient(f, x, dout=None, h=1e-5):
    grad = np.zeros_like(x)
    if dout is None:
        dout = np.ones_like(f(x))
    it = np.nditer(x, flags=["multi_index"])
    while not it.finished:
        ix = it.multi_index
        old = x[ix]
        x[ix] = old + h
        fxph = np.sum(f(x) * dout)
        x[ix] = old - h
        fxmh = np.sum(f(x) * dout)
        x[ix] = old
        grad[ix] = (fxph - fxmh) / (2 * h)
        it.iternext()
    return grad


@correct("nudged copies: x itself is never touched")
def numerical_gradient(f, x, dout=None, h=1e-5):
    grad = np.zeros(x.shape)
    for i in np.ndindex(x.shape):
        x_plus, x_minus = x.copy(), x.copy()
        x_plus[i] += h
        x_minus[i] -= h
        diff = f(x_plus) - f(x_minus)
        if dout is not None:
            diff = diff * dout
        grad[i] = np.sum(diff) / (2 * h)
    return grad


@correct("flat view, try/finally, np.vdot for the weighting")
def numerical_gradient(f, x, dout=None, h=1e-5):
    def total(value):
        value = np.asarray(value, dtype=float)
        return value.sum() if dout is None else np.vdot(value, np.broadcast_to(dout, value.shape))

    grad = np.zeros_like(x)
    flat, flat_grad = x.reshape(-1), grad.reshape(-1)
    for k in range(flat.size):
        saved = flat[k]
        try:
            flat[k] = saved + h
            up = total(f(x))
            flat[k] = saved - h
            down = total(f(x))
        finally:
            flat[k] = saved
        flat_grad[k] = (up - down) / (2 * h)
    return grad


@bug("one-sided difference", hint="use centred differences")
def numerical_gradient(f, x, dout=None, h=1e-5):
    grad = np.zeros_like(x)
    if dout is None:
        dout = np.ones_like(x)
    fx = np.sum(f(x) * dout)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + h
        grad[i] = (np.sum(f(x) * dout) - fx) / h
        x[i] = old
    return grad


@bug("backward one-sided difference", hint="use centred differences")
def numerical_gradient(f, x, dout=None, h=1e-5):
    grad = np.zeros_like(x)
    weight = 1.0 if dout is None else dout
    for i in np.ndindex(x.shape):
        old = x[i]
        fx = np.sum(f(x) * weight)
        x[i] = old - h
        grad[i] = (fx - np.sum(f(x) * weight)) / h
        x[i] = old
    return grad


@bug("divides by h instead of 2h", hint="divide by 2 * h")
def numerical_gradient(f, x, dout=None, h=1e-5):
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        original = x[i]
        x[i] = original + h
        plus = f(x) if dout is None else f(x) * dout
        x[i] = original - h
        minus = f(x) if dout is None else f(x) * dout
        x[i] = original
        grad[i] = (np.sum(plus) - np.sum(minus)) / h
    return grad


@bug("operator precedence: / 2 * h", hint="write / (2 * h)")
def numerical_gradient(f, x, dout=None, h=1e-5):
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        original = x[i]
        x[i] = original + h
        plus = f(x) if dout is None else f(x) * dout
        x[i] = original - h
        minus = f(x) if dout is None else f(x) * dout
        x[i] = original
        grad[i] = (np.sum(plus) - np.sum(minus)) / 2 * h
    return grad


@bug("sign flipped: f(x - h) - f(x + h)", hint="the sign is flipped")
def numerical_gradient(f, x, dout=None, h=1e-5):
    grad = np.zeros_like(x)
    if dout is None:
        dout = 1.0
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old - h
        first = np.sum(f(x) * dout)
        x[i] = old + h
        second = np.sum(f(x) * dout)
        x[i] = old
        grad[i] = (first - second) / (2 * h)
    return grad


@bug("dout ignored", hint="weight f's output by dout")
def numerical_gradient(f, x, dout=None, h=1e-5):
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        original = x[i]
        x[i] = original + h
        plus = np.sum(f(x))
        x[i] = original - h
        minus = np.sum(f(x))
        x[i] = original
        grad[i] = (plus - minus) / (2 * h)
    return grad


@bug("gradient of sum(f) multiplied by dout at the end", hint="instead of multiplying the gradient by dout")
def numerical_gradient(f, x, dout=None, h=1e-5):
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        original = x[i]
        x[i] = original + h
        plus = np.sum(f(x))
        x[i] = original - h
        minus = np.sum(f(x))
        x[i] = original
        grad[i] = (plus - minus) / (2 * h)
    if dout is not None:
        grad = grad * dout
    return grad


@bug("every entry nudged at once, no loop", hint="nudge one entry at a time")
def numerical_gradient(f, x, dout=None, h=1e-5):
    grad = (f(x + h) - f(x - h)) / (2 * h)
    if dout is not None:
        grad = grad * dout
    return grad


@bug("x_plus = x aliases x: f sees the same array twice", hint="x_plus = x is not a copy")
def numerical_gradient(f, x, dout=None, h=1e-5):
    grad = np.zeros_like(x)
    if dout is None:
        dout = np.ones_like(x)
    for i in np.ndindex(x.shape):
        x_plus = x
        x_plus[i] += h
        x_minus = x
        x_minus[i] -= h
        grad[i] = (np.sum(f(x_plus) * dout) - np.sum(f(x_minus) * dout)) / (2 * h)
    return grad


@bug("x not restored", hint="put back x[i]")
def numerical_gradient(f, x, dout=None, h=1e-5):
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + h
        plus = f(x) if dout is None else f(x) * dout
        x[i] = old - h
        minus = f(x) if dout is None else f(x) * dout
        grad[i] = (np.sum(plus) - np.sum(minus)) / (2 * h)
    return grad


@bug("x restored by arithmetic (+h, -2h, +h): rounding changes it", hint="put back x[i]")
def numerical_gradient(f, x, dout=None, h=1e-5):
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        x[i] += h
        plus = np.sum(f(x) * (1 if dout is None else dout))
        x[i] -= 2 * h
        minus = np.sum(f(x) * (1 if dout is None else dout))
        x[i] += h
        grad[i] = (plus - minus) / (2 * h)
    return grad


# relu_backward ------------------------------------------------------------------------------------

@correct("np.where")
def relu_backward(dout, cache):
    x = cache[0]
    dx = np.where(x > 0, dout, 0)
    return dx


@correct("a copy of dout with the blocked entries zeroed")
def relu_backward(dout, cache):
    x = cache[0]
    dx = dout.copy()
    dx[x <= 0] = 0
    return dx


@correct("np.heaviside(x, 0) as the local gradient")
def relu_backward(dout, cache):
    x = cache[0]
    dx = dout * np.heaviside(x, 0)
    return dx


@correct("a float64 mask")
def relu_backward(dout, cache):
    x = cache[0]
    dx = dout * (x > 0).astype(np.float64)
    return dx


@bug("x >= 0 lets the gradient through at 0", hint="not x >= 0")
def relu_backward(dout, cache):
    x = cache[0]
    dx = dout * (x >= 0)
    return dx


@bug("heaviside with 1 at zero", hint="not x >= 0")
def relu_backward(dout, cache):
    x = cache[0]
    dx = dout * np.heaviside(x, 1)
    return dx


@bug("mask from dout: np.maximum(dout, 0)", hint="not from dout")
def relu_backward(dout, cache):
    x = cache[0]
    dx = np.maximum(dout, 0)
    return dx


@bug("multiplied by x", hint="not by x itself")
def relu_backward(dout, cache):
    x = cache[0]
    dx = dout * x
    return dx


@bug("multiplied by relu(x)", hint="not by relu(x)")
def relu_backward(dout, cache):
    x = cache[0]
    dx = dout * relu_forward(x)[0]
    return dx


@bug("the mask alone, dout forgotten", hint="multiply it by dout")
def relu_backward(dout, cache):
    x = cache[0]
    dx = np.where(x > 0, 1.0, 0.0)
    return dx


@bug("mask reversed", hint="the mask is reversed")
def relu_backward(dout, cache):
    x = cache[0]
    dx = np.where(x < 0, dout, 0)
    return dx


@bug("dout zeroed in place", hint="instead of zeroing entries of dout in place")
def relu_backward(dout, cache):
    x = cache[0]
    dout[x <= 0] = 0
    dx = dout
    return dx


# conv_backward_naive -------------------------------------------------------------------------------

@correct("loops over positions, every filter at once with tensordot")
def conv_backward_naive(dout, cache):
    x, w, b, stride, pad = cache
    N, H_out, W_out, C_out = dout.shape
    _, H, W, _ = x.shape
    F = w.shape[0]
    xp = np.pad(x, ((0, 0), (pad, pad), (pad, pad), (0, 0)))
    dxp, dw = np.zeros_like(xp), np.zeros_like(w)
    for n in range(N):
        for i in range(H_out):
            for j in range(W_out):
                r, s = i * stride, j * stride
                g = dout[n, i, j]                                     # (C_out,)
                dxp[n, r:r + F, s:s + F, :] += np.tensordot(w, g, axes=([3], [0]))
                dw += xp[n, r:r + F, s:s + F, :, None] * g
    db = dout.sum(axis=(0, 1, 2))
    dx = dxp[:, pad:pad + H, pad:pad + W, :]
    return dx, dw, db


@bug("dw reset for every image (dw = ... inside the loop over n): only the last image's share is left",
     hint="dw holds part of the batch only")
def conv_backward_naive(dout, cache):
    x, w, b, stride, pad = cache
    N, H_out, W_out, C_out = dout.shape
    _, H, W, _ = x.shape
    F = w.shape[0]
    xp = np.pad(x, ((0, 0), (pad, pad), (pad, pad), (0, 0)))
    dxp = np.zeros_like(xp)
    for n in range(N):
        dw = np.zeros_like(w)
        for i in range(H_out):
            for j in range(W_out):
                r, s = i * stride, j * stride
                g = dout[n, i, j]
                dxp[n, r:r + F, s:s + F, :] += np.tensordot(w, g, axes=([3], [0]))
                dw += xp[n, r:r + F, s:s + F, :, None] * g
    db = dout.sum(axis=(0, 1, 2))
    dx = dxp[:, pad:pad + H, pad:pad + W, :]
    return dx, dw, db


@correct("loops over filter offsets, einsum over the batch")
def conv_backward_naive(dout, cache):
    x, w, b, stride, pad = cache
    N, H_out, W_out, C_out = dout.shape
    _, H, W, _ = x.shape
    F = w.shape[0]
    xp = zero_pad(x, pad)
    dxp = np.zeros(xp.shape)
    dw = np.zeros(w.shape)
    for p in range(F):
        for q in range(F):
            rows = slice(p, p + stride * (H_out - 1) + 1, stride)
            cols = slice(q, q + stride * (W_out - 1) + 1, stride)
            dw[p, q] = np.einsum("nijk,nijc->kc", xp[:, rows, cols, :], dout)
            dxp[:, rows, cols, :] += np.einsum("nijc,kc->nijk", dout, w[p, q])
    db = np.einsum("nijc->c", dout)
    dx = dxp[:, pad:pad + H, pad:pad + W, :]
    return dx, dw, db


@correct("the model loops, dx cropped with x's shape, float32 kept")
def conv_backward_naive(dout, cache):
    x, w, b, stride, pad = cache
    N, H_out, W_out, C_out = dout.shape
    F = w.shape[0]
    xp = zero_pad(x, pad)
    dxp = np.zeros_like(xp)
    dw = np.zeros_like(w)
    db = np.zeros_like(b)
    for n in range(N):
        for c in range(C_out):
            for i in range(H_out):
                for j in range(W_out):
                    top, left = i * stride, j * stride
                    window = xp[n, top:top + F, left:left + F, :]
                    dxp[n, top:top + F, left:left + F, :] += w[..., c] * dout[n, i, j, c]
                    dw[..., c] += window * dout[n, i, j, c]
                    db[c] += dout[n, i, j, c]
    dx = dxp[:, pad:pad + x.shape[1], pad:pad + x.shape[2], :]
    return dx, dw, db


@bug("dx_pad[:, pad:-pad] is empty when pad is 0", hint="dx_pad[:, pad:-pad] is empty")
def conv_backward_naive(dout, cache):
    x, w, b, stride, pad = cache
    N, H_out, W_out, C_out = dout.shape
    F = w.shape[0]
    xp = zero_pad(x, pad)
    dxp, dw, db = np.zeros_like(xp), np.zeros_like(w), np.zeros_like(b)
    for n in range(N):
        for i in range(H_out):
            for j in range(W_out):
                rows = slice(i * stride, i * stride + F)
                cols = slice(j * stride, j * stride + F)
                for c in range(C_out):
                    dxp[n, rows, cols, :] += w[:, :, :, c] * dout[n, i, j, c]
                    dw[:, :, :, c] += xp[n, rows, cols, :] * dout[n, i, j, c]
                    db[c] += dout[n, i, j, c]
    dx = dxp[:, pad:-pad, pad:-pad, :]
    return dx, dw, db


@bug("padding not removed from dx", hint="dx still has the padding")
def conv_backward_naive(dout, cache):
    x, w, b, stride, pad = cache
    N, H_out, W_out, C_out = dout.shape
    F = w.shape[0]
    xp = zero_pad(x, pad)
    dx, dw, db = np.zeros_like(xp), np.zeros_like(w), np.zeros_like(b)
    for n in range(N):
        for i in range(H_out):
            for j in range(W_out):
                rows = slice(i * stride, i * stride + F)
                cols = slice(j * stride, j * stride + F)
                for c in range(C_out):
                    dx[n, rows, cols, :] += w[:, :, :, c] * dout[n, i, j, c]
                    dw[:, :, :, c] += xp[n, rows, cols, :] * dout[n, i, j, c]
                    db[c] += dout[n, i, j, c]
    return dx, dw, db


@bug("dx_pad written with = : overlapping windows overwrite", hint="dx_pad[...] += ..., not =")
def conv_backward_naive(dout, cache):
    x, w, b, stride, pad = cache
    N, H_out, W_out, C_out = dout.shape
    _, H, W, _ = x.shape
    F = w.shape[0]
    xp = zero_pad(x, pad)
    dxp, dw, db = np.zeros_like(xp), np.zeros_like(w), np.zeros_like(b)
    for n in range(N):
        for i in range(H_out):
            for j in range(W_out):
                rows = slice(i * stride, i * stride + F)
                cols = slice(j * stride, j * stride + F)
                for c in range(C_out):
                    dxp[n, rows, cols, :] = w[:, :, :, c] * dout[n, i, j, c]
                    dw[:, :, :, c] += xp[n, rows, cols, :] * dout[n, i, j, c]
                    db[c] += dout[n, i, j, c]
    dx = dxp[:, pad:pad + H, pad:pad + W, :]
    return dx, dw, db


@bug("dw written with =", hint="use +=, not =")
def conv_backward_naive(dout, cache):
    x, w, b, stride, pad = cache
    N, H_out, W_out, C_out = dout.shape
    _, H, W, _ = x.shape
    F = w.shape[0]
    xp = zero_pad(x, pad)
    dxp, dw, db = np.zeros_like(xp), np.zeros_like(w), np.zeros_like(b)
    for n in range(N):
        for i in range(H_out):
            for j in range(W_out):
                rows = slice(i * stride, i * stride + F)
                cols = slice(j * stride, j * stride + F)
                for c in range(C_out):
                    dxp[n, rows, cols, :] += w[:, :, :, c] * dout[n, i, j, c]
                    dw[:, :, :, c] = xp[n, rows, cols, :] * dout[n, i, j, c]
                    db[c] += dout[n, i, j, c]
    dx = dxp[:, pad:pad + H, pad:pad + W, :]
    return dx, dw, db


@bug("db written with =", hint="db[c] adds up dout[n, i, j, c]")
def conv_backward_naive(dout, cache):
    x, w, b, stride, pad = cache
    N, H_out, W_out, C_out = dout.shape
    _, H, W, _ = x.shape
    F = w.shape[0]
    xp = zero_pad(x, pad)
    dxp, dw, db = np.zeros_like(xp), np.zeros_like(w), np.zeros_like(b)
    for n in range(N):
        for i in range(H_out):
            for j in range(W_out):
                rows = slice(i * stride, i * stride + F)
                cols = slice(j * stride, j * stride + F)
                for c in range(C_out):
                    dxp[n, rows, cols, :] += w[:, :, :, c] * dout[n, i, j, c]
                    dw[:, :, :, c] += xp[n, rows, cols, :] * dout[n, i, j, c]
                    db[c] = dout[n, i, j, c]
    dx = dxp[:, pad:pad + H, pad:pad + W, :]
    return dx, dw, db


@bug("dw reset for every example (dw = ... inside the batch loop)", hint="every example in the batch")
def conv_backward_naive(dout, cache):
    x, w, b, stride, pad = cache
    N, H_out, W_out, C_out = dout.shape
    _, H, W, _ = x.shape
    F = w.shape[0]
    xp = zero_pad(x, pad)
    dxp, db = np.zeros_like(xp), np.zeros_like(b)
    for n in range(N):
        dw = np.zeros_like(w)
        for i in range(H_out):
            for j in range(W_out):
                rows = slice(i * stride, i * stride + F)
                cols = slice(j * stride, j * stride + F)
                for c in range(C_out):
                    dxp[n, rows, cols, :] += w[:, :, :, c] * dout[n, i, j, c]
                    dw[:, :, :, c] += xp[n, rows, cols, :] * dout[n, i, j, c]
                    db[c] += dout[n, i, j, c]
    dx = dxp[:, pad:pad + H, pad:pad + W, :]
    return dx, dw, db


@bug("dw and db averaged over the batch", hint="not averaged over the batch")
def conv_backward_naive(dout, cache):
    x, w, b, stride, pad = cache
    N, H_out, W_out, C_out = dout.shape
    _, H, W, _ = x.shape
    F = w.shape[0]
    xp = zero_pad(x, pad)
    dxp, dw, db = np.zeros_like(xp), np.zeros_like(w), np.zeros_like(b)
    for n in range(N):
        for i in range(H_out):
            for j in range(W_out):
                rows = slice(i * stride, i * stride + F)
                cols = slice(j * stride, j * stride + F)
                for c in range(C_out):
                    dxp[n, rows, cols, :] += w[:, :, :, c] * dout[n, i, j, c]
                    dw[:, :, :, c] += xp[n, rows, cols, :] * dout[n, i, j, c]
    db = np.sum(dout, axis=(0, 1, 2))
    dx = dxp[:, pad:pad + H, pad:pad + W, :]
    return dx, dw / N, db


@bug("db summed over positions only: shape (N, C_out)", hint="dout.sum(axis=(0, 1, 2))")
def conv_backward_naive(dout, cache):
    x, w, b, stride, pad = cache
    N, H_out, W_out, C_out = dout.shape
    _, H, W, _ = x.shape
    F = w.shape[0]
    xp = zero_pad(x, pad)
    dxp, dw = np.zeros_like(xp), np.zeros_like(w)
    for n in range(N):
        for i in range(H_out):
            for j in range(W_out):
                rows = slice(i * stride, i * stride + F)
                cols = slice(j * stride, j * stride + F)
                for c in range(C_out):
                    dxp[n, rows, cols, :] += w[:, :, :, c] * dout[n, i, j, c]
                    dw[:, :, :, c] += xp[n, rows, cols, :] * dout[n, i, j, c]
    db = dout.sum(axis=(1, 2))
    dx = dxp[:, pad:pad + H, pad:pad + W, :]
    return dx, dw, db


@bug("db is a mean", hint="not a mean")
def conv_backward_naive(dout, cache):
    x, w, b, stride, pad = cache
    N, H_out, W_out, C_out = dout.shape
    _, H, W, _ = x.shape
    F = w.shape[0]
    xp = zero_pad(x, pad)
    dxp, dw = np.zeros_like(xp), np.zeros_like(w)
    for n in range(N):
        for i in range(H_out):
            for j in range(W_out):
                rows = slice(i * stride, i * stride + F)
                cols = slice(j * stride, j * stride + F)
                for c in range(C_out):
                    dxp[n, rows, cols, :] += w[:, :, :, c] * dout[n, i, j, c]
                    dw[:, :, :, c] += xp[n, rows, cols, :] * dout[n, i, j, c]
    db = dout.mean(axis=(0, 1, 2))
    dx = dxp[:, pad:pad + H, pad:pad + W, :]
    return dx, dw, db


@bug("dx with the flipped filter (true convolution)", hint="the flip appears only when")
def conv_backward_naive(dout, cache):
    x, w, b, stride, pad = cache
    N, H_out, W_out, C_out = dout.shape
    _, H, W, _ = x.shape
    F = w.shape[0]
    xp = zero_pad(x, pad)
    w_flipped = w[::-1, ::-1]
    dxp, dw, db = np.zeros_like(xp), np.zeros_like(w), np.zeros_like(b)
    for n in range(N):
        for i in range(H_out):
            for j in range(W_out):
                rows = slice(i * stride, i * stride + F)
                cols = slice(j * stride, j * stride + F)
                for c in range(C_out):
                    dxp[n, rows, cols, :] += w_flipped[:, :, :, c] * dout[n, i, j, c]
                    dw[:, :, :, c] += xp[n, rows, cols, :] * dout[n, i, j, c]
                    db[c] += dout[n, i, j, c]
    dx = dxp[:, pad:pad + H, pad:pad + W, :]
    return dx, dw, db


@bug("stride ignored in the backward windows", hint="starts at (i*stride, j*stride)")
def conv_backward_naive(dout, cache):
    x, w, b, stride, pad = cache
    N, H_out, W_out, C_out = dout.shape
    _, H, W, _ = x.shape
    F = w.shape[0]
    xp = zero_pad(x, pad)
    dxp, dw, db = np.zeros_like(xp), np.zeros_like(w), np.zeros_like(b)
    for n in range(N):
        for i in range(H_out):
            for j in range(W_out):
                for c in range(C_out):
                    dxp[n, i:i + F, j:j + F, :] += w[:, :, :, c] * dout[n, i, j, c]
                    dw[:, :, :, c] += xp[n, i:i + F, j:j + F, :] * dout[n, i, j, c]
                    db[c] += dout[n, i, j, c]
    dx = dxp[:, pad:pad + H, pad:pad + W, :]
    return dx, dw, db


@bug("dx and dw swapped: dx gets the window, dw the filter", hint="dx and dw are swapped")
def conv_backward_naive(dout, cache):
    x, w, b, stride, pad = cache
    N, H_out, W_out, C_out = dout.shape
    _, H, W, _ = x.shape
    F = w.shape[0]
    xp = zero_pad(x, pad)
    dxp, dw, db = np.zeros_like(xp), np.zeros_like(w), np.zeros_like(b)
    for n in range(N):
        for i in range(H_out):
            for j in range(W_out):
                rows = slice(i * stride, i * stride + F)
                cols = slice(j * stride, j * stride + F)
                for c in range(C_out):
                    dxp[n, rows, cols, :] += xp[n, rows, cols, :] * dout[n, i, j, c]
                    dw[:, :, :, c] += w[:, :, :, c] * dout[n, i, j, c]
                    db[c] += dout[n, i, j, c]
    dx = dxp[:, pad:pad + H, pad:pad + W, :]
    return dx, dw, db


@bug("filter loop over the input channels", hint="loop over the C_out filters")
def conv_backward_naive(dout, cache):
    x, w, b, stride, pad = cache
    N, H, W, C = x.shape
    H_out, W_out = dout.shape[1:3]
    F = w.shape[0]
    xp = zero_pad(x, pad)
    dxp, dw, db = np.zeros_like(xp), np.zeros_like(w), np.zeros_like(b)
    for n in range(N):
        for i in range(H_out):
            for j in range(W_out):
                rows = slice(i * stride, i * stride + F)
                cols = slice(j * stride, j * stride + F)
                for c in range(C):
                    dxp[n, rows, cols, :] += w[:, :, :, c] * dout[n, i, j, c]
                    dw[:, :, :, c] += xp[n, rows, cols, :] * dout[n, i, j, c]
                    db[c] += dout[n, i, j, c]
    dx = dxp[:, pad:pad + H, pad:pad + W, :]
    return dx, dw, db


# max_mask ------------------------------------------------------------------------------------------

@correct("a flat mask at np.argmax, reshaped")
def max_mask(window):
    mask = np.zeros(window.size, dtype=bool)
    mask[np.argmax(window)] = True
    return mask.reshape(window.shape)


@correct("a scan with a strict > keeps the first maximum")
def max_mask(window):
    best = (0, 0)
    for r in range(window.shape[0]):
        for q in range(window.shape[1]):
            if window[r, q] > window[best]:
                best = (r, q)
    mask = np.zeros(window.shape, dtype=bool)
    mask[best] = True
    return mask


@correct("all maxima, then only the first by a running count")
def max_mask(window):
    is_max = window == np.max(window)
    return is_max & (np.cumsum(is_max).reshape(window.shape) == 1)


@correct("0/1 floats from a row of the identity")
def max_mask(window):
    return np.eye(window.size)[np.argmax(window)].reshape(window.shape)


@bug("every tied maximum marked", hint="not all of them")
def max_mask(window):
    return window == np.max(window)


@bug("the last maximum, found with >= in a scan", hint="not the last")
def max_mask(window):
    best = (0, 0)
    for r in range(window.shape[0]):
        for q in range(window.shape[1]):
            if window[r, q] >= window[best]:
                best = (r, q)
    mask = np.zeros(window.shape, dtype=bool)
    mask[best] = True
    return mask


@bug("argmax over axis 0: one True per column", hint="np.argmax(window, axis=...)")
def max_mask(window):
    mask = np.zeros(window.shape, dtype=bool)
    rows = np.argmax(window, axis=0)
    for q, r in enumerate(rows):
        mask[r, q] = True
    return mask


@bug("the first maximum column by column (the transpose's argmax)", hint="row-major order")
def max_mask(window):
    mask = np.zeros(window.shape, dtype=bool)
    mask.T[np.unravel_index(np.argmax(window.T), window.T.shape)] = True
    return mask


@bug("the window's value kept at the switch", hint="not the window's value")
def max_mask(window):
    mask = np.zeros_like(window)
    r, q = np.unravel_index(np.argmax(window), window.shape)
    mask[r, q] = window[r, q]
    return mask


# distribute_average ---------------------------------------------------------------------------------

@correct("np.ones times the share")
def distribute_average(dvalue, shape):
    h, w = shape
    return np.ones((h, w)) * (dvalue / (h * w))


@correct("np.full with np.prod of the shape")
def distribute_average(dvalue, shape):
    return np.full(shape, dvalue / np.prod(shape))


@correct("loops filling an empty array, float32 kept")
def distribute_average(dvalue, shape):
    out = np.empty(shape, dtype=np.result_type(dvalue, np.float32))
    count = shape[0] * shape[1]
    for r in range(shape[0]):
        for q in range(shape[1]):
            out[r, q] = dvalue / count
    return out


@bug("divided by the side", hint="not by its side")
def distribute_average(dvalue, shape):
    return np.full(shape, dvalue / shape[0])


@bug("divided by the side squared: wrong for non-square windows", hint="h ** 2 holds for square windows only")
def distribute_average(dvalue, shape):
    side = shape[0]
    return np.full(shape, dvalue / (side * side))


@bug("not divided at all", hint="share dvalue out")
def distribute_average(dvalue, shape):
    return np.full(shape, dvalue)


@bug("floor division", hint="use /, not //")
def distribute_average(dvalue, shape):
    return np.full(shape, dvalue // (shape[0] * shape[1]))


@bug("h + w entries", hint="not h + w")
def distribute_average(dvalue, shape):
    return np.ones(shape) * dvalue / (shape[0] + shape[1])


# pool_backward_naive -------------------------------------------------------------------------------

@correct("argmax over every channel at once, window flattened (size*size, C)")
def pool_backward_naive(dout, cache):
    x, size, stride, mode = cache
    N, H_out, W_out, C = dout.shape
    dx = np.zeros_like(x)
    channels = np.arange(C)
    for n in range(N):
        for i in range(H_out):
            for j in range(W_out):
                r, s = i * stride, j * stride
                if mode == "max":
                    window = x[n, r:r + size, s:s + size, :].reshape(size * size, C)
                    k = np.argmax(window, axis=0)                # first maximum, per channel
                    dx[n, r + k // size, s + k % size, channels] += dout[n, i, j]
                else:
                    dx[n, r:r + size, s:s + size, :] += dout[n, i, j] / size ** 2
    return dx


@correct("sliding_window_view and a first-maximum mask by cumsum")
def pool_backward_naive(dout, cache):
    from numpy.lib.stride_tricks import sliding_window_view
    x, size, stride, mode = cache
    N, H_out, W_out, C = dout.shape
    windows = sliding_window_view(x, (size, size), axis=(1, 2))[:, ::stride, ::stride][:, :H_out, :W_out]
    dx = np.zeros(x.shape)
    for i in range(H_out):
        for j in range(W_out):
            window = windows[:, i, j]                              # (N, C, size, size)
            if mode == "max":
                flat = window.reshape(N, C, -1)
                is_max = flat == flat.max(axis=2, keepdims=True)
                first = is_max & (np.cumsum(is_max, axis=2) == 1)
                share = first.reshape(window.shape) * dout[:, i, j, :, None, None]
            else:
                share = np.broadcast_to(dout[:, i, j, :, None, None] / (size * size), window.shape)
            dx[:, i * stride:i * stride + size, j * stride:j * stride + size, :] += share.transpose(0, 2, 3, 1)
    return dx


@correct("the model loops with a mask built from np.argmax")
def pool_backward_naive(dout, cache):
    x, size, stride, mode = cache
    N, H_out, W_out, C = dout.shape
    dx = np.zeros_like(x)
    for n in range(N):
        for c in range(C):
            for i in range(H_out):
                for j in range(W_out):
                    rows = slice(i * stride, i * stride + size)
                    cols = slice(j * stride, j * stride + size)
                    window = x[n, rows, cols, c]
                    if mode == "max":
                        mask = np.zeros_like(window)
                        mask.flat[np.argmax(window)] = 1
                        dx[n, rows, cols, c] += mask * dout[n, i, j, c]
                    elif mode == "avg":
                        dx[n, rows, cols, c] += np.full(window.shape, dout[n, i, j, c] / window.size)
    return dx


@correct("the helpers, channels in the outer loop, windows as views")
def pool_backward_naive(dout, cache):
    x, size, stride, mode = cache
    N, H_out, W_out, C = dout.shape
    dx = np.zeros_like(x)
    for c in range(C):
        for n in range(N):
            for i in range(H_out):
                for j in range(W_out):
                    rows = slice(i * stride, i * stride + size)
                    cols = slice(j * stride, j * stride + size)
                    view = dx[n, rows, cols, c]
                    if mode == "max":
                        view += max_mask(x[n, rows, cols, c]) * dout[n, i, j, c]
                    else:
                        view += distribute_average(dout[n, i, j, c], view.shape)
    return dx


@bug("every tied maximum receives the gradient", hint="not all of them")
def pool_backward_naive(dout, cache):
    x, size, stride, mode = cache
    N, H_out, W_out, C = dout.shape
    dx = np.zeros_like(x)
    for n in range(N):
        for i in range(H_out):
            for j in range(W_out):
                for c in range(C):
                    rows = slice(i * stride, i * stride + size)
                    cols = slice(j * stride, j * stride + size)
                    window = x[n, rows, cols, c]
                    if mode == "max":
                        dx[n, rows, cols, c] += (window == np.max(window)) * dout[n, i, j, c]
                    else:
                        dx[n, rows, cols, c] += dout[n, i, j, c] / (size * size)
    return dx


@bug("ties share the gradient equally", hint="it is not shared among them")
def pool_backward_naive(dout, cache):
    x, size, stride, mode = cache
    N, H_out, W_out, C = dout.shape
    dx = np.zeros_like(x)
    for n in range(N):
        for i in range(H_out):
            for j in range(W_out):
                for c in range(C):
                    rows = slice(i * stride, i * stride + size)
                    cols = slice(j * stride, j * stride + size)
                    window = x[n, rows, cols, c]
                    if mode == "max":
                        mask = window == window.max()
                        dx[n, rows, cols, c] += mask / mask.sum() * dout[n, i, j, c]
                    else:
                        dx[n, rows, cols, c] += dout[n, i, j, c] / (size * size)
    return dx


@bug("the last tied maximum found with >= in a scan", hint="not the last")
def pool_backward_naive(dout, cache):
    x, size, stride, mode = cache
    N, H_out, W_out, C = dout.shape
    dx = np.zeros_like(x)
    for n in range(N):
        for i in range(H_out):
            for j in range(W_out):
                for c in range(C):
                    top, left = i * stride, j * stride
                    if mode == "max":
                        best, where = -np.inf, None
                        for r in range(size):
                            for q in range(size):
                                if x[n, top + r, left + q, c] >= best:
                                    best, where = x[n, top + r, left + q, c], (top + r, left + q)
                        dx[n, where[0], where[1], c] += dout[n, i, j, c]
                    else:
                        dx[n, top:top + size, left:left + size, c] += dout[n, i, j, c] / (size * size)
    return dx


@bug("the switch assigned with =", hint="dx[...] += ..., not =")
def pool_backward_naive(dout, cache):
    x, size, stride, mode = cache
    N, H_out, W_out, C = dout.shape
    dx = np.zeros_like(x)
    for n in range(N):
        for i in range(H_out):
            for j in range(W_out):
                for c in range(C):
                    top, left = i * stride, j * stride
                    if mode == "max":
                        window = x[n, top:top + size, left:left + size, c]
                        r, q = np.unravel_index(np.argmax(window), window.shape)
                        dx[n, top + r, left + q, c] = dout[n, i, j, c]
                    else:
                        dx[n, top:top + size, left:left + size, c] += dout[n, i, j, c] / (size * size)
    return dx


@bug("mask * dout assigned to the whole window", hint="also wipes what earlier windows put there")
def pool_backward_naive(dout, cache):
    x, size, stride, mode = cache
    N, H_out, W_out, C = dout.shape
    dx = np.zeros_like(x)
    for n in range(N):
        for i in range(H_out):
            for j in range(W_out):
                for c in range(C):
                    rows = slice(i * stride, i * stride + size)
                    cols = slice(j * stride, j * stride + size)
                    window = x[n, rows, cols, c]
                    if mode == "max":
                        mask = np.zeros(window.shape)
                        mask[np.unravel_index(np.argmax(window), window.shape)] = 1
                        dx[n, rows, cols, c] = mask * dout[n, i, j, c]
                    else:
                        dx[n, rows, cols, c] += dout[n, i, j, c] / (size * size)
    return dx


@bug("average gradient assigned with =", hint="dx[...] += ..., not =")
def pool_backward_naive(dout, cache):
    x, size, stride, mode = cache
    N, H_out, W_out, C = dout.shape
    dx = np.zeros_like(x)
    for n in range(N):
        for i in range(H_out):
            for j in range(W_out):
                for c in range(C):
                    top, left = i * stride, j * stride
                    if mode == "max":
                        window = x[n, top:top + size, left:left + size, c]
                        r, q = np.unravel_index(np.argmax(window), window.shape)
                        dx[n, top + r, left + q, c] += dout[n, i, j, c]
                    else:
                        dx[n, top:top + size, left:left + size, c] = dout[n, i, j, c] / (size * size)
    return dx


@bug("switch written without the window's corner", hint="the switch (r, q) is relative to the window")
def pool_backward_naive(dout, cache):
    x, size, stride, mode = cache
    N, H_out, W_out, C = dout.shape
    dx = np.zeros_like(x)
    for n in range(N):
        for i in range(H_out):
            for j in range(W_out):
                for c in range(C):
                    top, left = i * stride, j * stride
                    if mode == "max":
                        window = x[n, top:top + size, left:left + size, c]
                        r, q = np.unravel_index(np.argmax(window), window.shape)
                        dx[n, r, q, c] += dout[n, i, j, c]
                    else:
                        dx[n, top:top + size, left:left + size, c] += dout[n, i, j, c] / (size * size)
    return dx


@bug("stride ignored: window (i, j) at (i, j)", hint="starts at (i*stride, j*stride)")
def pool_backward_naive(dout, cache):
    x, size, stride, mode = cache
    N, H_out, W_out, C = dout.shape
    dx = np.zeros_like(x)
    for n in range(N):
        for i in range(H_out):
            for j in range(W_out):
                for c in range(C):
                    window = x[n, i:i + size, j:j + size, c]
                    if mode == "max":
                        r, q = np.unravel_index(np.argmax(window), window.shape)
                        dx[n, i + r, j + q, c] += dout[n, i, j, c]
                    else:
                        dx[n, i:i + size, j:j + size, c] += dout[n, i, j, c] / (size * size)
    return dx


@bug("windows moved by size, not stride", hint="the window moved by size instead of stride")
def pool_backward_naive(dout, cache):
    x, size, stride, mode = cache
    N, H_out, W_out, C = dout.shape
    dx = np.zeros_like(x)
    for n in range(N):
        for i in range(H_out):
            for j in range(W_out):
                for c in range(C):
                    top, left = i * size, j * size
                    window = x[n, top:top + size, left:left + size, c]
                    if mode == "max":
                        r, q = np.unravel_index(np.argmax(window), window.shape)
                        dx[n, top + r, left + q, c] += dout[n, i, j, c]
                    else:
                        dx[n, top:top + size, left:left + size, c] += dout[n, i, j, c] / (size * size)
    return dx


@bug("average gradient not divided", hint="divide by size * size")
def pool_backward_naive(dout, cache):
    x, size, stride, mode = cache
    N, H_out, W_out, C = dout.shape
    dx = np.zeros_like(x)
    for n in range(N):
        for i in range(H_out):
            for j in range(W_out):
                for c in range(C):
                    top, left = i * stride, j * stride
                    if mode == "max":
                        window = x[n, top:top + size, left:left + size, c]
                        r, q = np.unravel_index(np.argmax(window), window.shape)
                        dx[n, top + r, left + q, c] += dout[n, i, j, c]
                    else:
                        dx[n, top:top + size, left:left + size, c] += dout[n, i, j, c]
    return dx


@bug("average gradient divided by size", hint="not by size")
def pool_backward_naive(dout, cache):
    x, size, stride, mode = cache
    N, H_out, W_out, C = dout.shape
    dx = np.zeros_like(x)
    for n in range(N):
        for i in range(H_out):
            for j in range(W_out):
                for c in range(C):
                    top, left = i * stride, j * stride
                    if mode == "max":
                        window = x[n, top:top + size, left:left + size, c]
                        r, q = np.unravel_index(np.argmax(window), window.shape)
                        dx[n, top + r, left + q, c] += dout[n, i, j, c]
                    else:
                        dx[n, top:top + size, left:left + size, c] += dout[n, i, j, c] / size
    return dx


@bug("average gradient divided by stride squared", hint="not stride * stride")
def pool_backward_naive(dout, cache):
    x, size, stride, mode = cache
    N, H_out, W_out, C = dout.shape
    dx = np.zeros_like(x)
    for n in range(N):
        for i in range(H_out):
            for j in range(W_out):
                for c in range(C):
                    top, left = i * stride, j * stride
                    if mode == "max":
                        window = x[n, top:top + size, left:left + size, c]
                        r, q = np.unravel_index(np.argmax(window), window.shape)
                        dx[n, top + r, left + q, c] += dout[n, i, j, c]
                    else:
                        dx[n, top:top + size, left:left + size, c] += dout[n, i, j, c] / stride ** 2
    return dx


@bug("modes swapped", hint="only 'max' routes it to one position")
def pool_backward_naive(dout, cache):
    x, size, stride, mode = cache
    N, H_out, W_out, C = dout.shape
    dx = np.zeros_like(x)
    for n in range(N):
        for i in range(H_out):
            for j in range(W_out):
                for c in range(C):
                    top, left = i * stride, j * stride
                    if mode == "avg":
                        window = x[n, top:top + size, left:left + size, c]
                        r, q = np.unravel_index(np.argmax(window), window.shape)
                        dx[n, top + r, left + q, c] += dout[n, i, j, c]
                    else:
                        dx[n, top:top + size, left:left + size, c] += dout[n, i, j, c] / (size * size)
    return dx

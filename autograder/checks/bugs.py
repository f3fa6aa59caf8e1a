"""Families of known mistakes shared by several checks: a conv forward's and a conv backward's,
each Bug the output the mistake would give on the same arguments."""
import numpy as np

import solutions as S

from .model import Bug


def conv_forward_bugs(forward):
    """Known mistakes in a conv forward, each as the out it would give."""
    def out(*args):
        return forward(*args)[0]
    return [
        Bug("the bias is missing: add b[c] to every output of filter c",
            lambda x, w, b, s, p: out(x, w, np.zeros_like(b), s, p)),
        Bug("each output channel gets its own bias b[c]; here one bias went to all channels",
            lambda x, w, b, s, p: out(x, w, np.full_like(b, b[0]), s, p)),
        Bug("the filter is flipped (true convolution); the layer computes cross-correlation",
            lambda x, w, b, s, p: out(x, w[::-1, ::-1], b, s, p)),
        Bug("the stride is ignored: window (i, j) starts at (i*stride, j*stride)",
            lambda x, w, b, s, p: out(x, w, b, 1, p)),
        Bug("padding went on one side only: pad both sides of H and W",
            lambda x, w, b, s, p: out(np.pad(x, ((0, 0), (0, 2 * p), (0, 2 * p), (0, 0))), w, b, s, 0)),
        Bug("the input is not padded: apply zero_pad(x, pad) first",
            lambda x, w, b, s, p: out(x, w, b, s, 0)),
        Bug("the last window is dropped: the output size is 1 + (H + 2*pad - F) // stride",
            lambda x, w, b, s, p: out(x, w, b, s, p)[:, :-1, :-1]),
        Bug("the windows do not move by the stride: window (i, j) starts at (i*stride, j*stride), "
            "not (i, j)", lambda x, w, b, s, p: _cropped(out(x, w, b, 1, p), out(x, w, b, s, p))),
        Bug("height and width are swapped: window (i, j) is xp[n, i*stride : i*stride+F, "
            "j*stride : j*stride+F, :] and goes to out[n, i, j]",
            lambda x, w, b, s, p: out(x, w, b, s, p).transpose(0, 2, 1, 3)),
        Bug("W_out comes from the width W, H_out from the height H",
            lambda x, w, b, s, p: _square_by_axis(out(x, w, b, s, p), 1)),
        Bug("W_out comes from the width W, H_out from the height H",
            lambda x, w, b, s, p: _square_by_axis(out(x, w, b, s, p), 2)),
        Bug("the bias is subtracted: add b[c]", lambda x, w, b, s, p: out(x, w, -b, s, p)),
        Bug("the bias is added to every product of the window: add b[c] once, after the sum",
            lambda x, w, b, s, p: out(x, w, b * w[..., 0].size, s, p)),
        Bug("each image has its own output: sum over the window's rows, columns and channels, "
            "not over the batch", lambda x, w, b, s, p: _summed(out(x, w, 0 * b, s, p), 0) + b),
        Bug("each filter gives its own output channel: sum over the window's rows, columns and "
            "channels, not over the filters too",
            lambda x, w, b, s, p: _summed(out(x, w, 0 * b, s, p), 3) + b),
        Bug("the filters are mixed up: filter c is w[:, :, :, c], flattened as w.reshape(-1, C_out) "
            "(w.reshape(C_out, -1) cuts w in the wrong places)",
            lambda x, w, b, s, p: out(x, w.reshape(w.shape[3], *w.shape[:3]).transpose(1, 2, 3, 0), b, s, p)),
    ]


def _cropped(big, like):
    """The top-left corner of `big` with as many rows and columns as `like`."""
    return big[:, :like.shape[1], :like.shape[2]]


def _square_by_axis(out, axis):
    """out with H_out and W_out both taken from `axis` (1: H, 2: W), as far as out reaches:
    what a loop gives whose W_out was computed from H (or H_out from W)."""
    n = out.shape[axis]
    return out[:, :n, :n]


def _summed(out, axis):
    """out summed along `axis`, repeated along it: what summing over the batch or filters gives."""
    return np.broadcast_to(out.sum(axis=axis, keepdims=True), out.shape)


def wrong_grad(index, value_of):
    """A bug that gets one of (dx, dw, db) wrong: value_of(dout, cache, correct) gives it."""
    def buggy(dout, cache):
        grads = list(S.conv_backward(dout, cache[:5]))
        grads[index] = value_of(dout, cache, grads[index])
        return tuple(grads)
    return buggy


def _flipped_dx(dout, cache, dx):
    x, w, b, stride, pad = cache[:5]
    return S.conv_backward(dout, (x, w[::-1, ::-1], b, stride, pad))[0]


def conv_backward_bugs(flip, dw_mean, db_axes, db_mean):
    """Known mistakes in a conv backward, each as the (dx, dw, db) it would give, named in the
    words of its check (loops or matrices): dx from the flipped filter (flip), dw divided by N
    (dw_mean), db summed over the wrong axes (db_axes), db a mean (db_mean)."""
    return [Bug(flip, wrong_grad(0, _flipped_dx)),
            Bug(dw_mean, wrong_grad(1, lambda dout, cache, dw: dw / len(dout))),
            *[Bug(db_axes, wrong_grad(2, lambda dout, cache, db, axes=axes: dout.sum(axis=axes)))
              for axes in ((1, 2), (0, 1), None)],
            Bug(db_mean, wrong_grad(2, lambda dout, cache, db: dout.mean(axis=(0, 1, 2))))]

"""Families of known mistakes shared by several checks: a conv forward's and a conv backward's,
each Bug the output the mistake would give on the same arguments. Families written once for
every shape: a filter whose axes are read in another order (FILTER_ORDERS, any that fits the
case), a gradient made from part of the batch (one image's share)."""
import numpy as np

import solutions as S

from .model import Bug


FILTER_AXES = "the filter's axes are read in the wrong order: w is (F, F, C_in, C_out), and " \
              "w[p, q, k, c] multiplies row p, column q, input channel k of the window, for output channel c"

# w read as another (F, F, C_in, C_out) array: rows and columns swapped, input and output
# channels swapped, or both; a transpose that does not fit the case's shapes does not apply.
FILTER_ORDERS = [(1, 0, 2, 3), (0, 1, 3, 2), (1, 0, 3, 2)]


def filter_order_bugs(out):
    """The filter-axes family for a forward whose out(x, w, b, stride, pad) is the output."""
    return [Bug(FILTER_AXES, lambda x, w, b, s, p, order=order: out(x, _read_as(w, order), b, s, p))
            for order in FILTER_ORDERS]


def _read_as(w, order):
    """w transposed by order, which must keep its shape (else the mistake cannot be made)."""
    read = w.transpose(order)
    if read.shape != w.shape:
        raise ValueError("this order does not fit the filter's shape")
    return read


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
    ] + filter_order_bugs(out) + padding_value_bugs(out)


PADDING_VALUE = ("the padding is not zeros: the border added around the input holds 0 (np.pad's default "
                 "constant, or zero_pad), not {what}")


def padding_value_bugs(out):
    """A conv forward whose input was padded with another constant (1, -1) or by repeating the
    border (np.pad's mode 'edge'), then convolved without padding."""
    def padded(value=None):
        def mistake(x, w, b, s, p):
            if p == 0:
                raise ValueError("no padding: its value cannot matter")
            widths = ((0, 0), (p, p), (p, p), (0, 0))
            xp = np.pad(x, widths, mode="edge") if value is None else np.pad(x, widths, constant_values=value)
            return out(xp, w, b, s, 0)
        return mistake
    return [Bug(PADDING_VALUE.format(what="ones"), padded(1)), Bug(PADDING_VALUE.format(what="-1"), padded(-1)),
            Bug(PADDING_VALUE.format(what="copies of the edge (mode 'edge')"), padded())]


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


PART_OF_BATCH = ("{grad} holds part of the batch only: it must add up the contributions of every example "
                 "in the batch (+= in the loop over n, not =; or a sum over the batch axis), not some of them")
# The parts of a batch a loop keeps when it overwrote (=) instead of adding (the last example),
# stopped early or started late (the first; all but the last; all but the first), as slices.
PARTS = ((0, 1), (-1, None), (0, -1), (1, None))


def _example(part, n):
    """The slice `part` (one of PARTS) of a batch of n (of one example, all of it or none)."""
    return slice(*part)


def _one_image(index, which):
    """(dout, cache, correct) -> the gradient `index` of a conv's (dx, dw, db) from the
    examples of `which` (one of PARTS) alone."""
    def value_of(dout, cache, grad):
        x, w, b, stride, pad = cache[:5]
        part = _example(which, len(dout))
        if not len(dout[part]):           # no example: nothing added up
            return np.zeros_like(grad)
        return S.conv_backward(dout[part], (x[part], w, b, stride, pad))[index]
    return value_of


def partial_batch_bugs():
    """A conv's dw or db made from part of the batch (PARTS)."""
    return [Bug(PART_OF_BATCH.format(grad=name), wrong_grad(index, _one_image(index, which)))
            for index, name in ((1, "dw"), (2, "db")) for which in PARTS]


def dense_partial_batch_bugs(parts=PARTS):
    """A dense layer's dw or db made from part of the batch (parts, of PARTS), as (dx, dw, db)
    with None where the mistake says nothing (matched with Comparison("given"))."""
    def dw(which):
        return lambda dout, cache: (None, cache[0][_example(which, len(dout))].T @ dout[_example(which, len(dout))], None)

    def db(which):
        return lambda dout, cache: (None, None, dout[_example(which, len(dout))].sum(axis=0))
    return [Bug(PART_OF_BATCH.format(grad=name), make(which))
            for name, make in (("dw", dw), ("db", db)) for which in parts]


def conv_backward_bugs(flip, dw_mean, db_axes, db_mean):
    """Known mistakes in a conv backward, each as the (dx, dw, db) it would give, named in the
    words of its check (loops or matrices): dx from the flipped filter (flip), dw divided by N
    (dw_mean), db summed over the wrong axes (db_axes), db a mean (db_mean); and the shared
    families (a gradient from part of the batch)."""
    return [Bug(flip, wrong_grad(0, _flipped_dx)),
            Bug(dw_mean, wrong_grad(1, lambda dout, cache, dw: dw / len(dout))),
            *[Bug(db_axes, wrong_grad(2, lambda dout, cache, db, axes=axes: dout.sum(axis=axes)))
              for axes in ((1, 2), (0, 1), None)],
            Bug(db_mean, wrong_grad(2, lambda dout, cache, db: dout.mean(axis=(0, 1, 2))))] + partial_batch_bugs()

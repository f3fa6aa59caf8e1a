"""Checks of notebook 03 (backpropagation): numerical_gradient, relu_backward,
conv_backward_naive, max_mask, distribute_average, pool_backward_naive.

Backward checks hand the student's function a cache built by the reference
forward, so they grade the backward alone, with the cache format of the course.
"""
import numpy as np

import solutions as S

from coursekit.judging import Case, Comparison

from .bugs import conv_backward_bugs, wrong_grad
from .cases import backward_cases, conv_cases, pool_cases
from .model import Bug, Check, case_rng

# numerical_gradient --------------------------------------------------------------------------


def gradient_cases(seed=0):
    rng = case_rng(301, seed)
    specs = [((5,), None, 1e-5, "a vector, scalar output (dout None)"),
             ((3, 4), "dout", 1e-5, "a matrix, weighted by dout"),
             ((2, 3, 2), "dout", 1e-4, "3-D input, h = 1e-4"),
             ((4,), "dout", 1e-5, "a vector, weighted by dout")]
    cases = []
    for shape, dout, h, name in specs:
        x, a = _not_restored_by_arithmetic(rng.standard_normal(shape), h, rng), rng.standard_normal(shape)
        cases.append(Case(name, (x, a, rng.standard_normal(shape) if dout else None, h)))
    # a of shape (2, 1) makes f(x) a (2, 3) matrix of a (1, 3) x: each entry of x reaches
    # two outputs, so multiplying a gradient by dout afterwards no longer works
    x, a = _not_restored_by_arithmetic(rng.standard_normal((1, 3)), 1e-5, rng), rng.standard_normal((2, 1))
    cases.append(Case("f's output larger than x", (x, a, rng.standard_normal((2, 3)), 1e-5)))
    return cases


def _not_restored_by_arithmetic(x, h, rng):
    """x with a first entry v that ((v + h) - 2h) + h does not give back exactly (most
    values, not all): putting x[i] back by arithmetic then changes x on every case,
    whatever the seed."""
    flat = x.reshape(-1)
    while ((flat[0] + h) - 2 * h) + h == flat[0]:
        flat[0] = rng.standard_normal()
    return x


def _weight(dout):
    return (lambda v: np.sum(v)) if dout is None else (lambda v: np.sum(v * dout))


def _one_sided(forward=True):
    """(f(x + h) - f(x)) / h, or (f(x) - f(x - h)) / h."""
    def gradient(f, x, dout=None, h=1e-5):
        grad, weight = np.zeros_like(x), _weight(dout)
        base = weight(f(x))
        for i in np.ndindex(x.shape):
            old = x[i]
            x[i] = old + h if forward else old - h
            grad[i] = (weight(f(x)) - base) / h if forward else (base - weight(f(x))) / h
            x[i] = old
        return grad
    return gradient


def _scaled(factor, ignore_dout=False):
    """The right gradient times factor(h); without dout when ignore_dout."""
    def gradient(f, x, dout=None, h=1e-5):
        return factor(h) * S.numerical_gradient(f, x, None if ignore_dout else dout, h)
    return gradient


def _dout_afterwards(f, x, dout=None, h=1e-5):
    """The gradient of sum(f(x)), multiplied by dout at the end."""
    grad = S.numerical_gradient(f, x, None, h)
    return grad if dout is None else grad * dout


def _dout_at_i(f, x, dout=None, h=1e-5):
    """The gradient of sum(f(x)), entry i multiplied by dout[i]."""
    grad = S.numerical_gradient(f, x, None, h)
    return grad if dout is None else grad * dout[tuple(slice(0, n) for n in x.shape)]


def _all_at_once(f, x, dout=None, h=1e-5):
    """Every entry nudged at once: (f(x + h) - f(x - h)) / 2h, times dout."""
    grad = (f(x + h) - f(x - h)) / (2 * h)
    return grad if dout is None else grad * dout


_CENTRED = ("use centred differences, (f(x + h) - f(x - h)) / (2h): a one-sided difference "
            "is far less accurate")
_AFTERWARDS = ("weight f's output by dout before summing, sum(f(x) * dout), instead of multiplying "
               "the gradient by dout afterwards: one entry of x can reach many outputs")

numerical_gradient = Check(
    "numerical_gradient", 2, S.numerical_gradient, gradient_cases,
    Comparison("value", "the gradient"),
    adapter="numerical_gradient", bug_compare=Comparison("relative", "the gradient"),
    bugs=[Bug(_CENTRED, _one_sided(True)),
          Bug(_CENTRED, _one_sided(False)),
          Bug("the centred difference spans 2h: divide by 2 * h", _scaled(lambda h: 2.0)),
          Bug("`/ 2 * h` divides by 2, then multiplies by h: write / (2 * h)", _scaled(lambda h: h * h)),
          Bug("the sign is flipped: the difference is f(x + h) - f(x - h), in that order",
              _scaled(lambda h: -1.0)),
          Bug("the gradient is 0 everywhere: f saw the same x twice. Call f right after each "
              "nudge (x_plus = x is not a copy: use x.copy())", lambda f, x, dout=None, h=1e-5: np.zeros_like(x)),
          Bug("weight f's output by dout before summing: sum(f(x) * dout)", _scaled(lambda h: 1.0, True)),
          Bug(_AFTERWARDS, _dout_afterwards),
          Bug(_AFTERWARDS, _dout_at_i),
          Bug("nudge one entry at a time: x + h moves every entry at once, which works only when "
              "each output depends on one entry of x", _all_at_once)],
    mutation_hint="x must come back unchanged: save old = x[i] and put back x[i] = old after the "
                  "nudges (x[i] + h - 2h + h is not always x[i] in floating point)",
    hint="centred differences: nudge one entry of x up and down by h, take the change of the sum of "
         "f's output weighted by dout over 2h, and put the entry back before the next one")


# relu_backward ---------------------------------------------------------------------------------

def relu_backward_cases(seed=0):
    rng = case_rng(302, seed)
    cases = []
    for shape, name in (((2, 3, 3, 4), "a batch of images"), ((3, 5), "a matrix with exact zeros"),
                        ((6,), "a vector"), ((2, 4), "float32 input")):
        x = rng.standard_normal(shape)
        x.flat[::4] = 0.0
        if "float32" in name:
            x = x.astype(np.float32)
        cases.append(Case(name, (rng.standard_normal(shape).astype(x.dtype), (x,))))
    return cases


relu_backward = Check(
    "relu_backward", 1, S.relu_backward, relu_backward_cases,
    Comparison("value", "dx"),
    bugs=[Bug("at x == 0 the gradient is 0 here (the mask is x > 0, not x >= 0)",
              lambda dout, cache: dout * (cache[0] >= 0)),
          Bug("the mask comes from the forward's input x, not from dout",
              lambda dout, cache: dout * (dout > 0)),
          *[Bug("the mask is reversed: the gradient passes where x > 0 and stops where x <= 0", reversed_)
            for reversed_ in (lambda dout, cache: dout * (cache[0] <= 0),
                              lambda dout, cache: dout * (cache[0] < 0))],
          Bug("multiply dout by the mask (x > 0), not by x itself", lambda dout, cache: dout * cache[0]),
          Bug("multiply dout by the mask (x > 0), not by relu(x)",
              lambda dout, cache: dout * np.maximum(cache[0], 0)),
          Bug("the mask (x > 0) alone is the local gradient: multiply it by dout (chain rule)",
              lambda dout, cache: (cache[0] > 0).astype(cache[0].dtype))],
    mutation_hint="dout belongs to the caller: build a new array, dx = dout * (x > 0), instead of "
                  "zeroing entries of dout in place",
    hint="the gradient passes where the forward's input was positive and is 0 elsewhere: a boolean "
         "mask of the cached x")


# conv_backward_naive ---------------------------------------------------------------------------

def conv_backward_cases(seed=0):
    return backward_cases(conv_cases(304, seed), S.conv_forward_naive, case_rng(303, seed))


def _padded_dx(dout, cache, dx):
    x, w, b, stride, pad = cache[:5]
    return S.conv_backward(dout, (S.zero_pad(x, pad), w, b, stride, 0))[0]


def _loops(assign=(), step=None, swap=False, filters=None):
    """The backward loops with one mistake: the gradients named in assign ("dx", "dw", "db")
    written with = instead of +=; window (i, j) starting at (i*step, j*step) instead of
    (i*stride, j*stride); the window and the filter swapped (swap); or the loop over
    c running over range(filters) instead of range(C_out)."""
    def backward(dout, cache):
        x, w, b, stride, pad = cache[:5]
        N, Ho, Wo, C_out = dout.shape
        H, W, F = x.shape[1], x.shape[2], w.shape[0]
        s = stride if step is None else step
        xp = np.pad(x, ((0, 0), (pad, pad), (pad, pad), (0, 0)))
        dxp, dw, db = np.zeros_like(xp), np.zeros_like(w), np.zeros_like(b)
        for n, i, j, c in np.ndindex(N, Ho, Wo, C_out if filters is None else filters(x, w)):
            rows, cols, g = slice(i * s, i * s + F), slice(j * s, j * s + F), dout[n, i, j, c]
            to_dx, to_dw = w[:, :, :, c] * g, xp[n, rows, cols, :] * g
            if swap:
                to_dx, to_dw = to_dw, to_dx
            if "dx" in assign:
                dxp[n, rows, cols, :] = to_dx
            else:
                dxp[n, rows, cols, :] += to_dx
            if "dw" in assign:
                dw[:, :, :, c] = to_dw
            else:
                dw[:, :, :, c] += to_dw
            db[c] = g if "db" in assign else db[c] + g
        return dxp[:, pad:pad + H, pad:pad + W, :], dw, db
    return backward


conv_backward_naive = Check(
    "conv_backward_naive", 4, S.conv_backward_naive, conv_backward_cases,
    Comparison("tuple", ("dx", "dw", "db")),
    bugs=conv_backward_bugs(
        flip="dx uses the filter as it is, w[:, :, :, c]; the flip appears only when dx is written as "
             "a convolution of dout",
        dw_mean="dw is not averaged over the batch: the loss already divides by N",
        db_axes="db[c] is the sum of dout[..., c] over the batch and all positions: dout.sum(axis=(0, 1, 2))",
        db_mean="db is a sum over the batch and positions, not a mean") + [
        Bug("dx still has the padding: return dx_pad[:, pad:pad+H, pad:pad+W, :]", wrong_grad(0, _padded_dx)),
        Bug("with pad == 0, dx_pad[:, pad:-pad] is empty: slice pad:pad+H instead",
            wrong_grad(0, lambda dout, cache, dx: dx[:, 0:0, 0:0])),
        Bug("windows overlap and every filter reads the same window: add up their shares, "
            "dx_pad[...] += ..., not =", _loops(assign=("dx",))),
        Bug("dw[..., c] adds up window * dout[n, i, j, c] over every n, i, j: use +=, not =",
            _loops(assign=("dw",))),
        Bug("db[c] adds up dout[n, i, j, c] over every n, i, j: use +=, not =", _loops(assign=("db",))),
        Bug("db is not averaged over the batch: the loss already divides by N",
            wrong_grad(2, lambda dout, cache, db: db / len(dout))),
        Bug("the window of output (i, j) starts at (i*stride, j*stride), as in the forward pass",
            _loops(step=1)),
        Bug("dx and dw are swapped: dx_pad[window] collects w[..., c] * dout, dw[..., c] "
            "collects window * dout", _loops(swap=True)),
        Bug("loop over the C_out filters (dout.shape[3]), not over the input channels",
            _loops(filters=lambda x, w: x.shape[3]))],
    hint="every output (n, i, j, c) sends its gradient back through the forward's sum: to its window"
         " (times filter c), to filter c (times the window), to bias c; overlapping windows add up "
         "(+=)")


# max_mask --------------------------------------------------------------------------------------

def max_mask_cases(seed=0):
    """Windows drawn from the seed: distinct values, ties placed so that the first maximum in
    row-major order, the last, and the first in column-major order are three different
    positions, non-square windows, a 1x1 window, all-negative values and float32."""
    rng = case_rng(307, seed)

    def distinct(shape):
        return rng.permutation(np.prod(shape)).reshape(shape) * 0.5 + rng.standard_normal()

    def tied(shape, where):
        window = rng.integers(-20, 0, shape).astype(float)
        top = float(rng.integers(2, 20)) + rng.choice([0.0, 0.25, 0.5])     # never 1: a mask of True
        for position in where:
            window[position] = top
        return window

    specs = [(distinct((2, 2)), "a 2x2 window, distinct values"),
             (distinct((3, 3)), "a 3x3 window, distinct values"),
             (tied((2, 2), [(0, 1), (1, 0), (1, 1)]), "ties: three equal maxima in a 2x2 window"),
             (tied((3, 3), [(1, 2), (2, 0), (2, 2)]), "ties: three equal maxima in a 3x3 window"),
             (tied((2, 3), [(0, 2), (1, 0), (1, 1)]), "ties in a non-square 2x3 window"),
             (distinct((3, 2)), "a non-square 3x2 window"),
             (tied((1, 4), [(0, 1), (0, 3)]), "ties in a 1x4 window"),
             (rng.standard_normal((1, 1)), "a 1x1 window"),
             (-np.abs(distinct((3, 3))) - 1, "all values negative"),
             (tied((2, 2), [(0, 1), (1, 0), (1, 1)]).astype(np.float32), "float32 window with ties")]
    return [Case(name, (window,)) for window, name in specs]


def _mask_at(window, flat_index, order="C"):
    mask = np.zeros(window.shape, dtype=bool)
    mask[np.unravel_index(flat_index, window.shape, order=order)] = True
    return mask


def _per_line(axis):
    """The maximum of each column (axis 0) or row (axis 1): np.argmax with an axis."""
    def mask(window):
        best = np.argmax(window, axis=axis)
        out = np.zeros(window.shape, dtype=bool)
        if axis == 0:
            out[best, np.arange(window.shape[1])] = True
        else:
            out[np.arange(window.shape[0]), best] = True
        return out
    return mask


_FIRST = "with ties, only the first maximum in row-major order gets True (np.argmax finds it)"
_AXIS = ("np.argmax(window, axis=...) finds the maximum of every row or column; the window has one "
         "switch: np.argmax(window) without an axis (a flat index), then np.unravel_index")

max_mask = Check(
    "max_mask", 1, S.max_mask, max_mask_cases, Comparison("value", "the mask"),
    bugs=[Bug(f"{_FIRST}, not all of them", lambda w: w == w.max()),
          Bug(f"{_FIRST}; it is not shared among them", lambda w: (w == w.max()) / np.sum(w == w.max())),
          Bug(f"{_FIRST}, not the last", lambda w: _mask_at(w, w.size - 1 - np.argmax(w.ravel()[::-1]))),
          Bug("row-major order reads the first row left to right, then the second: the first maximum "
              "column by column (window.T, order='F') is another one", lambda w: _mask_at(w, np.argmax(w.T), "F")),
          Bug(_AXIS, _per_line(0)),
          Bug(_AXIS, _per_line(1)),
          Bug("the mask holds True (or 1) at the switch, not the window's value there",
              lambda w: _mask_at(w, np.argmax(w)) * w),
          Bug("the switch is the largest value, not the largest absolute value",
              lambda w: _mask_at(w, np.argmax(np.abs(w)))),
          Bug("the switch is the maximum, not the minimum (np.argmax, not np.argmin)",
              lambda w: _mask_at(w, np.argmin(w)))],
    hint="a boolean array of the window's shape, True only at its first maximum in row-major order "
         "(np.argmax gives a flat index, np.unravel_index a position)")


# distribute_average ------------------------------------------------------------------------------

def distribute_average_cases(seed=0):
    """Numbers drawn from the seed spread over square, non-square and 1x1 windows; a negative
    value and a float32 one."""
    rng = case_rng(308, seed)
    specs = [((2, 2), "a 2x2 window"), ((3, 3), "a 3x3 window"), ((1, 1), "a 1x1 window"),
             ((2, 3), "a non-square 2x3 window"), ((3, 2), "a non-square 3x2 window"),
             ((1, 4), "a 1x4 window"), ((4, 4), "a negative value on a 4x4 window"),
             ((3, 3), "float32 value")]
    cases = []
    for shape, name in specs:
        value = rng.uniform(0.5, 4.0) * (-1.0 if "negative" in name else rng.choice([-1.0, 1.0]))
        cases.append(Case(name, (np.float32(value) if "float32" in name else np.float64(value), shape)))
    return cases


distribute_average = Check(
    "distribute_average", 1, S.distribute_average, distribute_average_cases,
    Comparison("value", "the window's gradient"),
    bugs=[Bug("divide dvalue by the number of entries, h * w (the window's area), not by its side",
              lambda d, shape: np.full(shape, d / shape[0])),
          Bug("share dvalue out: every entry gets dvalue divided by the number of entries, h * w",
              lambda d, shape: np.full(shape, d)),
          Bug("divide dvalue by the number of entries, h * w; do not multiply",
              lambda d, shape: np.full(shape, d * shape[0] * shape[1])),
          Bug("the number of entries is h * w, not h + w", lambda d, shape: np.full(shape, d / (shape[0] + shape[1]))),
          Bug("the number of entries is h * w (np.prod(shape)); h ** 2 holds for square windows only",
              lambda d, shape: np.full(shape, d / shape[0] ** 2)),
          Bug("use /, not //: floor division rounds the share down to a whole number",
              lambda d, shape: np.full(shape, d // (shape[0] * shape[1]))),
          Bug("average pooling spreads dvalue over every entry of the window; only max pooling sends "
              "it to one position", lambda d, shape: _mask_at(np.zeros(shape), 0) * d)],
    hint="an array of the given shape, every entry dvalue / (h * w)")


# pool_backward_naive ---------------------------------------------------------------------------

def pool_backward_cases(seed=0):
    return backward_cases(pool_cases(306, seed), S.pool_forward_naive, case_rng(305, seed))


def _pool_calls(dout, cache):
    """The calls pool_backward_naive makes to the notebook's helpers: max_mask on every window
    of a max pool, distribute_average on every value of dout of an average pool."""
    x, size, stride, mode = cache[:4]
    N, H_out, W_out, C = dout.shape
    cells = list(np.ndindex(N, H_out, W_out, C))
    if mode == "max":
        return {"max_mask": [(x[n, i * stride:i * stride + size, j * stride:j * stride + size, c],)
                             for n, i, j, c in cells]}
    return {"distribute_average": [(dout[n, i, j, c], (size, size)) for n, i, j, c in cells]}


def _first_max(window):
    mask = np.zeros(window.shape)
    mask[np.unravel_index(np.argmax(window), window.shape)] = 1.0
    return mask


def _last_max(window):
    mask = np.zeros(window.size)
    mask[window.size - 1 - np.argmax(window.ravel()[::-1])] = 1.0
    return mask.reshape(window.shape)


def _all_max(window):
    return (window == window.max()).astype(float)


def _shared_max(window):
    return _all_max(window) / np.sum(window == window.max())


def _pool_loops(pick=_first_max, area=lambda size, stride: size * size, step=None, write="+="):
    """The backward loops with one rule changed. pick(window): the share of dout each input of
    a max window gets; area(size, stride): what avg divides dout by; step: where window i
    starts (i*stride when None; a function of (size, stride) otherwise); write: "+=", "="
    (the switch, or the avg window, assigned), "= window" (mask * dout assigned to the whole
    window) or "no corner" (the switch (r, q) written at dx[n, r, q, c], not at the window's
    corner plus (r, q))."""
    def backward(dout, cache):
        x, size, stride, mode = cache[:4]
        s = stride if step is None else step(size, stride)
        dx = np.zeros_like(x)
        N, Ho, Wo, C = dout.shape
        for n, i, j, c in np.ndindex(N, Ho, Wo, C):
            top, left, g = i * s, j * s, dout[n, i, j, c]
            rows, cols = slice(top, top + size), slice(left, left + size)
            if mode == "avg":
                if write == "=":
                    dx[n, rows, cols, c] = g / area(size, stride)
                else:
                    dx[n, rows, cols, c] += g / area(size, stride)
                continue
            share = pick(x[n, rows, cols, c]) * g
            if write == "= window":
                dx[n, rows, cols, c] = share
            elif write == "=":
                for r, q in zip(*np.nonzero(share)):
                    dx[n, top + r, left + q, c] = share[r, q]
            elif write == "no corner":
                dx[n, :size, :size, c] += share
            else:
                dx[n, rows, cols, c] += share
        return dx
    return backward


pool_backward_naive = Check(
    "pool_backward_naive", 3, S.pool_backward_naive, pool_backward_cases,
    Comparison("value", "dx"), uses=_pool_calls,
    bugs=[Bug("with ties, only the first maximum (row-major order) gets the gradient, not all of them",
              _pool_loops(pick=_all_max)),
          Bug("with ties, only the first maximum (row-major order) gets the gradient; it is not "
              "shared among them", _pool_loops(pick=_shared_max)),
          Bug("with ties, the gradient goes to the first maximum in row-major order (np.argmax), "
              "not the last", _pool_loops(pick=_last_max)),
          Bug("overlapping windows add up their gradients: dx[...] += ..., not =", _pool_loops(write="=")),
          Bug("overlapping windows add up their gradients: dx[...] += ..., not =; assigning "
              "mask * dout to the whole window also wipes what earlier windows put there",
              _pool_loops(write="= window")),
          Bug("the switch (r, q) is relative to the window: add the window's corner, "
              "dx[n, i*stride + r, j*stride + q, c]", _pool_loops(write="no corner")),
          Bug("the window of output (i, j) starts at (i*stride, j*stride)", _pool_loops(step=lambda f, s: 1)),
          Bug("the window moved by size instead of stride: it starts at (i*stride, j*stride)",
              _pool_loops(step=lambda f, s: f)),
          Bug("average pooling spreads dout over size * size inputs: divide by size * size",
              _pool_loops(area=lambda f, s: 1)),
          Bug("average pooling: divide by size * size, not by size", _pool_loops(area=lambda f, s: f)),
          Bug("average pooling: divide by size * size (the window's area), not stride * stride",
              _pool_loops(area=lambda f, s: s * s)),
          Bug("mode 'avg' spreads the gradient evenly; only 'max' routes it to one position",
              lambda dout, cache: S.pool_backward(dout, cache[:3] + ("max" if cache[3] == "avg" else "avg",)))],
    hint="max: dout goes to the first maximum of its window (np.argmax); avg: dout / (size*size) "
         "to every position of the window; overlapping windows add up")

CHECKS = [numerical_gradient, relu_backward, conv_backward_naive, max_mask, distribute_average,
          pool_backward_naive]

"""Checks of notebook 03 (backpropagation): numerical_gradient, relu_backward,
conv_backward_naive, pool_backward_naive.

Backward checks hand the student's function a cache built by the reference
forward, so they grade the backward alone, with the cache format of the course.
"""
import numpy as np

import solutions as S

from ..check import Bug, Case, Check, compare_tuple, compare_value
from .convolution import conv_cases
from .pooling import pool_cases

# numerical_gradient --------------------------------------------------------------------------


def gradient_cases():
    rng = np.random.default_rng(301)
    specs = [((5,), None, 1e-5, "a vector, scalar output (dout None)"),
             ((3, 4), "dout", 1e-5, "a matrix, weighted by dout"),
             ((2, 3, 2), "dout", 1e-4, "3-D input, h = 1e-4"),
             ((4,), "dout", 1e-5, "a vector, weighted by dout")]
    cases = []
    for shape, dout, h, name in specs:
        x, a = rng.standard_normal(shape), rng.standard_normal(shape)
        cases.append(Case(name, (x, a, rng.standard_normal(shape) if dout else None, h)))
    return cases


def _one_sided(f, x, dout=None, h=1e-5):
    grad = np.zeros_like(x)
    weight = (lambda v: np.sum(v)) if dout is None else (lambda v: np.sum(v * dout))
    base = weight(f(x))
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + h
        grad[i] = (weight(f(x)) - base) / h
        x[i] = old
    return grad


def _scaled(factor, ignore_dout=False):
    def gradient(f, x, dout=None, h=1e-5):
        return factor * S.numerical_gradient(f, x, None if ignore_dout else dout, h)
    return gradient


numerical_gradient = Check(
    "numerical_gradient", 2, S.numerical_gradient, gradient_cases,
    lambda got, expected, case: compare_value(got, expected, case, "the gradient"),
    adapter="numerical_gradient",
    bugs=[Bug("use centred differences, (f(x + h) - f(x - h)) / (2h): a one-sided difference "
              "is far less accurate", _one_sided),
          Bug("the centred difference spans 2h: divide by 2 * h", _scaled(2.0)),
          Bug("weight f's output by dout before summing: sum(f(x) * dout)", _scaled(1.0, True))],
    mutation_hint="x must come back unchanged: put back x[i] after nudging it",
    hint="grad[i] = (sum(f(x + h e_i) * dout) - sum(f(x - h e_i) * dout)) / (2h)")


# relu_backward ---------------------------------------------------------------------------------

def relu_backward_cases():
    rng = np.random.default_rng(302)
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
    lambda got, expected, case: compare_value(got, expected, case, "dx"),
    bugs=[Bug("at x == 0 the gradient is 0 here (the mask is x > 0, not x >= 0)",
              lambda dout, cache: dout * (cache[0] >= 0)),
          Bug("the mask comes from the forward's input x, not from dout",
              lambda dout, cache: dout * (dout > 0)),
          Bug("multiply dout by the mask (x > 0), not by x itself", lambda dout, cache: dout * cache[0])],
    hint="dx = dout where x > 0, and 0 elsewhere")


# conv_backward_naive ---------------------------------------------------------------------------

def conv_backward_cases():
    cases = []
    rng = np.random.default_rng(303)
    for case in conv_cases(304):
        x, w, b, stride, pad = case.args
        out, cache = S.conv_forward_naive(x, w, b, stride, pad)
        cases.append(Case(case.name, (rng.standard_normal(out.shape).astype(x.dtype), cache)))
    return cases


def _with(index, value_of):
    """A bug that gets one of (dx, dw, db) wrong: value_of(dout, cache, correct) gives it."""
    def buggy(dout, cache):
        grads = list(S.conv_backward(dout, cache[:5]))
        grads[index] = value_of(dout, cache, grads[index])
        return tuple(grads)
    return buggy


def _padded_dx(dout, cache, dx):
    x, w, b, stride, pad = cache[:5]
    return S.conv_backward(dout, (S.zero_pad(x, pad), w, b, stride, 0))[0]


def _last_example_dw(dout, cache, dw):
    x, w, b, stride, pad = cache[:5]
    return S.conv_backward(dout[-1:], (x[-1:], w, b, stride, pad))[1]


conv_backward_naive = Check(
    "conv_backward_naive", 4, S.conv_backward_naive, conv_backward_cases,
    compare_tuple(("dx", "dw", "db")),
    bugs=[Bug("dx still has the padding: return dx_pad[:, pad:pad+H, pad:pad+W, :]", _with(0, _padded_dx)),
          Bug("with pad == 0, dx_pad[:, pad:-pad] is empty: slice pad:pad+H instead",
              _with(0, lambda dout, cache, dx: dx[:, 0:0, 0:0])),
          Bug("dw must add up the contributions of every example in the batch (+=, not =)",
              _with(1, _last_example_dw)),
          Bug("dw is not averaged over the batch: the loss already divides by N",
              _with(1, lambda dout, cache, dw: dw / len(dout))),
          Bug("db[c] is the sum of dout[..., c] over the batch and all positions",
              _with(2, lambda dout, cache, db: dout[-1].sum(axis=(0, 1)))),
          Bug("db is a sum over the batch and positions, not a mean",
              _with(2, lambda dout, cache, db: dout.mean(axis=(0, 1, 2))))],
    hint="for every output (n, i, j, c): dx_pad[window] += w[..., c] * dout[n, i, j, c]; "
         "dw[..., c] += window * dout[n, i, j, c]; db[c] += dout[n, i, j, c]")


# pool_backward_naive ---------------------------------------------------------------------------

def pool_backward_cases():
    cases = []
    rng = np.random.default_rng(305)
    for case in pool_cases(306):
        out, cache = S.pool_forward_naive(*case.args)
        cases.append(Case(case.name, (rng.standard_normal(out.shape).astype(out.dtype), cache)))
    return cases


def _route_max(pick, accumulate=True):
    """Max-pool backward with another rule: pick(window) -> boolean mask of receivers."""
    def backward(dout, cache):
        x, size, stride, mode = cache[:4]
        if mode != "max":
            return S.pool_backward(dout, cache[:4])
        dx = np.zeros_like(x)
        N, Ho, Wo, C = dout.shape
        for n, i, j, c in np.ndindex(N, Ho, Wo, C):
            rows, cols = slice(i * stride, i * stride + size), slice(j * stride, j * stride + size)
            share = pick(x[n, rows, cols, c]) * dout[n, i, j, c]
            if accumulate:
                dx[n, rows, cols, c] += share
            else:
                dx[n, rows, cols, c] = share
        return dx
    return backward


def _first_max(window):
    mask = np.zeros(window.shape, bool)
    mask[np.unravel_index(np.argmax(window), window.shape)] = True
    return mask


def _last_max(window):
    flat = window.ravel()
    mask = np.zeros(window.size, bool)
    mask[window.size - 1 - np.argmax(flat[::-1])] = True
    return mask.reshape(window.shape)


def _avg_scaled(factor):
    def backward(dout, cache):
        dx = S.pool_backward(dout, cache[:4])
        return dx * factor(cache[1]) if cache[3] == "avg" else dx
    return backward


pool_backward_naive = Check(
    "pool_backward_naive", 3, S.pool_backward_naive, pool_backward_cases,
    lambda got, expected, case: compare_value(got, expected, case, "dx"),
    bugs=[Bug("with ties, only the first maximum (row-major order) gets the gradient, not all of them",
              _route_max(lambda window: window == window.max())),
          Bug("with ties, the gradient goes to the first maximum in row-major order (np.argmax), "
              "not the last", _route_max(_last_max)),
          Bug("overlapping windows add up their gradients: dx[...] += ..., not =",
              _route_max(_first_max, accumulate=False)),
          Bug("average pooling spreads dout over size * size inputs: divide by size * size",
              _avg_scaled(lambda size: size * size)),
          Bug("average pooling: divide by size * size, not by size", _avg_scaled(lambda size: size)),
          Bug("mode 'avg' spreads the gradient evenly; only 'max' routes it to one position",
              lambda dout, cache: S.pool_backward(dout, cache[:3] + ("max" if cache[3] == "avg" else "avg",)))],
    hint="max: dout goes to the first maximum of its window (np.argmax); avg: dout / (size*size) "
         "to every position of the window; overlapping windows add up")

CHECKS = [numerical_gradient, relu_backward, conv_backward_naive, pool_backward_naive]

"""Pooling: naive vs vectorized, independent references, ties, overlaps, gradients, dtypes."""
import numpy as np
import pytest
from hypothesis import given, strategies as st

import solutions as S
from coursekit import assert_close, relative_error


@st.composite
def pool_configs(draw):
    size, stride = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    h, w = draw(st.integers(size, 9)), draw(st.integers(size, 9))
    n, c = draw(st.integers(1, 3)), draw(st.integers(1, 4))
    mode = draw(st.sampled_from(["max", "avg"]))
    ties = draw(st.booleans())  # small integers make tied maxima common
    return (n, h, w, c, size, stride, mode, ties, draw(st.integers(0, 2**16)))


def pool_problem(config):
    n, h, w, c, size, stride, mode, ties, seed = config
    rng = np.random.default_rng(seed)
    x = rng.integers(0, 3, (n, h, w, c)).astype(float) if ties else rng.standard_normal((n, h, w, c))
    return x, size, stride, mode


@given(pool_configs())
def test_vectorized_pool_matches_naive(config):
    x, size, stride, mode = pool_problem(config)
    out_naive, cache_naive = S.pool_forward_naive(x, size, stride, mode)
    out, cache = S.pool_forward(x, size, stride, mode)
    assert_close(out, out_naive, "pool_forward")
    dout = np.random.default_rng(config[-1] + 1).standard_normal(out.shape)
    assert_close(S.pool_backward(dout, cache), S.pool_backward_naive(dout, cache_naive), "dx")
    assert_close(S.pool_backward(dout, cache_naive), S.pool_backward_naive(dout, cache), "dx")


@pytest.mark.parametrize("mode, reduce", [("max", np.max), ("avg", np.mean)])
@pytest.mark.parametrize("forward", [S.pool_forward, S.pool_forward_naive])
def test_non_overlapping_pool_matches_block_reduction(forward, mode, reduce, rng):
    x = rng.standard_normal((2, 8, 6, 3))
    blocks = x.reshape(2, 4, 2, 3, 2, 3)          # (N, Ho, size, Wo, size, C)
    assert_close(forward(x, 2, 2, mode)[0], reduce(blocks, axis=(2, 4)))


def test_overlapping_max_pool_matches_sliding_maximum(rng):
    from scipy.ndimage import maximum_filter
    x = rng.standard_normal((1, 7, 9, 2))
    full = maximum_filter(x, size=(1, 3, 3, 1), mode="constant", cval=-np.inf, origin=(0, -1, -1, 0))
    assert_close(S.pool_forward(x, 3, 2, "max")[0], full[:, 0:5:2, 0:7:2, :])


def test_pool_2x2_keeps_a_quarter_of_the_activations(rng):
    out, _ = S.pool_forward(rng.standard_normal((1, 28, 28, 6)))
    assert out.shape == (1, 14, 14, 6)


@pytest.mark.parametrize("backward", [S.pool_backward, S.pool_backward_naive])
def test_tied_maximum_routes_to_the_first_in_row_major_order(backward):
    x = np.zeros((1, 2, 2, 1))
    x[0, 0, 1, 0] = x[0, 1, 0, 0] = x[0, 1, 1, 0] = 5.0    # three tied maxima
    _, cache = S.pool_forward(x, 2, 2, "max")
    dx = backward(np.array([[[[3.0]]]]), cache)
    expected = np.zeros_like(x)
    expected[0, 0, 1, 0] = 3.0
    assert_close(dx, expected, "dx")

    flat = np.ones((1, 3, 3, 1))                           # everything tied
    _, cache = S.pool_forward(flat, 3, 3, "max")
    dx = backward(np.ones((1, 1, 1, 1)), cache)
    assert dx[0, 0, 0, 0] == 1.0 and dx.sum() == 1.0


@pytest.mark.parametrize("backward", [S.pool_backward, S.pool_backward_naive])
def test_overlapping_windows_accumulate_gradient(backward):
    x = np.zeros((1, 3, 3, 1))
    x[0, 1, 1, 0] = 1.0                 # the maximum of all four 2x2 windows at stride 1
    _, cache = S.pool_forward(x, 2, 1, "max")
    dx = backward(np.ones((1, 2, 2, 1)), cache)
    assert dx[0, 1, 1, 0] == 4.0 and dx.sum() == 4.0
    _, cache = S.pool_forward(x, 2, 1, "avg")
    dx = backward(np.ones((1, 2, 2, 1)), cache)
    assert_close(dx[0, :, :, 0], np.array([[1, 2, 1], [2, 4, 2], [1, 2, 1]]) / 4, "avg dx")


POOL_GRADIENT_CASES = [(2, 2), (3, 2), (2, 1), (3, 3), (1, 1)]


@pytest.mark.parametrize("backward", [S.pool_backward, S.pool_backward_naive])
@pytest.mark.parametrize("mode", ["max", "avg"])
@pytest.mark.parametrize("size, stride", POOL_GRADIENT_CASES)
def test_pool_gradient_matches_numerical(size, stride, mode, backward, rng):
    x = rng.permutation(2 * 7 * 6 * 3).reshape(2, 7, 6, 3) / 10.0   # distinct values: no ties
    out, cache = S.pool_forward(x, size, stride, mode)
    dout = rng.standard_normal(out.shape)
    numeric = S.numerical_gradient(lambda v: S.pool_forward(v, size, stride, mode)[0], x, dout)
    assert relative_error(backward(dout, cache), numeric) < 1e-7


@pytest.mark.parametrize("mode", ["max", "avg"])
def test_pool_float32_in_gives_float32_out(mode, rng):
    x = rng.standard_normal((2, 6, 6, 3))
    for forward, backward in ((S.pool_forward, S.pool_backward),
                              (S.pool_forward_naive, S.pool_backward_naive)):
        out, cache = forward(x.astype(np.float32), 3, 2, mode)
        assert out.dtype == np.float32
        assert_close(out, forward(x, 3, 2, mode)[0], rtol=1e-6, atol=1e-6)
        assert backward(np.ones(out.shape, np.float32), cache).dtype == np.float32

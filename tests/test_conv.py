"""Convolution: worked sizes, naive vs vectorized, scipy, gradients, dtypes, caches."""
import numpy as np
import pytest
import scipy.signal
from hypothesis import given, strategies as st

import solutions as S
from coursekit import assert_close, relative_error


@pytest.mark.parametrize("n, f, stride, pad, expected", [
    (7, 3, 1, 0, 5),        # 7x7 input, 3x3 filter, stride 1
    (7, 3, 2, 0, 3),        # ... stride 2
    (227, 11, 4, 0, 55),    # AlexNet's first layer
    (10, 3, 2, 0, 4),       # does not fit evenly: the floor drops the last column
    (32, 5, 1, 2, 32),
    (28, 5, 1, "same", 28),
    (28, 5, 1, "valid", 24),
    (5, 5, 1, 0, 1),
    (1, 1, 1, 0, 1),
])
def test_output_size_examples(n, f, stride, pad, expected):
    assert S.output_size(n, f, stride, pad) == expected


def test_zero_pad_pads_height_and_width_only(rng):
    x = rng.standard_normal((2, 3, 4, 5))
    xp = S.zero_pad(x, 2)
    assert xp.shape == (2, 7, 8, 5)
    assert_close(xp[:, 2:-2, 2:-2, :], x, "interior")
    border = xp.copy()
    border[:, 2:-2, 2:-2, :] = 0
    assert not border.any()
    assert S.zero_pad(x, 0) is x


def test_conv_single_step_is_sum_of_products_plus_bias(rng):
    a, w = rng.standard_normal((3, 3, 4)), rng.standard_normal((3, 3, 4))
    expected = sum(a[i, j, c] * w[i, j, c] for i in range(3) for j in range(3) for c in range(4))
    assert S.conv_single_step(a, w, 0.5) == pytest.approx(expected + 0.5)
    assert S.conv_single_step(a, w, np.array([0.5])) == pytest.approx(expected + 0.5)


@st.composite
def conv_configs(draw):
    """Random but valid conv problems: any stride, int/"same"/"valid" pad, non-square inputs."""
    f = draw(st.integers(1, 4))
    stride = draw(st.integers(1, 3))
    pad = draw(st.sampled_from([0, 1, 2, "valid"] + (["same"] if f % 2 and stride == 1 else [])))
    p = S.windows.resolve_pad(pad, f, stride)
    h = draw(st.integers(max(1, f - 2 * p), 9))
    w = draw(st.integers(max(1, f - 2 * p), 9))
    n, c_in, c_out = draw(st.integers(1, 3)), draw(st.integers(1, 4)), draw(st.integers(1, 4))
    seed = draw(st.integers(0, 2**16))
    return (n, h, w, c_in, c_out, f, stride, pad, seed)


def conv_problem(config, dtype=np.float64):
    n, h, w, c_in, c_out, f, stride, pad, seed = config
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, h, w, c_in)).astype(dtype)
    wt = rng.standard_normal((f, f, c_in, c_out)).astype(dtype)
    b = rng.standard_normal(c_out).astype(dtype)
    return x, wt, b, stride, pad


@given(conv_configs())
def test_vectorized_conv_matches_naive(config):
    x, w, b, stride, pad = conv_problem(config)
    out_naive, cache_naive = S.conv_forward_naive(x, w, b, stride, pad)
    out, cache = S.conv_forward(x, w, b, stride, pad)
    assert_close(out, out_naive, "conv_forward")
    dout = np.random.default_rng(config[-1] + 1).standard_normal(out.shape)
    for name, fast, naive in zip(("dx", "dw", "db"), S.conv_backward(dout, cache),
                                 S.conv_backward_naive(dout, cache_naive)):
        assert_close(fast, naive, name)


@given(conv_configs())
def test_conv_forward_matches_scipy_correlate(config):
    x, w, b, stride, pad = conv_problem(config)
    p = S.windows.resolve_pad(pad, w.shape[0], stride)
    xp = np.pad(x, ((0, 0), (p, p), (p, p), (0, 0)))
    expected = np.stack([
        np.stack([scipy.signal.correlate(xp[n], w[..., k], mode="valid")[::stride, ::stride, 0] + b[k]
                  for k in range(w.shape[3])], axis=-1)
        for n in range(x.shape[0])])
    assert_close(S.conv_forward(x, w, b, stride, pad)[0], expected, "conv_forward")


@pytest.mark.parametrize("images_per_block", [1, 3])
@pytest.mark.parametrize("c_in, c_out", [(1, 4), (2, 4), (3, 2)])  # both ways to dx, one channel
def test_blocks_of_images_give_the_numbers_of_the_whole_batch(images_per_block, c_in, c_out,
                                                              monkeypatch, rng):
    x, w = rng.standard_normal((7, 6, 5, c_in)), rng.standard_normal((3, 3, c_in, c_out))
    b = rng.standard_normal(c_out)
    out_naive, cache_naive = S.conv_forward_naive(x, w, b, 2, 1)
    dout = rng.standard_normal(out_naive.shape)
    windows_per_image = out_naive.shape[1] * out_naive.shape[2]
    monkeypatch.setattr(S.conv, "BLOCK_BYTES", images_per_block * windows_per_image * w[..., 0].size * 8)
    assert len(list(S.conv._blocks(7, windows_per_image, w[..., 0].size * 8))) == -(-7 // images_per_block)
    out, cache = S.conv_forward(x, w, b, 2, 1)
    assert_close(out, out_naive, "conv_forward")
    assert_close(cache[5], S.im2col(x, 3, 2, 1), "cached windows")
    naive_grads = S.conv_backward_naive(dout, cache_naive)
    for c in (cache, cache_naive):  # with and without cached windows
        for name, fast, naive in zip(("dx", "dw", "db"), S.conv_backward(dout, c), naive_grads):
            assert_close(fast, naive, name)


GRADIENT_CASES = {  # name: (x shape, w shape, stride, pad)
    "stride 1 pad 0": ((2, 5, 5, 3), (3, 3, 3, 2), 1, 0),
    "stride 2 pad 1, non-square": ((2, 7, 5, 2), (3, 3, 2, 4), 2, 1),
    "same padding": ((1, 6, 6, 2), (3, 3, 2, 3), 1, "same"),
    "1x1 filters": ((2, 4, 3, 5), (1, 1, 5, 2), 1, 0),
    "stride 3, uneven fit": ((1, 8, 7, 1), (2, 2, 1, 3), 3, 1),
    "one input channel": ((2, 6, 6, 1), (5, 5, 1, 4), 1, 2),
}


@pytest.mark.parametrize("backward", [S.conv_backward, S.conv_backward_naive])
@pytest.mark.parametrize("case", GRADIENT_CASES)
def test_conv_gradients_match_numerical(case, backward, rng):
    x_shape, w_shape, stride, pad = GRADIENT_CASES[case]
    x, w = rng.standard_normal(x_shape), rng.standard_normal(w_shape)
    b = rng.standard_normal(w_shape[3])
    out, cache = S.conv_forward(x, w, b, stride, pad)
    dout = rng.standard_normal(out.shape)
    dx, dw, db = backward(dout, cache)
    numeric = {
        "dx": S.numerical_gradient(lambda v: S.conv_forward(v, w, b, stride, pad)[0], x, dout),
        "dw": S.numerical_gradient(lambda v: S.conv_forward(x, v, b, stride, pad)[0], w, dout),
        "db": S.numerical_gradient(lambda v: S.conv_forward(x, w, v, stride, pad)[0], b, dout),
    }
    for name, analytic in (("dx", dx), ("dw", dw), ("db", db)):
        assert relative_error(analytic, numeric[name]) < 1e-7, name


@pytest.mark.parametrize("method", [S.conv._dx_per_offset, S.conv._dx_by_products,
                                    S.conv._dx_by_row_windows])
@pytest.mark.parametrize("case", GRADIENT_CASES)
def test_every_way_to_dx_gives_the_loops_gradient(case, method, monkeypatch, rng):
    x_shape, w_shape, stride, pad = GRADIENT_CASES[case]
    x, w = rng.standard_normal(x_shape), rng.standard_normal(w_shape)
    out, cache = S.conv_forward(x, w, rng.standard_normal(w_shape[3]), stride, pad)
    dout = rng.standard_normal(out.shape)
    monkeypatch.setattr(S.conv, "_dx_method", lambda f, c_in, c_out: method)
    assert_close(S.conv_backward(dout, cache)[0], S.conv_backward_naive(dout, cache)[0], "dx")


@pytest.mark.parametrize("forward, backward", [(S.conv_forward, S.conv_backward),
                                               (S.conv_forward_naive, S.conv_backward_naive)])
def test_conv_float32_in_gives_float32_out(forward, backward, rng):
    x = rng.standard_normal((2, 6, 5, 3))
    w, b = rng.standard_normal((3, 3, 3, 4)), rng.standard_normal(4)
    out64, cache64 = forward(x, w, b, 2, 1)
    out32, cache32 = forward(*(a.astype(np.float32) for a in (x, w, b)), 2, 1)
    assert out32.dtype == np.float32
    assert_close(out32, out64, "float32 out", rtol=1e-4, atol=1e-5)
    dout = rng.standard_normal(out64.shape)
    for name, g32, g64 in zip(("dx", "dw", "db"), backward(dout.astype(np.float32), cache32),
                              backward(dout, cache64)):
        assert g32.dtype == np.float32, name
        assert_close(g32, g64, name, rtol=1e-4, atol=1e-4)


def test_backward_accepts_either_forwards_cache(rng):
    x, w, b = rng.standard_normal((1, 5, 5, 2)), rng.standard_normal((3, 3, 2, 2)), rng.standard_normal(2)
    _, cache = S.conv_forward(x, w, b, 1, 1)
    _, naive_cache = S.conv_forward_naive(x, w, b, 1, 1)
    assert len(naive_cache) == 5 and naive_cache[3:] == cache[3:5] == (1, 1)
    for a, c in zip(naive_cache[:3], cache[:3]):
        assert np.array_equal(a, c)
    dout = rng.standard_normal((1, 5, 5, 2))
    for fast, naive in zip(S.conv_backward(dout, naive_cache), S.conv_backward_naive(dout, cache)):
        assert_close(fast, naive)


def test_pad_same_is_resolved_in_the_cache(rng):
    x, w, b = rng.standard_normal((1, 5, 5, 1)), rng.standard_normal((5, 5, 1, 1)), np.zeros(1)
    out, cache = S.conv_forward(x, w, b, 1, "same")
    assert out.shape == (1, 5, 5, 1)
    assert cache[4] == 2


def test_forward_does_not_modify_its_inputs(rng):
    x, w, b = rng.standard_normal((2, 5, 5, 2)), rng.standard_normal((3, 3, 2, 2)), rng.standard_normal(2)
    copies = [a.copy() for a in (x, w, b)]
    out, cache = S.conv_forward(x, w, b, 1, 1)
    S.conv_backward(np.ones_like(out), cache)
    for original, copy in zip((x, w, b), copies):
        assert np.array_equal(original, copy)


def test_conv_param_count_examples():
    assert S.conv_param_count(11, 3, 96) == 34_944                  # AlexNet's first layer
    assert S.conv_param_count(5, 1, 6) == 5 * 5 * 6 + 6
    assert S.conv_param_count(1, 64, 16) == 64 * 16 + 16            # a 1x1 depth reduction
    with pytest.raises(ValueError, match="c_in"):
        S.conv_param_count(3, 0, 4)


@pytest.mark.parametrize("stride, pad", [(1, 0), (2, 1), (1, "same"), (3, 2)])
def test_conv_as_matrix_is_the_convolution(stride, pad, rng):
    x, w, b = rng.standard_normal((2, 6, 5, 3)), rng.standard_normal((3, 3, 3, 4)), rng.standard_normal(4)
    out = S.conv_forward(x, w, b, stride, pad)[0]
    M = S.conv_as_matrix(w, (6, 5, 3), stride, pad)
    Ho, Wo = out.shape[1:3]
    assert M.shape == (Ho * Wo * 4, 6 * 5 * 3)
    for n in range(2):
        assert_close(M @ x[n].ravel() + np.tile(b, Ho * Wo), out[n].ravel(), f"example {n}")
    assert set(np.unique(M[M != 0])) <= set(w.ravel())        # only shared filter weights


def test_conv_as_matrix_of_a_distinct_filter_uses_every_weight_and_is_sparse():
    w = np.arange(1.0, 3 * 3 * 2 * 2 + 1).reshape(3, 3, 2, 2)
    M = S.conv_as_matrix(w, (8, 8, 2))
    assert len(np.unique(M[M != 0])) == w.size
    assert (M == 0).mean() > 0.8

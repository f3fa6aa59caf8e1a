"""numerical_gradient: centred, weighted by dout, restores its input."""
import numpy as np
import pytest

import solutions as S
from coursekit import assert_close


def test_gradient_of_a_scalar_function(rng):
    x = rng.standard_normal((3, 4))
    assert_close(S.numerical_gradient(lambda v: np.sum(v ** 2), x), 2 * x, rtol=1e-8)


def test_gradient_is_weighted_by_dout(rng):
    x, dout = rng.standard_normal(5), rng.standard_normal(5)
    assert_close(S.numerical_gradient(lambda v: 3 * v, x, dout), 3 * dout, rtol=1e-8)


def test_differences_are_centred():
    # For x**3 at x = 1 a one-sided difference is off by 3h = 3e-3; the centred one by h**2.
    x = np.array([1.0])
    grad = S.numerical_gradient(lambda v: v ** 3, x, h=1e-3)
    assert abs(grad[0] - 3.0) < 2e-6


def test_input_is_restored_exactly(rng):
    x = rng.standard_normal((2, 3))
    before = x.copy()
    S.numerical_gradient(lambda v: np.sin(v).sum(), x)
    assert np.array_equal(x, before)


def test_input_is_restored_when_f_raises(rng):
    x = rng.standard_normal(4)
    before = x.copy()

    def explode(v):
        raise RuntimeError("boom")
    with pytest.raises(RuntimeError):
        S.numerical_gradient(explode, x)
    assert np.array_equal(x, before)


def test_result_has_the_shape_and_dtype_of_x(rng):
    x = rng.standard_normal((2, 3, 4)).astype(np.float32)
    grad = S.numerical_gradient(lambda v: v.sum(), x, h=1e-2)
    assert grad.shape == x.shape and grad.dtype == np.float32
    assert_close(grad, np.ones_like(x), rtol=1e-3)


def test_rejects_arrays_it_cannot_nudge():
    with pytest.raises(TypeError, match="float numpy array"):
        S.numerical_gradient(lambda v: v, [1.0, 2.0])
    with pytest.raises(TypeError, match="float numpy array"):
        S.numerical_gradient(lambda v: v, np.arange(3))

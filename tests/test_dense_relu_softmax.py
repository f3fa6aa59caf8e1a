"""Dense, flatten, ReLU, softmax and the cross-entropy loss."""
import numpy as np
import pytest

import solutions as S
from coursekit import assert_close, relative_error


def test_dense_forward_is_affine(rng):
    x, w, b = rng.standard_normal((4, 3)), rng.standard_normal((3, 2)), rng.standard_normal(2)
    out, cache = S.dense_forward(x, w, b)
    expected = np.array([[sum(x[n, d] * w[d, m] for d in range(3)) + b[m] for m in range(2)]
                         for n in range(4)])
    assert_close(out, expected)
    assert cache[0] is x and cache[1] is w and cache[2] is b


def test_dense_gradients_match_numerical(rng):
    x, w, b = rng.standard_normal((5, 6)), rng.standard_normal((6, 3)), rng.standard_normal(3)
    out, cache = S.dense_forward(x, w, b)
    dout = rng.standard_normal(out.shape)
    dx, dw, db = S.dense_backward(dout, cache)
    for analytic, param, f in (
            (dx, x, lambda v: S.dense_forward(v, w, b)[0]),
            (dw, w, lambda v: S.dense_forward(x, v, b)[0]),
            (db, b, lambda v: S.dense_forward(x, w, v)[0])):
        assert relative_error(analytic, S.numerical_gradient(f, param, dout)) < 1e-7


def test_flatten_is_channels_last_and_reverts(rng):
    x = rng.standard_normal((2, 3, 4, 5))
    out, cache = S.flatten_forward(x)
    assert out.shape == (2, 60)
    assert_close(out[1, :5], x[1, 0, 0, :], "first pixel's channels")
    assert_close(S.flatten_backward(out, cache), x)


def test_relu_forward_and_backward(rng):
    x = np.array([[-2.0, -0.0, 0.0, 3.0]])
    out, cache = S.relu_forward(x)
    assert_close(out, [[0, 0, 0, 3]])
    assert_close(S.relu_backward(np.array([[5.0, 5.0, 5.0, 5.0]]), cache), [[0, 0, 0, 5]],
                 "dx (zero at x == 0)")
    x = rng.standard_normal((3, 4, 5))
    x[np.abs(x) < 1e-3] = 0.5  # keep finite differences away from the kink
    out, cache = S.relu_forward(x)
    dout = rng.standard_normal(x.shape)
    numeric = S.numerical_gradient(lambda v: S.relu_forward(v)[0], x, dout)
    assert relative_error(S.relu_backward(dout, cache), numeric) < 1e-7


def reference_cross_entropy(scores, y):
    """Textbook definition, evaluated in extended precision on moderate scores."""
    s = scores.astype(np.longdouble)
    p = np.exp(s) / np.exp(s).sum(axis=1, keepdims=True)
    return float(-np.log(p[np.arange(len(y)), y]).mean())


def test_softmax_rows_are_probabilities(rng):
    probs = S.softmax(rng.standard_normal((5, 7)) * 10)
    assert (probs >= 0).all()
    assert_close(probs.sum(axis=1), np.ones(5))


def test_softmax_is_stable_at_large_scores():
    scores = np.array([[1e4, 0.0, -1e4], [1e4, 1e4, -1e4], [-1e4, -1e4, -1e4]])
    probs = S.softmax(scores)
    assert np.isfinite(probs).all()
    assert_close(probs, [[1, 0, 0], [0.5, 0.5, 0], [1 / 3, 1 / 3, 1 / 3]])
    assert S.softmax(scores.astype(np.float32)).dtype == np.float32


def test_cross_entropy_matches_definition_and_gradient(rng):
    scores, y = rng.standard_normal((6, 4)) * 3, rng.integers(0, 4, 6)
    loss, dscores = S.softmax_cross_entropy(scores, y)
    assert loss == pytest.approx(reference_cross_entropy(scores, y), rel=1e-12)
    numeric = S.numerical_gradient(lambda v: S.softmax_cross_entropy(v, y)[0], scores)
    assert relative_error(dscores, numeric) < 1e-7


def test_cross_entropy_of_uniform_scores_is_log_classes():
    loss, _ = S.softmax_cross_entropy(np.zeros((3, 10)), np.array([0, 4, 9]))
    assert loss == pytest.approx(np.log(10))


def test_cross_entropy_is_stable_at_large_scores():
    scores = np.array([[1e4, -1e4, 0.0], [-1e4, 1e4, 0.0]])
    loss, dscores = S.softmax_cross_entropy(scores, np.array([0, 0]))
    assert np.isfinite(loss) and np.isfinite(dscores).all()
    assert loss == pytest.approx(1e4)                  # one right with certainty, one wrong by 2e4
    assert_close(dscores, [[0, 0, 0], [-0.5, 0.5, 0]])  # (p - onehot) / N
    loss32, d32 = S.softmax_cross_entropy(scores.astype(np.float32), np.array([0, 0]))
    assert d32.dtype == np.float32 and np.isfinite(loss32)

"""Layer classes, Sequential end to end, and the optimizers."""
import numpy as np
import pytest

import solutions as S
from coursekit import assert_close, relative_error


def tiny_net(seed=0, dtype=np.float64):
    """CONV-RELU-POOL-FC on (N, 6, 6, 2) inputs, 3 classes."""
    return S.Sequential(
        S.Conv2D(2, 4, 3, pad=1, seed=seed, dtype=dtype), S.ReLU(), S.MaxPool2D(2, 2),
        S.Conv2D(4, 3, 3, stride=1, pad="valid", seed=seed + 1, dtype=dtype), S.ReLU(),
        S.AvgPool2D(1, 1), S.Flatten(), S.Dense(1 * 1 * 3, 3, seed=seed + 2, dtype=dtype))


def test_sequential_gradients_match_numerical_end_to_end(rng):
    net = tiny_net()
    x, y = rng.standard_normal((3, 6, 6, 2)), np.array([0, 2, 1])
    for p in net.parameters().values():   # nonzero biases, so every path is exercised
        p += 0.1 * rng.standard_normal(p.shape)

    def loss(_=None):
        return S.softmax_cross_entropy(net.forward(x), y)[0]
    _, dscores = S.softmax_cross_entropy(net.forward(x), y)
    dx = net.backward(dscores)
    grads = net.gradients()
    assert set(grads) == set(net.parameters()) == {"0.w", "0.b", "3.w", "3.b", "7.w", "7.b"}
    for name, param in net.parameters().items():
        numeric = S.numerical_gradient(loss, param)
        assert relative_error(grads[name], numeric) < 1e-7, name
    assert relative_error(dx, S.numerical_gradient(lambda v: S.softmax_cross_entropy(
        net.forward(v), y)[0], x)) < 1e-7


def test_layers_keep_dtype_and_shapes(rng):
    net = tiny_net(dtype=np.float32)
    out = net.forward(rng.standard_normal((2, 6, 6, 2)).astype(np.float32))
    assert out.shape == (2, 3) and out.dtype == np.float32
    net.backward(np.ones_like(out))
    for name, grad in net.gradients().items():
        assert grad.dtype == np.float32 and grad.shape == net.parameters()[name].shape, name
    assert net.num_parameters() == (3 * 3 * 2 * 4 + 4) + (3 * 3 * 4 * 3 + 3) + (3 * 3 + 3)


def test_seeded_layers_are_reproducible():
    a, b = tiny_net(seed=7), tiny_net(seed=7)
    for name, p in a.parameters().items():
        assert np.array_equal(p, b.parameters()[name])


def test_sgd_momentum_follows_its_rule():
    w, g = np.array([1.0, -2.0]), np.array([0.5, 0.25])
    opt = S.SGD({"w": w}, lr=0.1, momentum=0.9)
    opt.step({"w": g})
    assert_close(w, [1.0 - 0.05, -2.0 - 0.025])
    opt.step({"w": g})                                  # v = 0.9 * (-0.1 g) - 0.1 g = -0.19 g
    assert_close(w, [1.0 - 0.05 - 0.095, -2.0 - 0.025 - 0.0475])


def test_adam_first_step_moves_by_lr_times_sign():
    w = np.array([1.0, -2.0, 3.0])
    S.Adam({"w": w}, lr=0.01).step({"w": np.array([0.3, -4.0, 1e-3])})
    assert_close(w, [0.99, -1.99, 2.99], rtol=1e-6)   # bias correction: m_hat/sqrt(v_hat) = sign


def test_adam_follows_its_rule_over_steps(rng):
    w = rng.standard_normal(4)
    expected, m, v = w.copy(), np.zeros(4), np.zeros(4)
    opt = S.Adam({"w": w}, lr=0.05, beta1=0.8, beta2=0.99, eps=1e-6)
    for t in range(1, 4):
        g = rng.standard_normal(4)
        opt.step({"w": g})
        m, v = 0.8 * m + 0.2 * g, 0.99 * v + 0.01 * g * g
        expected -= 0.05 * (m / (1 - 0.8 ** t)) / (np.sqrt(v / (1 - 0.99 ** t)) + 1e-6)
        assert_close(w, expected, f"w after step {t}")


def test_optimizer_needs_every_gradient():
    opt = S.SGD({"a": np.zeros(1), "b": np.zeros(1)})
    with pytest.raises(ValueError, match="'b'"):
        opt.step({"a": np.ones(1)})


@pytest.mark.parametrize("make_optimizer", [lambda p: S.SGD(p, lr=0.05, momentum=0.9),
                                            lambda p: S.Adam(p, lr=0.01)])
def test_training_drives_the_loss_down(make_optimizer, rng):
    x = rng.standard_normal((24, 6, 6, 2))
    y = (x[:, :3].sum(axis=(1, 2, 3)) > x[:, 3:].sum(axis=(1, 2, 3))).astype(int)  # top vs bottom
    net = tiny_net(seed=3)
    opt = make_optimizer(net.parameters())
    losses = []
    for _ in range(60):
        loss, dscores = S.softmax_cross_entropy(net.forward(x), y)
        net.backward(dscores)
        opt.step(net.gradients())
        losses.append(loss)
    assert losses[-1] < 0.5 * losses[0]

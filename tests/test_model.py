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


def layer_spec(rng):
    return [("conv", {"w": rng.standard_normal((3, 3, 2, 4)), "b": rng.standard_normal(4), "stride": 1, "pad": 1}),
            ("relu", {}), ("pool", {"size": 2, "stride": 2, "mode": "max"}),
            ("conv", {"w": rng.standard_normal((2, 2, 4, 3)), "b": rng.standard_normal(3), "stride": 1, "pad": 0}),
            ("pool", {"size": 2, "stride": 1, "mode": "avg"}),
            ("flatten", {}), ("dense", {"w": rng.standard_normal((3, 5)), "b": rng.standard_normal(5)})]


def test_network_functions_match_the_layer_objects(rng):
    layers = layer_spec(rng)
    x = rng.standard_normal((3, 6, 6, 2))
    scores, caches = S.network_forward(x, layers)
    f64 = np.float64
    net = S.Sequential(S.Conv2D(2, 4, 3, pad=1, dtype=f64), S.ReLU(), S.MaxPool2D(2, 2),
                       S.Conv2D(4, 3, 2, dtype=f64), S.AvgPool2D(2, 1), S.Flatten(), S.Dense(3, 5, dtype=f64))
    for layer, (kind, params) in zip(net.layers, layers):
        for name in layer.params:
            layer.params[name][...] = params[name]
    assert_close(scores, net.forward(x))
    dscores = rng.standard_normal(scores.shape)
    dx, grads = S.network_backward(dscores, caches)
    assert_close(dx, net.backward(dscores), "dx")
    for i, layer in enumerate(net.layers):
        assert set(grads[i]) == set(layer.grads)
        for name in layer.grads:
            assert_close(grads[i][name], layer.grads[name], f"layer {i} d{name}")


def test_network_backward_matches_numerical_gradients(rng):
    layers = layer_spec(rng)
    x, y = rng.standard_normal((2, 6, 6, 2)), np.array([1, 4])

    def loss(_=None):
        return S.softmax_cross_entropy(S.network_forward(x, layers)[0], y)[0]
    scores, caches = S.network_forward(x, layers)
    _, grads = S.network_backward(S.softmax_cross_entropy(scores, y)[1], caches)
    for (kind, params), grad in zip(layers, grads):
        for name, value in grad.items():
            assert relative_error(value, S.numerical_gradient(loss, params[name])) < 1e-7, (kind, name)
    with pytest.raises(ValueError, match="unknown layer kind 'softmax'"):
        S.network_forward(x, [("softmax", {})])


def test_sgd_momentum_is_pure():
    w, dw, v = np.array([1.0, 2.0]), np.array([0.5, -1.0]), np.array([0.1, 0.0])
    before = [a.copy() for a in (w, dw, v)]
    new_w, new_v = S.sgd_momentum(w, dw, v, lr=0.1, momentum=0.9)
    assert_close(new_v, [0.09 - 0.05, 0.1])
    assert_close(new_w, [1.04, 2.1])
    assert all(np.array_equal(a, b) for a, b in zip((w, dw, v), before))
